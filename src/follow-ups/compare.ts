// Base against head: the same smoke training, on the same sample and seeds, of a config as the pull
// request leaves it and as it was at the base; then which changed keys moved the final loss.
import type { Evidence } from '../evidence/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import { copyConfig, variantEvidence } from '../evidence/variant.ts';
import { compareFinals, lossUnitsDiffer, metricFinal } from './finals.ts';
import { readBaseCopy, type BaseReader } from './base-copy.ts';
import { gitStore } from './git-store.ts';
import { changedKeys, collapseLayerChanges, revertKey } from './key-diff.ts';
import { runSmokes, type FollowUpBudget, type RunOutcome } from './smoke-runs.ts';
import type { BaseComparison, ComparisonSide, KeyChange } from '../evidence/comparison.ts';

/** Seeds per side: the fewest that give a standard deviation with some meaning. */
export const COMPARE_SEEDS = 3;
/** Steps compared per seed; the first seed's base run still runs every step, for the chart. */
export const COMPARE_STEPS_CAP = 100;
/** Changed keys whose separate effect is measured (one run each). */
export const MAX_KEY_EFFECTS = 3;

export interface CompareOptions {
  ref: string;
  /** the head config's path on disk */
  configPath: string;
  /** where the base version comes from; by default the git history of the work tree that holds the config */
  readBase?: BaseReader;
  budget: FollowUpBudget;
  /**
   * Loads a config and its data the way the head was loaded (same seed, so the same sample rows),
   * without a smoke run; undefined when the config or its data do not load.
   */
  loadEvidence: (configPath: string, root: string) => Promise<Evidence | undefined>;
}

export async function compareWithBase(head: Evidence, opts: CompareOptions): Promise<BaseComparison> {
  const empty = { ref: opts.ref, changes: [], changedFiles: [], notes: [] };
  const main = head.smoke;
  if (!main || main.steps < 1) return { ...empty, status: 'unavailable', reason: "the head's smoke run did not run" };
  const read = await (opts.readBase ?? readFromGit)(opts.configPath, opts.ref);
  if (!read.ok) return { ...empty, status: read.status, reason: read.reason };
  const { copy } = read;
  const source = {
    source: copy.source,
    ...(copy.renamedFrom !== undefined && { renamedFrom: copy.renamedFrom }),
    notes: copy.fallbackReasons.map((reason) => `not read from ${reason}`),
  };
  try {
    if (!copy.configChanged && copy.changedFiles.length === 0) {
      return { ...empty, ...source, status: 'unchanged', reason: `the config and the files it names are the same at ${opts.ref}` };
    }
    const base = await opts.loadEvidence(copy.configPath, copy.root);
    if (!base?.data)
      return {
        ...empty,
        ...source,
        changedFiles: copy.changedFiles,
        status: 'unavailable',
        reason: `the version at ${opts.ref} does not load (its config or data has errors)`,
      };
    const comparison = await compareLoaded(base, head, main, copy.changedFiles, opts);
    return { ...comparison, ...source, notes: [...source.notes, ...comparison.notes] };
  } finally {
    copy.dispose();
  }
}

const readFromGit: BaseReader = (configPath, ref) => readBaseCopy(configPath, ref, [gitStore()]);

async function compareLoaded(base: Evidence, head: Evidence, main: SmokeTrace, changedFiles: string[], opts: CompareOptions): Promise<BaseComparison> {
  const relative = lossUnitsDiffer(base.config, head.config);
  // Planned, not run: a head that diverged stopped early, and that counts as diverged at every step.
  const steps = Math.min(main.plannedSteps, COMPARE_STEPS_CAP);
  const seeds = Array.from({ length: COMPARE_SEEDS }, (_, i) => main.seed + i);
  const extra = seeds.slice(1);
  const outcomes = await runSmokes(
    [
      { evidence: base, seed: main.seed, steps: main.plannedSteps },
      ...extra.map((seed) => ({ evidence: base, seed, steps })),
      ...extra.map((seed) => ({ evidence: head, seed, steps })),
    ],
    opts.budget,
  );
  const baseTraces = outcomes.slice(0, COMPARE_SEEDS);
  const headTraces: RunOutcome[] = [{ ok: true, trace: main }, ...outcomes.slice(COMPARE_SEEDS)];
  const notes: string[] = [];
  const finalsOf = (side: string, runs: RunOutcome[]) => {
    const finals: number[] = [];
    runs.forEach((run, i) => {
      const final = run.ok ? metricFinal(run.trace, steps, relative) : undefined;
      if (final === undefined) notes.push(`${side} seed ${seeds[i]} gave no final loss${run.ok ? '' : ` (${run.reason})`}`);
      else finals.push(final);
    });
    return finals;
  };
  const baseFinals = finalsOf('base', baseTraces);
  const headFinals = finalsOf('head', headTraces);
  const verdict = compareFinals(baseFinals, headFinals);
  if (relative) notes.push('the loss or the target scaling changed, so each final loss is divided by its own trivial baseline (predict the mean or the prior)');

  const first = baseTraces[0];
  const rescale = relative && first.ok ? main.controls.baseline.loss / first.trace.controls.baseline.loss : 1;
  const comparison: BaseComparison = {
    ref: opts.ref,
    status: 'compared',
    metric: relative ? 'loss / baseline' : 'loss',
    steps,
    seeds,
    base: { finals: baseFinals, meanFinal: verdict.baseMean, curve: first.ok ? first.trace.loss.map((v) => v * rescale) : [] } satisfies ComparisonSide,
    head: { finals: headFinals, meanFinal: verdict.headMean, curve: [...main.loss] } satisfies ComparisonSide,
    scale: verdict.scale,
    difference: verdict.difference,
    ...(verdict.ratio !== undefined ? { ratio: verdict.ratio } : {}),
    seedNoise: verdict.seedNoise,
    threshold: verdict.threshold,
    verdict: verdict.verdict,
    changes: collapseLayerChanges(changedKeys(base.config, head.config)),
    changedFiles,
    notes,
  };
  if (verdict.reason) comparison.reason = verdict.reason;
  if ((verdict.verdict === 'regression' || verdict.verdict === 'improvement') && comparison.changes.length + changedFiles.length > 1) {
    comparison.changes = await measureKeyEffects(base, head, comparison.changes, { seed: main.seed, steps, relative }, opts.budget, notes);
  }
  return comparison;
}

/**
 * For each of the first few changed keys, the head with only that key set back to its base value:
 * its final loss shows how much of the change that key carries.
 */
async function measureKeyEffects(
  base: Evidence,
  head: Evidence,
  changes: KeyChange[],
  run: { seed: number; steps: number; relative: boolean },
  budget: FollowUpBudget,
  notes: string[],
): Promise<KeyChange[]> {
  const variants: { index: number; evidence: Evidence }[] = [];
  changes.forEach((change, index) => {
    if (variants.length >= MAX_KEY_EFFECTS) return;
    const config = copyConfig(head.config);
    if (!revertKey(config, base.config, change.key)) return;
    const evidence = variantEvidence(head, config);
    if (evidence) variants.push({ index, evidence });
  });
  const skipped = changes.length - variants.length;
  if (skipped > 0)
    notes.push(
      `${skipped} changed key${skipped === 1 ? '' : 's'} not measured on ${skipped === 1 ? 'its' : 'their'} own (structural, data, or over the limit of ${MAX_KEY_EFFECTS})`,
    );
  const outcomes = await runSmokes(
    variants.map((v) => ({ evidence: v.evidence, seed: run.seed, steps: run.steps })),
    budget,
  );
  const measured = changes.map((change) => ({ ...change }));
  variants.forEach((variant, i) => {
    const outcome = outcomes[i];
    const final = outcome.ok ? metricFinal(outcome.trace, run.steps, run.relative) : undefined;
    if (final !== undefined) measured[variant.index].revertedFinal = final;
  });
  return measured;
}
