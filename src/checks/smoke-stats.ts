// Readings of the smoke trace several checks share. Every function tolerates empty arrays and NaN.
import type { LayerProbe, SmokeTrace } from '../engine/types.ts';
import { median } from './shared.ts';
import { minOf } from '../extremes.ts';

/** Probed layers ordered from input to output. */
export function probesInOrder(smoke: SmokeTrace): LayerProbe[] {
  return [...smoke.layers].sort((a, b) => a.index - b.index);
}

/** First-layer / last-layer gradient norm at each probe step where both are finite and the last is non-zero. */
export function firstLastGradientRatios(smoke: SmokeTrace): number[] {
  const probes = probesInOrder(smoke);
  if (probes.length < 2) return [];
  const first = probes[0].gradNorm;
  const last = probes[probes.length - 1].gradNorm;
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(first.length, last.length); i++) {
    if (Number.isFinite(first[i]) && Number.isFinite(last[i]) && last[i] > 0) ratios.push(first[i] / last[i]);
  }
  return ratios;
}

/** Mean of the last `fraction` of the finite losses: the end of the run without one noisy step deciding. */
export function finalLoss(losses: readonly number[], fraction = 0.1): number {
  const finite = losses.filter(Number.isFinite);
  if (finite.length === 0) return Number.NaN;
  const tail = finite.slice(-Math.max(1, Math.floor(finite.length * fraction)));
  return tail.reduce((s, v) => s + v, 0) / tail.length;
}

export function startLoss(smoke: SmokeTrace): number {
  if (Number.isFinite(smoke.initialLoss)) return smoke.initialLoss;
  return smoke.loss.find(Number.isFinite) ?? Number.NaN;
}

/** Median update/weight ratio over all probed layers and steps. */
export function medianUpdateRatio(smoke: SmokeTrace): number {
  return median(smoke.layers.flatMap((l) => l.updateRatio));
}

/** The run blew up: a non-finite value, or the loss ended at least twice its best. */
export function diverged(smoke: SmokeTrace): boolean {
  if (smoke.firstNonFinite) return true;
  const finite = smoke.loss.filter(Number.isFinite);
  if (finite.length < smoke.loss.length) return true;
  if (finite.length < 5) return false;
  const best = minOf(finite);
  return finalLoss(finite) >= 2 * Math.max(best, 1e-12) && finalLoss(finite) > startLoss(smoke);
}
