// The one loss-series model: the loss curves of a smoke summary (and of the base run) as (step, value)
// points, drawn by the Mermaid back end (mermaid.ts), the Vega-Lite one (loss-chart.ts) and the numbers table.
import { downsampleIndices, stepOfLossIndex } from './numbers.ts';
import type { BaseComparison } from '../evidence/comparison.ts';
import type { SmokeSummary } from './types.ts';

export interface LossPoint {
  step: number;
  value: number;
}

export function trainingPoints(smoke: SmokeSummary): LossPoint[] {
  return smoke.loss.map((value, index) => ({ step: stepOfLossIndex(index), value }));
}

/** Validation losses at their probe steps; a loss without a recorded step is dropped. */
export function validationPoints(smoke: SmokeSummary): LossPoint[] {
  const points: LossPoint[] = [];
  smoke.val_loss.forEach((value, index) => {
    const step = smoke.val_steps[index];
    if (typeof step === 'number' && Number.isFinite(step)) points.push({ step, value });
  });
  return points;
}

/** The base ref's training loss per step (`--base`), when the comparison ran; else empty. */
export function basePoints(comparison: BaseComparison | undefined): LossPoint[] {
  const curve = comparison?.status === 'compared' ? comparison.base?.curve : undefined;
  return (curve ?? []).map((value, index) => ({ step: stepOfLossIndex(index), value }));
}

export function downsamplePoints(points: readonly LossPoint[], max: number): LossPoint[] {
  return downsampleIndices(points.length, max).map((i) => points[i]);
}

/**
 * Value of a curve at `step`: exact where measured, linear between the nearest finite neighbours,
 * the nearest finite value beyond either end. `undefined` when the curve has no finite value.
 */
export function valueAtStep(finitePoints: readonly LossPoint[], step: number): number | undefined {
  if (finitePoints.length === 0) return undefined;
  let before: LossPoint | undefined;
  let after: LossPoint | undefined;
  for (const point of finitePoints) {
    if (point.step <= step && (!before || point.step >= before.step)) before = point;
    if (point.step >= step && (!after || point.step < after.step)) after = point;
  }
  if (before && after) {
    if (after.step === before.step) return before.value;
    const t = (step - before.step) / (after.step - before.step);
    return before.value + t * (after.value - before.value);
  }
  return (before ?? after)?.value;
}

export function isFinitePoint(point: LossPoint): boolean {
  return Number.isFinite(point.value);
}
