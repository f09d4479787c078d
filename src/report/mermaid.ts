// The loss curve as a Mermaid `xychart-beta` block, which GitHub renders inline in comments.
import { mermaidLabel } from './escape.ts';
import { downsamplePoints, isFinitePoint, trainingPoints, validationPoints, valueAtStep, type LossPoint } from './loss-series.ts';
import { formatPlainDecimal, stepOfLossIndex } from './numbers.ts';
import type { SmokeSummary } from './types.ts';

/** More points make the chart unreadable and the comment long. */
export const MERMAID_MAX_POINTS = 150;

export const TRAINING_COLOR = '#2563eb';
export const VALIDATION_COLOR = '#ea580c';
export const BASE_COLOR = '#6b7280';

/** A second training curve drawn under the same steps: the config as it is at the base ref. */
export interface BaseCurve {
  /** e.g. `origin/main` */
  label: string;
  /** training loss per step (index 0 = step 1) */
  loss: readonly number[];
}

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
export function buildMermaidLossChart(smoke: SmokeSummary, title: string, base?: BaseCurve): MermaidLossChart {
  const training = trainingPoints(smoke);
  const finiteTraining = training.filter(isFinitePoint);
  const validation = validationPoints(smoke);
  const finiteValidation = validation.filter(isFinitePoint);

  const finiteBase = base ? base.loss.map((value, index) => ({ step: stepOfLossIndex(index), value })).filter(isFinitePoint) : [];
  // A head that diverged early would shrink the x-axis to a few steps; the base's steps set it then.
  const baseSetsGrid = finiteBase.length > finiteTraining.length;
  const gridSource = baseSetsGrid ? finiteBase : finiteTraining.length > 0 ? finiteTraining : finiteValidation;
  const grid = downsamplePoints(gridSource, MERMAID_MAX_POINTS).map((point) => point.step);
  if (grid.length === 0) return { block: '', caption: 'No finite loss values to chart.' };

  const series: { name: string; color: string; values: number[] }[] = [];
  const notes: string[] = [];
  if (finiteTraining.length > 0) {
    const values = baseSetsGrid
      ? headOnLongerGrid(grid, finiteTraining, training.length > finiteTraining.length, [...finiteBase, ...finiteValidation], notes)
      : downsamplePoints(finiteTraining, MERMAID_MAX_POINTS).map((p) => p.value);
    series.push({ name: 'training loss', color: TRAINING_COLOR, values });
  }
  if (finiteValidation.length > 0) {
    const values = grid.map((step) => valueAtStep(finiteValidation, step) ?? Number.NaN);
    series.push({ name: 'validation loss', color: VALIDATION_COLOR, values });
  }
  if (base && finiteBase.length > 0) {
    series.push({ name: `training loss at ${base.label} (base)`, color: BASE_COLOR, values: grid.map((step) => valueAtStep(finiteBase, step) ?? Number.NaN) });
    if (finiteBase.length < base.loss.length) notes.push(`the base run became non-finite after step ${finiteBase.length} and is held flat from there`);
  }

  const palette = series.map((s) => s.color).join(', ');
  const lines = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title "${mermaidLabel(title)}"`,
    xAxisLine(grid),
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
  captionParts.push(...notes);
  if (finiteTraining.length > MERMAID_MAX_POINTS) captionParts.push(`${grid.length} of ${finiteTraining.length} steps shown`);
  return { block: lines.join('\n'), caption: captionParts.join('; ') + '.' };
}

/**
 * The head's training loss on the base's longer x-axis: past its last finite step a diverged head is
 * drawn at the top of the chart (Mermaid cannot leave a gap), a head cut short holds its last value.
 */
function headOnLongerGrid(grid: number[], finiteTraining: LossPoint[], diverged: boolean, others: LossPoint[], notes: string[]): number[] {
  const lastStep = finiteTraining[finiteTraining.length - 1].step;
  const top = Math.max(...finiteTraining.map((p) => p.value), ...others.map((p) => p.value));
  notes.push(
    diverged
      ? `the training loss is non-finite after step ${lastStep} and drawn at the top of the chart from there`
      : `the training run stopped at step ${lastStep}`,
  );
  return grid.map((step) => (step <= lastStep || !diverged ? (valueAtStep(finiteTraining, step) ?? Number.NaN) : top));
}

/**
 * Evenly spaced steps (the usual case) become a numeric axis, which Mermaid labels with a few ticks;
 * a grid with gaps (non-finite steps left out) keeps one quoted category label per point, so every
 * point stays at its own step. One label per point is unreadable past a few dozen points.
 */
function xAxisLine(grid: readonly number[]): string {
  if (isEvenlySpaced(grid)) return `  x-axis "step" ${grid[0]} --> ${grid[grid.length - 1]}`;
  // Quoted: Mermaid reads category labels as text.
  return `  x-axis "step" [${grid.map((step) => `"${step}"`).join(', ')}]`;
}

/** Every gap within one step of the mean gap: downsampling rounds, but a left-out stretch does not. */
export function isEvenlySpaced(grid: readonly number[]): boolean {
  if (grid.length < 3) return false;
  const meanGap = (grid[grid.length - 1] - grid[0]) / (grid.length - 1);
  return grid.every((step, i) => i === 0 || Math.abs(step - grid[i - 1] - meanGap) <= 1);
}

function colorName(color: string): string {
  return color === TRAINING_COLOR ? 'blue' : color === VALIDATION_COLOR ? 'orange' : color === BASE_COLOR ? 'grey' : color;
}

/** Only the fenced Mermaid block ('' when there is nothing finite to draw). */
export function renderMermaidLossChart(smoke: SmokeSummary, title: string): string {
  return buildMermaidLossChart(smoke, title).block;
}
