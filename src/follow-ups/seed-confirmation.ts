// A smoke finding is an error only when a second seed shows it too: one unlucky initialization or
// batch order must not fail a pull request.
import { checksById } from '../checks/index.ts';
import { runChecks } from '../checks/run.ts';
import type { Finding } from '../checks/types.ts';
import type { Evidence } from '../evidence/types.ts';
import { runSmokes, type FollowUpBudget } from './smoke-runs.ts';

/** What `evidence.seed_check` holds on an error-level smoke finding. */
export interface SeedCheck {
  seed: number;
  reproduced: boolean;
  /** severity the same check reached on the second seed, if it fired */
  secondSeverity?: string;
}

/** Error-level findings that rest on the smoke run, and that the user did not pin with a `checks:` override. */
function needsConfirmation(finding: Finding, evidence: Evidence): boolean {
  const kind = checksById.get(finding.id)?.meta.kind;
  return finding.severity === 'error' && kind !== undefined && kind !== 'static' && evidence.config.checks[finding.id] === undefined;
}

/**
 * Reruns the whole smoke run (with its controls) on seed + 1 when an error rests on it, and downgrades
 * each such error the second seed does not reproduce to a warning that says so. `run` is the smoke
 * runner (tests pass a stand-in).
 */
export async function confirmOnSecondSeed(
  evidence: Evidence,
  findings: readonly Finding[],
  budget: FollowUpBudget,
  run: typeof runSmokes = runSmokes,
): Promise<Finding[]> {
  const main = evidence.smoke;
  if (!main || !findings.some((f) => needsConfirmation(f, evidence))) return [...findings];
  const seed = main.seed + 1;
  const [outcome] = await run([{ evidence, seed, steps: main.plannedSteps, controls: true }], budget);
  if (!outcome.ok) {
    return findings.map((f) => (needsConfirmation(f, evidence) ? { ...f, evidence: { ...f.evidence, seed_check: { seed, unconfirmed: outcome.reason } } } : f));
  }
  const second = runChecks({ ...evidence, smoke: outcome.trace });
  return findings.map((finding) => {
    if (!needsConfirmation(finding, evidence)) return finding;
    const again = second.filter((f) => f.id === finding.id);
    const reproduced = again.some((f) => f.severity === 'error');
    const seedCheck: SeedCheck = { seed, reproduced, secondSeverity: again[0]?.severity };
    if (reproduced) return { ...finding, evidence: { ...finding.evidence, seed_check: seedCheck } };
    const seen = again.length > 0 ? `only a ${again[0].severity}` : 'nothing';
    return {
      ...finding,
      severity: 'warning',
      message: `${finding.message} Not confirmed on a second seed: with seed ${seed} this check found ${seen}, so it is reported as a warning.`,
      evidence: { ...finding.evidence, seed_check: seedCheck },
    };
  });
}
