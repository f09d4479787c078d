// The pass/fail decision: one small function of severities, kept apart from every renderer.
import type { Severity } from '../config/types.ts';
import type { Finding } from '../findings/types.ts';
import type { Conclusion, FailOn } from './types.ts';

import { severityRank } from '../findings/severity.ts';

export { SEVERITIES, severityRank } from '../findings/severity.ts';

/** True when a finding of `severity` reaches the `failOn` threshold (`never` is never reached). */
export function reachesFailOn(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return severityRank(severity) >= severityRank(failOn);
}

export function decideConclusion(findings: readonly Finding[], failOn: FailOn): Conclusion {
  return findings.some((finding) => reachesFailOn(finding.severity, failOn)) ? 'failure' : 'success';
}
