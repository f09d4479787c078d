import type { PreflightConfig, Severity } from '../config/types.ts';
import type { LoadedSplit } from '../data/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Finding, LineSuggestion } from '../findings/types.ts';

// The finding type lives in src/findings/ so that report/ and github/ need not import the checks.
export type { Finding, LineSuggestion } from '../findings/types.ts';

export type CheckKind = 'static' | 'smoke' | 'static+smoke';

/** The panel of the HTML report that draws a check's evidence; `other` when no chart shows it. */
export type ReportSection = 'scales' | 'histograms' | 'images' | 'labels' | 'loss' | 'gradients' | 'units' | 'other';

/** The Mermaid evidence chart the PR comment adds when a check fires (src/report/html/mermaid-evidence.ts). */
export type EvidenceChart = 'feature-scales' | 'gradient-norms' | 'unit-fractions';

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
  /** where the HTML report shows this check's findings */
  section: ReportSection;
  /** the chart of its evidence in the PR comment, when one is drawn */
  chart?: EvidenceChart;
  /** a smoke check that reads the main run alone (no control runs), so a fix run can show its finding again */
  mainRunOnly?: boolean;
  /** the fix as a config change, when it is one: the fix run (src/fixes/verify.ts) trains it to prove it */
  fix?: ConfigFix;
  /** how its findings are worded, by message id (src/checks/messages.ts) */
  messages?: MessageTemplates;
}

export interface MessageTemplate<Data> {
  /** the paragraph: what was seen, what was expected, why it breaks training */
  text(data: Data): string;
  /** one sentence (at most HEADLINE_MAX_CHARS in messages.ts) with the key number and no fix */
  headline(data: Data): string;
}

// `any` lets each template declare its own data type; `message()` checks the data against it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MessageTemplates = Record<string, MessageTemplate<any>>;

/** Which of its check's messages a finding says, and the data that fills it in. */
export interface MessageRef {
  id: string;
  data: Record<string, unknown>;
}

/** A check's fix applied to the config (and, for a dropped feature, to the data sample). */
export interface FixVariant {
  /** the change in the config's words, e.g. `preprocessing.inputs: standardize` */
  change: string;
  config: PreflightConfig;
  /** replacement data splits, when the fix changes which columns the model sees */
  splits?: { train: LoadedSplit; validation?: LoadedSplit };
}

/** Undefined when the fix does not apply to this setup (already in place, or not a config change here). */
export type ConfigFix = (evidence: Evidence, finding: Finding) => FixVariant | undefined;

/** What a check returns; the runner fills in id, title and the (possibly overridden) severity. */
export interface FindingDraft {
  /** defaults to meta.defaultSeverity; a check may escalate (e.g. W -> E when the smoke run diverges) */
  severity?: Severity;
  /** a message of the check's `meta.messages`; free text only where the pipeline words a finding */
  message: MessageRef | string;
  /** for a free-text message: its headline (else its first sentence) */
  headline?: string;
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
