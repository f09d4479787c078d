// The finding: what every check produces and every renderer reads. It lives apart from the checks so
// that report/ and github/ take it without importing the checks (imports point down, never up).
import type { Severity } from '../config/types.ts';

export type { Severity };

/** A one-line fix: replace config line `line` (1-based) with `replacement` (the whole new line). */
export interface LineSuggestion {
  line: number;
  replacement: string;
}

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  /** one sentence (at most 160 characters) with the key number and no fix, for one-line-per-finding layouts */
  headline?: string;
  message: string;
  /** the message's id within its check and the data it was worded from (absent for free-text messages) */
  messageId?: string;
  messageData?: Record<string, unknown>;
  fix: string;
  file: string;
  line?: number;
  column?: number;
  key?: string;
  docs: string;
  evidence: Record<string, unknown>;
  suggestion?: LineSuggestion;
  /** the id of the finding this one is a symptom of: that finding's verified fix run no longer shows it (src/follow-ups/root-causes.ts) */
  causedBy?: string;
  /** ids of the findings that are symptoms of this one */
  symptoms?: string[];
}

/** What a renderer may say about the check behind a finding (SARIF rules); a check's meta has these fields. */
export interface FindingRule {
  id: string;
  title: string;
  pitfall: string;
  kind: string;
  defaultSeverity: Severity;
  docs: string;
}
