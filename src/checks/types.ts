import type { Severity } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { LineSuggestion } from '../findings/types.ts';

// The finding type lives in src/findings/ so that report/ and github/ need not import the checks.
export type { Finding, LineSuggestion } from '../findings/types.ts';

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

export interface Check {
  meta: CheckMeta;
  run(evidence: Evidence): FindingDraft[];
}
