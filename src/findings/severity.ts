// The one severity order and the one finding order that the pipeline and every renderer use.
import type { Finding, Severity } from './types.ts';

/** Most severe first; renderers list findings in this order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

const RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/** Higher is more severe. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** Most severe first, then by config line (findings without a line first), then by check id. */
export function compareFindings(a: Finding, b: Finding): number {
  return RANK[b.severity] - RANK[a.severity] || (a.line ?? 0) - (b.line ?? 0) || a.id.localeCompare(b.id);
}

/** A sorted copy; findings equal by `compareFindings` keep the order they came in (the sort is stable). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}
