// The loss curve as a Mermaid `xychart-beta` block, which GitHub renders inline in comments.
import { mermaidLabel } from './escape.ts';
import { formatPlainDecimal } from './numbers.ts';
import { downsamplePoints, isFinitePoint, trainingPoints, validationPoints, valueAtStep } from './loss-series.ts';
import type { SmokeSummary } from './types.ts';

/** More points make the chart unreadable and the comment long. */
export const MERMAID_MAX_POINTS = 150;

export const TRAINING_COLOR = '#2563eb';
export const VALIDATION_COLOR = '#ea580c';

export interface MermaidLossChart {
  /** the fenced ```mermaid block, or '' when there is no finite loss to draw */
  block: string;
  /** one line saying which colour is which series and what was left out */
  caption: string;
}

/**
 * The x-axis is the training steps with a finite loss, downsampled to at most 150. Mermaid lines
 * need a value for every x position and cannot show gaps, so validation loss (measured only at probe
 * steps) is interpolated between its measurements, and non-finite values are left out and counted
 * in the caption.
 */
export function buildMermaidLossChart(smoke: SmokeSummary, title: string): MermaidLossChart {
  const training = trainingPoints(smoke);
  const finiteTraining = training.filter(isFinitePoint);
  const validation = validationPoints(smoke);
  const finiteValidation = validation.filter(isFinitePoint);

  const gridSource = finiteTraining.length > 0 ? finiteTraining : finiteValidation;
  const grid = downsamplePoints(gridSource, MERMAID_MAX_POINTS).map((point) => point.step);
  if (grid.length === 0) return { block: '', caption: 'No finite loss values to chart.' };

  const series: { name: string; color: string; values: number[] }[] = [];
  if (finiteTraining.length > 0) {
    series.push({ name: 'training loss', color: TRAINING_COLOR, values: downsamplePoints(finiteTraining, MERMAID_MAX_POINTS).map((p) => p.value) });
  }
  if (finiteValidation.length > 0) {
    const values = grid.map((step) => valueAtStep(finiteValidation, step) ?? Number.NaN);
    series.push({ name: 'validation loss', color: VALIDATION_COLOR, values });
  }

  const palette = series.map((s) => s.color).join(', ');
  const lines = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title "${mermaidLabel(title)}"`,
    // Quoted: Mermaid reads category labels as text.
    `  x-axis "step" [${grid.map((step) => `"${step}"`).join(', ')}]`,
    '  y-axis "loss"',
    ...series.map((s) => `  line [${s.values.map((v) => formatPlainDecimal(v)).join(', ')}]`),
    '```',
  ];

  const captionParts = [series.map((s) => `${colorName(s.color)}: ${s.name}`).join(', ')];
  if (finiteValidation.length > 0 && finiteTraining.length > 0) {
    captionParts.push('validation loss is interpolated between its probe steps and held flat beyond them');
  }
  const droppedTraining = training.length - finiteTraining.length;
  const droppedValidation = validation.length - finiteValidation.length;
  if (droppedTraining > 0) captionParts.push(`${droppedTraining} non-finite training loss value${droppedTraining === 1 ? '' : 's'} not drawn`);
  if (droppedValidation > 0) captionParts.push(`${droppedValidation} non-finite validation loss value${droppedValidation === 1 ? '' : 's'} not drawn`);
  if (finiteTraining.length > MERMAID_MAX_POINTS) captionParts.push(`${grid.length} of ${finiteTraining.length} steps shown`);
  return { block: lines.join('\n'), caption: captionParts.join('; ') + '.' };
}

function colorName(color: string): string {
  return color === TRAINING_COLOR ? 'blue' : color === VALIDATION_COLOR ? 'orange' : color;
}

/** Only the fenced Mermaid block ('' when there is nothing finite to draw). */
export function renderMermaidLossChart(smoke: SmokeSummary, title: string): string {
  return buildMermaidLossChart(smoke, title).block;
}
