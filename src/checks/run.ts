// Runs every applicable check over one Evidence value and turns drafts into located, sorted findings.
import type { ConfigSource, Severity } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Check, CheckMeta, Finding, FindingDraft } from './types.ts';
import { checks as registeredChecks } from './index.ts';
import { check as internalError, messages as internalErrorMessages } from './internal-error.ts';
import { locate } from './locate.ts';
import { message, renderMessage } from './messages.ts';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** Fill in what every finding carries: id, title, docs, file, and the config line its key points at. */
export function findingFromDraft(meta: CheckMeta, draft: FindingDraft, configFile: string, source?: ConfigSource): Finding {
  const file = draft.file ?? configFile;
  const inConfig = file === configFile;
  const located = inConfig && source && draft.key && draft.line === undefined ? locate(source, draft.key) : undefined;
  const worded = renderMessage(meta, draft.message);
  const finding: Finding = {
    id: meta.id,
    severity: draft.severity ?? meta.defaultSeverity,
    title: meta.title,
    message: worded.text,
    headline: typeof draft.message === 'string' && draft.headline !== undefined ? draft.headline : worded.headline,
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
  if (typeof draft.message !== 'string') {
    finding.messageId = draft.message.id;
    finding.messageData = draft.message.data;
  }
  return finding;
}

function needsMet(check: Check, evidence: Evidence): boolean {
  return check.meta.needs.every((need) => (need === 'data' ? evidence.data !== undefined : evidence.smoke !== undefined));
}

/** A check that throws (or names a message it lacks) becomes one internal-error finding naming it, so one bug never hides the other checks. */
function runOne(check: Check, evidence: Evidence): Finding[] {
  const toFinding = (meta: CheckMeta, draft: FindingDraft) => findingFromDraft(meta, draft, evidence.configFile, evidence.source);
  try {
    return check.run(evidence).map((draft) => toFinding(check.meta, draft));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      toFinding(internalError.meta, {
        message: message(internalErrorMessages, 'check-failed', { check: check.meta.id, title: check.meta.title, error: reason }),
        fix: `Report it with this config; meanwhile \`checks: {${check.meta.id}: off}\` silences the check.`,
        evidence: { check: check.meta.id, error: reason },
      }),
    ];
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
    for (const found of runOne(check, evidence)) {
      const finding = applyOverride(found, evidence);
      if (finding) findings.push(finding);
    }
  }
  return findings.sort(compareFindings);
}
