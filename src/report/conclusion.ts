// The pass/fail decision: one small function of severities, kept apart from every renderer.
import type { Severity } from '../config/types.ts';
import type { Finding } from '../checks/types.ts';
import type { Conclusion, FailOn } from './types.ts';

/** Most severe first; renderers list findings in this order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

const RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/** Higher is more severe. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** True when a finding of `severity` reaches the `failOn` threshold (`never` is never reached). */
export function reachesFailOn(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return RANK[severity] >= RANK[failOn];
}

export function decideConclusion(findings: readonly Finding[], failOn: FailOn): Conclusion {
  return findings.some((finding) => reachesFailOn(finding.severity, failOn)) ? 'failure' : 'success';
}
