// Runs every applicable check over one Evidence value and turns drafts into located, sorted findings.
import type { ConfigSource, Severity } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Check, CheckMeta, Finding, FindingDraft } from './types.ts';
import { checks as registeredChecks } from './index.ts';
import { check as internalError } from './internal-error.ts';
import { locate } from './locate.ts';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** Fill in what every finding carries: id, title, docs, file, and the config line its key points at. */
export function findingFromDraft(meta: CheckMeta, draft: FindingDraft, configFile: string, source?: ConfigSource): Finding {
  const file = draft.file ?? configFile;
  const inConfig = file === configFile;
  const located = inConfig && source && draft.key && draft.line === undefined ? locate(source, draft.key) : undefined;
  const finding: Finding = {
    id: meta.id,
    severity: draft.severity ?? meta.defaultSeverity,
    title: meta.title,
    message: draft.message,
    fix: draft.fix,
    file,
    docs: meta.docs,
    evidence: draft.evidence ?? {},
  };
  const line = draft.line ?? located?.line;
  const column = draft.line !== undefined ? draft.column : located?.column;
  if (line !== undefined) finding.line = line;
  if (column !== undefined) finding.column = column;
  if (draft.key !== undefined) finding.key = draft.key;
  if (draft.suggestion && inConfig) finding.suggestion = draft.suggestion;
  return finding;
}

function needsMet(check: Check, evidence: Evidence): boolean {
  return check.meta.needs.every((need) => (need === 'data' ? evidence.data !== undefined : evidence.smoke !== undefined));
}

/** A check that throws becomes one internal-error finding naming it, so one bug never hides the other checks. */
function runOne(check: Check, evidence: Evidence): { meta: CheckMeta; drafts: FindingDraft[] } {
  try {
    return { meta: check.meta, drafts: check.run(evidence) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { meta: internalError.meta, drafts: [{
      message: `The check ${check.meta.id} failed while it ran (${reason}), so this setup was not checked for "${check.meta.title}". This is a bug in nn-preflight, not in your setup.`,
      fix: `Report it with this config; meanwhile \`checks: {${check.meta.id}: off}\` silences the check.`,
      evidence: { check: check.meta.id, error: reason },
    }] };
  }
}

/** Errors first, then warnings, then notices; within a severity by config line, then by id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
    a.id.localeCompare(b.id)
  );
}

/** Apply the config's `checks:` overrides: `off` drops the finding, a severity replaces it. */
function applyOverride(finding: Finding, evidence: Evidence): Finding | undefined {
  const override = evidence.config.checks?.[finding.id];
  if (override === undefined) return finding;
  if (override === 'off') return undefined;
  return { ...finding, severity: override };
}

export function runChecks(evidence: Evidence, checks: readonly Check[] = registeredChecks): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    if (!needsMet(check, evidence)) continue;
    const { meta, drafts } = runOne(check, evidence);
    for (const draft of drafts) {
      const finding = applyOverride(findingFromDraft(meta, draft, evidence.configFile, evidence.source), evidence);
      if (finding) findings.push(finding);
    }
  }
  return findings.sort(compareFindings);
}
