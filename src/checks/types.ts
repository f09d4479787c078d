import type { Severity } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';

export type CheckKind = 'static' | 'smoke' | 'static+smoke';

export interface CheckMeta {
  id: string;
  title: string;
  /** the classic pitfall this check belongs to (CHECKS.md "pitfall" column) */
  pitfall: string;
  kind: CheckKind;
  defaultSeverity: Severity;
  /** docs page, relative to the repository root */
  docs: string;
  /** what the check reads: a check needing data is skipped when the data failed to load */
  needs: ('data' | 'smoke')[];
}

/** A one-line fix: replace config line `line` (1-based) with `replacement` (the whole new line). */
export interface LineSuggestion {
  line: number;
  replacement: string;
}

/** What a check returns; the runner fills in id, title and the (possibly overridden) severity. */
export interface FindingDraft {
  /** defaults to meta.defaultSeverity; a check may escalate (e.g. W -> E when the smoke run diverges) */
  severity?: Severity;
  message: string;
  fix: string;
  /** config key path the finding points at (`training.learning_rate`) */
  key?: string;
  /** file other than the config (a data file), with its line */
  file?: string;
  line?: number;
  column?: number;
  evidence?: Record<string, unknown>;
  suggestion?: LineSuggestion;
}

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  message: string;
  fix: string;
  file: string;
  line?: number;
  column?: number;
  key?: string;
  docs: string;
  evidence: Record<string, unknown>;
  suggestion?: LineSuggestion;
  /** the id of the finding this one is a symptom of: that finding's verified fix run no longer shows it (src/fixes/root-causes.ts) */
  causedBy?: string;
  /** ids of the findings that are symptoms of this one */
  symptoms?: string[];
  /** ONE sentence (at most 160 characters) with the key number, no fix text: the one-line view (report/layout.ts) */
  headline?: string;
}

export interface Check {
  meta: CheckMeta;
  run(evidence: Evidence): FindingDraft[];
}
