// The loss section of a config in markdown: a Mermaid chart with its numbers in a collapsed table,
// and/or a link to the SVG chart.
import { escapeMarkdown } from './escape.ts';
import { downsamplePoints, trainingPoints, validationPoints } from './loss-series.ts';
import { linkTarget } from './markdown-links.ts';
import { buildMermaidLossChart } from './mermaid.ts';
import { shortRef } from './markdown-counterfactual.ts';
import { formatNumber } from './numbers.ts';
import type { ConfigResult, SmokeSummary } from './types.ts';

const NUMBERS_TABLE_ROWS = 60;

export function renderLossSection(result: ConfigResult, smoke: SmokeSummary, options: { mermaid?: boolean; svgPath?: string }): string | undefined {
  const parts: string[] = [];
  const title = `Loss: ${result.name}`;
  if (options.mermaid) {
    const base =
      result.comparison?.status === 'compared' && result.comparison.base
        ? { label: shortRef(result.comparison.ref), loss: result.comparison.base.curve }
        : undefined;
    const chart = buildMermaidLossChart(smoke, title, base);
    if (chart.block) parts.push(chart.block);
    parts.push(`<sub>${escapeMarkdown(chart.caption, 'space')}</sub>`);
    const numbers = lossNumbersTable(smoke);
    if (numbers) parts.push(`<details><summary>Loss numbers</summary>\n\n${numbers}\n\n</details>`);
  }
  if (options.svgPath) parts.push(`![${escapeMarkdown(title, 'space')}](${linkTarget(options.svgPath)})`);
  // The suggested learning rate is in the footnote (layout.ts runFactsWords): one number per config.
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * Training loss at a downsample of steps plus the first non-finite step, and validation loss at every
 * probe step. A run of non-finite training rows shows only its first row: the step it broke is what
 * matters.
 */
function lossNumbersTable(smoke: SmokeSummary): string | undefined {
  const allTraining = trainingPoints(smoke);
  const training = downsamplePoints(allTraining, NUMBERS_TABLE_ROWS);
  const firstBroken = allTraining.find((point) => !Number.isFinite(point.value));
  if (firstBroken) training.push(firstBroken);
  const validation = validationPoints(smoke);
  if (training.length === 0 && validation.length === 0) return undefined;
  const rows = new Map<number, { train?: number; val?: number }>();
  for (const point of training) rows.set(point.step, { train: point.value });
  for (const point of validation) rows.set(point.step, { ...rows.get(point.step), val: point.value });
  const lines = ['| Step | Training loss | Validation loss |', '|---:|---:|---:|'];
  const brokenTrain = (row?: { train?: number }) => row?.train !== undefined && !Number.isFinite(row.train);
  let previous: { train?: number; val?: number } | undefined;
  for (const step of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(step)!;
    const repeatsBreak = brokenTrain(row) && brokenTrain(previous) && row.val === undefined;
    if (row.train !== undefined || row.val !== undefined) previous = row;
    if (repeatsBreak) continue;
    const cell = (value: number | undefined) => (value === undefined ? '' : formatNumber(value));
    lines.push(`| ${step} | ${cell(row.train)} | ${cell(row.val)} |`);
  }
  return lines.join('\n');
}
