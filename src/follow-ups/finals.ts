// The numbers a comparison rests on: one final loss per smoke run, and whether two sets of seeds
// differ by more than the seeds differ among themselves.
import type { PreflightConfig } from '../config/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import { mean } from '../engine/stats.ts';
import type { ComparisonVerdict } from '../evidence/comparison.ts';

/** The final loss is the mean over this share of the last steps: one minibatch loss is too noisy. */
export const FINAL_SHARE = 0.1;
/**
 * A difference counts when it exceeds this many pooled seed standard deviations (about 3.7 standard
 * errors of a difference of two 3-seed means, so seed luck alone almost never crosses it)...
 */
export const NOISE_FACTOR = 3;
/** ...and this share of the base's final loss (a factor of 1.05 on the log scale), so near-identical seeds cannot make a tiny change count. */
export const MIN_RELATIVE_CHANGE = 0.05;

/**
 * Mean training loss over the last 10% of the first `steps` steps. Infinity when the run became
 * non-finite on the way (it diverged); undefined when it stopped short of `steps` otherwise.
 */
export function finalLossAtStep(loss: readonly number[], steps: number): number | undefined {
  if (steps < 1) return undefined;
  const prefix = loss.slice(0, steps);
  // The training loop stops at the first non-finite step, so a diverged run is also a short one.
  if (prefix.some((v) => !Number.isFinite(v))) return Number.POSITIVE_INFINITY;
  if (prefix.length < steps) return undefined;
  const tail = prefix.slice(-Math.max(1, Math.round(steps * FINAL_SHARE)));
  return tail.reduce((sum, v) => sum + v, 0) / tail.length;
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
  /** 'log' when every finite final is above zero (seed noise in a loss is a factor, not an offset), else 'linear' */
  scale: 'log' | 'linear';
  baseMean: number;
  headMean: number;
  /** headMean - baseMean */
  difference: number;
  /** on the log scale: geometric mean of the head's finals over the base's */
  ratio?: number;
  /** pooled seed standard deviation, of ln(final) on the log scale */
  seedNoise: number;
  /** what the head must differ by, in the units of seedNoise: max(3 x seedNoise, the 5% floor) */
  threshold: number;
  reason?: string;
}

/**
 * Head against base over seeds. A side that diverged on any seed while the other stayed finite on
 * every seed is the worse one outright. Otherwise the sides are compared on the log of their finals
 * when all are above zero: seeds scatter a loss by a factor (a run at 30 scatters by tens, one at
 * 0.003 by thousandths), so one pooled standard deviation in raw units would let a noisy side hide a
 * 10,000x worse loss. The mean log finals must differ by more than max(3 x pooled std, ln 1.05); with
 * a final at or below zero (a hinge loss at zero) the raw means must differ by max(3 x pooled std, 5%).
 */
export function compareFinals(base: readonly number[], head: readonly number[]): FinalsComparison {
  const baseMean = mean(base);
  const headMean = mean(head);
  const difference = headMean - baseMean;
  const finiteBase = base.filter(Number.isFinite);
  const finiteHead = head.filter(Number.isFinite);
  const scale = [...finiteBase, ...finiteHead].every((v) => v > 0) ? 'log' : 'linear';
  const onScale = (values: number[]) => (scale === 'log' ? values.map(Math.log) : values);
  const seedNoise = pooledStd([onScale(finiteBase), onScale(finiteHead)]);
  const floor = scale === 'log' ? Math.log(1 + MIN_RELATIVE_CHANGE) : MIN_RELATIVE_CHANGE * Math.abs(baseMean);
  const threshold = Math.max(NOISE_FACTOR * seedNoise, floor);
  const shift = scale === 'log' ? mean(onScale(finiteHead)) - mean(onScale(finiteBase)) : difference;
  const baseFinite = finiteBase.length === base.length;
  const headFinite = finiteHead.length === head.length;
  // A ratio over the seeds that stayed finite would hide a diverged one, so there is none then.
  const ratio = scale === 'log' && baseFinite && headFinite && Number.isFinite(shift) ? { ratio: Math.exp(shift) } : {};
  const numbers = { scale, baseMean, headMean, difference, seedNoise, threshold, ...ratio } as const;
  if (base.length < 2 || head.length < 2) return { ...numbers, verdict: 'inconclusive', reason: 'fewer than 2 seeds finished on a side' };
  if (!baseFinite && !headFinite) return { ...numbers, verdict: 'inconclusive', reason: 'both versions diverged' };
  if (baseFinite && !headFinite) return { ...numbers, verdict: 'regression' };
  if (!baseFinite && headFinite) return { ...numbers, verdict: 'improvement' };
  if (!Number.isFinite(threshold)) return { ...numbers, verdict: 'inconclusive', reason: 'the seed noise could not be measured' };
  if (shift > threshold) return { ...numbers, verdict: 'regression' };
  if (-shift > threshold) return { ...numbers, verdict: 'improvement' };
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
  const final = finalLossAtStep(trace.loss, steps);
  if (final === undefined || !relative) return final;
  const baseline = trace.controls.baseline.loss;
  if (!Number.isFinite(baseline) || baseline <= 0) return undefined;
  return final / baseline;
}
