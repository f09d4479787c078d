// Which findings are symptoms of which: measured, not guessed. A finding is a symptom of a cause when the
// cause's own fix run (verified: it trains clearly better) no longer shows it. Only findings the fix run
// can show again are judged: static ones and those read from the main run alone (a fix run has no controls).
import type { Finding } from '../checks/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import { runChecks } from '../checks/run.ts';
import { checksById } from '../checks/index.ts';

/** Static checks and smoke checks that read the main run alone (`meta.mainRunOnly`): a fix run can show them again. */
function judgeable(id: string): boolean {
  const meta = checksById.get(id)?.meta;
  return meta?.kind === 'static' || meta?.mainRunOnly === true;
}

export interface VerifiedFixRun {
  /** the findings this fix answers (same config change) */
  causes: readonly Finding[];
  /** the variant's evidence (the fixed config and data) */
  evidence: Evidence;
  trace: SmokeTrace;
}

/**
 * Sets `causedBy` on each finding a verified fix removes (the first cause in finding order wins) and
 * `symptoms` on the cause. A finding that is itself a cause whose fix removes this cause is left alone:
 * two findings that each remove the other are one fault named twice, not cause and symptom.
 */
export function linkRootCauses(findings: readonly Finding[], runs: readonly VerifiedFixRun[]): Finding[] {
  const removedBy = new Map<Finding, Finding>();
  const removesOf = new Map<Finding, Set<string>>();
  for (const run of runs) {
    const cause = run.causes[0];
    const after = new Set(runChecks({ ...run.evidence, smoke: run.trace }).map((f) => f.id));
    const removed = new Set(findings.filter((f) => !run.causes.includes(f) && judgeable(f.id) && !after.has(f.id)).map((f) => f.id));
    removesOf.set(cause, removed);
  }
  for (const run of runs) {
    const cause = run.causes[0];
    for (const finding of findings) {
      if (run.causes.includes(finding) || removedBy.has(finding) || !removesOf.get(cause)!.has(finding.id)) continue;
      if (removesOf.get(finding)?.has(cause.id)) continue;
      removedBy.set(finding, cause);
    }
  }
  const symptomsOf = new Map<Finding, string[]>();
  for (const [symptom, cause] of removedBy) symptomsOf.set(cause, [...(symptomsOf.get(cause) ?? []), symptom.id]);
  return findings.map((finding) => {
    const cause = removedBy.get(finding);
    const symptoms = symptomsOf.get(finding);
    if (!cause && !symptoms) return finding;
    return { ...finding, ...(cause ? { causedBy: cause.id } : {}), ...(symptoms ? { symptoms } : {}) };
  });
}
