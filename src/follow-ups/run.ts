// The runs that follow the main smoke run, in order of importance: confirm smoke errors on a second
// seed, compare with the base when one is given, then prove the suggested fixes. All share what the
// main run left of the config's smoke budget; what does not fit is reported as not run.
import { check as trainingImprovement } from '../checks/training-improvement.ts';
import { check as trainingRegression } from '../checks/training-regression.ts';
import { runChecks } from '../checks/run.ts';
import type { Finding } from '../checks/types.ts';
import type { BackendChoice } from '../engine/types.ts';
import type { WorkerLimits } from '../engine/worker.ts';
import type { Evidence } from '../evidence/types.ts';
import { verifyFixes } from './verify.ts';
import { compareWithBase } from './compare.ts';
import { confirmOnSecondSeed } from './seed-confirmation.ts';
import { budgetFrom } from './smoke-runs.ts';
import type { BaseReader } from './base-copy.ts';
import type { BaseComparison } from '../evidence/comparison.ts';

export interface FollowUpOptions {
  /** absolute path of the head config */
  configPath: string;
  /** git ref to compare with; no comparison without one */
  base?: string;
  /** where the base version comes from (default: the config's git work tree) */
  readBase?: BaseReader;
  /** seed confirmation and fix verification (on unless switched off) */
  verify: boolean;
  backend: BackendChoice;
  /** seconds of the config's own smoke budget: one follow-up run may take this long */
  smokeSeconds: number;
  /** seconds all follow-ups together may take */
  totalSeconds: number;
  workerLimits?: Partial<WorkerLimits>;
  loadEvidence: (configPath: string, root: string) => Promise<Evidence | undefined>;
  /** one call per follow-up done, with what it found (the CI log's progress lines) */
  onPhase?: (phase: 'seed-confirmation' | 'base-comparison' | 'fix-checks', detail: string) => void;
}

export interface FollowUpResult {
  findings: Finding[];
  comparison?: BaseComparison;
}

export async function runFollowUps(evidence: Evidence, findings: Finding[], opts: FollowUpOptions): Promise<FollowUpResult> {
  if (!evidence.smoke) return { findings };
  const budget = budgetFrom(opts.backend, opts.totalSeconds, opts.smokeSeconds, opts.workerLimits);
  const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
  let started = performance.now();
  let current = opts.verify ? await confirmOnSecondSeed(evidence, findings, budget) : findings;
  if (opts.verify) opts.onPhase?.('seed-confirmation', `done in ${seconds(started)}`);
  let comparison: BaseComparison | undefined;
  if (opts.base) {
    started = performance.now();
    comparison = await compareWithBase(evidence, {
      ref: opts.base,
      configPath: opts.configPath,
      readBase: opts.readBase,
      budget,
      loadEvidence: opts.loadEvidence,
    });
    evidence.comparison = comparison;
    current = [...current, ...runChecks(evidence, [trainingImprovement, trainingRegression])];
    opts.onPhase?.(
      'base-comparison',
      `${comparison.status === 'compared' ? (comparison.verdict ?? 'inconclusive') : comparison.status} against ${opts.base} in ${seconds(started)}`,
    );
  }
  if (opts.verify) {
    started = performance.now();
    current = await verifyFixes(evidence, current, budget);
    const checked = current.filter((f) => f.evidence?.fix_check !== undefined);
    const verified = checked.filter((f) => (f.evidence.fix_check as { verified?: boolean }).verified === true);
    opts.onPhase?.('fix-checks', `${checked.length} finding(s) with a fix check, ${verified.length} verified alone, in ${seconds(started)}`);
  }
  return { findings: current, comparison };
}
