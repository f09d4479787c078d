// The numbers a comparison rests on: one final loss per smoke run, and whether two sets of seeds
// differ by more than the seeds differ among themselves.
import type { PreflightConfig } from '../config/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import type { ComparisonVerdict } from './types.ts';

/** The final loss is the mean over this share of the last steps: one minibatch loss is too noisy. */
export const FINAL_SHARE = 0.1;
/**
 * A difference counts when it exceeds this many pooled seed standard deviations (about 3.7 standard
 * errors of a difference of two 3-seed means, so seed luck alone almost never crosses it)...
 */
export const NOISE_FACTOR = 3;
/** ...and this share of the base's final loss, so near-identical seeds cannot make a tiny change count. */
export const MIN_RELATIVE_CHANGE = 0.05;

/**
 * Mean training loss over the last 10% of the first `steps` steps. Infinity when the run became
 * non-finite on the way (it diverged); undefined when it stopped short of `steps` otherwise.
 */
export function finalLoss(loss: readonly number[], steps: number): number | undefined {
  if (steps < 1) return undefined;
  const prefix = loss.slice(0, steps);
  // The training loop stops at the first non-finite step, so a diverged run is also a short one.
  if (prefix.some((v) => !Number.isFinite(v))) return Number.POSITIVE_INFINITY;
  if (prefix.length < steps) return undefined;
  const tail = prefix.slice(-Math.max(1, Math.round(steps * FINAL_SHARE)));
  return tail.reduce((sum, v) => sum + v, 0) / tail.length;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Sample standard deviation pooled over groups (each group's own mean removed). */
export function pooledStd(groups: readonly (readonly number[])[]): number {
  let squares = 0;
  let freedom = 0;
  for (const group of groups) {
    if (group.length < 2) continue;
    const m = mean(group);
    squares += group.reduce((sum, v) => sum + (v - m) ** 2, 0);
    freedom += group.length - 1;
  }
  return freedom > 0 ? Math.sqrt(squares / freedom) : Number.NaN;
}

export interface FinalsComparison {
  verdict: ComparisonVerdict;
  baseMean: number;
  headMean: number;
  difference: number;
  seedNoise: number;
  threshold: number;
  reason?: string;
}

/**
 * Head against base over seeds. A side that diverged on any seed while the other stayed finite on
 * every seed is the worse one outright; otherwise the means must differ by more than
 * max(3 x pooled seed std, 5% of the base mean).
 */
export function compareFinals(base: readonly number[], head: readonly number[]): FinalsComparison {
  const baseMean = mean(base);
  const headMean = mean(head);
  const difference = headMean - baseMean;
  const finite = (values: readonly number[]) => values.every(Number.isFinite);
  const seedNoise = pooledStd([base.filter(Number.isFinite), head.filter(Number.isFinite)]);
  const threshold = Math.max(NOISE_FACTOR * seedNoise, MIN_RELATIVE_CHANGE * Math.abs(baseMean));
  const numbers = { baseMean, headMean, difference, seedNoise, threshold };
  if (base.length < 2 || head.length < 2) return { ...numbers, verdict: 'inconclusive', reason: 'fewer than 2 seeds finished on a side' };
  const baseFinite = finite(base);
  const headFinite = finite(head);
  if (!baseFinite && !headFinite) return { ...numbers, verdict: 'inconclusive', reason: 'both versions diverged' };
  if (baseFinite && !headFinite) return { ...numbers, verdict: 'regression' };
  if (!baseFinite && headFinite) return { ...numbers, verdict: 'improvement' };
  if (!Number.isFinite(threshold)) return { ...numbers, verdict: 'inconclusive', reason: 'the seed noise could not be measured' };
  if (difference > threshold) return { ...numbers, verdict: 'regression' };
  if (-difference > threshold) return { ...numbers, verdict: 'improvement' };
  return { ...numbers, verdict: 'unchanged' };
}

/**
 * Losses of two setups are in the same units only when both use the same loss on the same target
 * scaling; otherwise each is divided by its own trivial baseline (predict the mean or the prior).
 */
export function lossUnitsDiffer(a: PreflightConfig, b: PreflightConfig): boolean {
  return a.training.loss !== b.training.loss || a.preprocessing.targets !== b.preprocessing.targets;
}

/** The final loss of a trace in the comparison's metric; undefined when the trace is too short or has no baseline. */
export function metricFinal(trace: SmokeTrace, steps: number, relative: boolean): number | undefined {
  const final = finalLoss(trace.loss, steps);
  if (final === undefined || !relative) return final;
  const baseline = trace.controls.baseline.loss;
  if (!Number.isFinite(baseline) || baseline <= 0) return undefined;
  return final / baseline;
}
