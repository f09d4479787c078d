// The counterfactual runs as words and numbers any renderer can use: the comparison with the base ref
// and each finding's fix check. Markup and escaping stay with the renderers (markdown, HTML).
import type { Finding } from '../findings/types.ts';
import type { BaseComparison, BaseSource, ComparisonVerdict } from '../evidence/comparison.ts';
import { describeBar } from '../evidence/comparison.ts';
import { formatNumber } from './numbers.ts';

/** Rows past this in the changed-keys table are summed up in one "and N more" row. */
export const MAX_CHANGE_ROWS = 20;

/** A full commit id shortened as git does (7 characters); branch and tag names stay as they are. */
export function shortRef(ref: string): string {
  return /^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 7) : ref;
}

/** A final loss, or `diverged` when the run gave none (Infinity in memory, null once through JSON). */
export function formatFinalLoss(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? formatNumber(value) : 'diverged';
}

/** The verdict in words; `stress` marks up the word that carries it (bold in markdown, strong in HTML). */
export function verdictWords(verdict: ComparisonVerdict | undefined, stress: (word: string) => string = (word) => word): string {
  switch (verdict ?? 'inconclusive') {
    case 'regression':
      return `trains ${stress('worse')} than the base (beyond seed noise)`;
    case 'improvement':
      return `trains ${stress('better')} than the base (beyond seed noise)`;
    case 'unchanged':
      return 'no clear difference from the base (within seed noise)';
    default:
      return 'inconclusive';
  }
}

/** Why a config has no comparison numbers, by status. */
export const UNCOMPARED_WORDS: Record<Exclude<BaseComparison['status'], 'compared'>, string> = {
  unchanged: 'unchanged',
  'new-config': 'new in this change',
  unavailable: 'not compared',
};

/** How both sides were run, in one sentence. */
export function comparisonSetup(comparison: BaseComparison): string {
  return `Same data sample, seeds ${(comparison.seeds ?? []).join(', ')}, ${comparison.steps} steps; final ${comparison.metric} = mean of the last 10% of steps.`;
}

/** The seed noise and the bar a difference had to clear, in one sentence (without the closing period). */
export function comparisonBar(comparison: BaseComparison): string {
  const sentence = describeBar(comparison, (n) => (n === undefined || !Number.isFinite(n) ? '?' : formatNumber(n)));
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

const SOURCE_WORDS: Record<BaseSource, string> = { git: "the checkout's git history", 'github-api': "GitHub's API" };

/** Where the base version was read, e.g. `base read from GitHub's API`; undefined when it was not read. */
export function baseSourceWords(comparison: BaseComparison): string | undefined {
  if (!comparison.source) return undefined;
  const renamed = comparison.renamedFrom === undefined ? '' : `, where the config was ${comparison.renamedFrom} (the pull request renamed it)`;
  return `base read from ${SOURCE_WORDS[comparison.source]}${renamed}`;
}

/** One row of the changed-keys table, as plain text: a key with both values, or a file whose contents changed. */
export interface ChangeRow {
  kind: 'key' | 'file';
  name: string;
  base: string;
  head: string;
  /** the head's final loss with only this key reverted; empty when not measured */
  reverted: string;
}

/** The changed keys, then the changed files, cut at MAX_CHANGE_ROWS each; `more` counts what was cut. */
export function changeRows(comparison: BaseComparison): { rows: ChangeRow[]; more: number } {
  const rows: ChangeRow[] = [];
  for (const change of comparison.changes.slice(0, MAX_CHANGE_ROWS)) {
    const reverted = change.revertedFinal === undefined ? '' : formatFinalLoss(change.revertedFinal);
    rows.push({ kind: 'key', name: change.key, base: change.base ?? '(absent)', head: change.head ?? '(removed)', reverted });
  }
  for (const file of comparison.changedFiles.slice(0, MAX_CHANGE_ROWS))
    rows.push({ kind: 'file', name: file, base: '', head: 'contents changed', reverted: '' });
  return { rows, more: comparison.changes.length + comparison.changedFiles.length - rows.length };
}

/** What `evidence.fix_check` holds, as far as the renderers need it (read defensively: evidence is open). */
export interface FixCheckView {
  change: string;
  before: number | null;
  after: number | null;
  /** the fixed run's first loss: the bar when the original diverged (absent in reports before 2026-11) */
  afterStart?: number | null;
  verified: boolean;
  metric: string;
  seed: number;
  steps: number;
  /** training loss per step (downsampled) without and with the fix */
  curve?: { steps: number[]; before: (number | null)[]; after: (number | null)[] };
  combined?: { changes: string[]; metric: string; before: number | null; after: number | null; verified: boolean };
}

export function fixCheckOf(finding: Finding): FixCheckView | undefined {
  const value = finding.evidence?.fix_check as Partial<FixCheckView> | undefined;
  if (!value || typeof value !== 'object' || typeof value.change !== 'string' || typeof value.verified !== 'boolean') return undefined;
  return value as FixCheckView;
}

/** How far a finding's fix was proven: alone, only together with the other suggested fixes, or not. */
export type FixProof = 'verified' | 'verified-together' | 'not-verified';

export function fixProofOf(finding: Finding): FixProof | undefined {
  const fixCheck = fixCheckOf(finding);
  if (!fixCheck) return undefined;
  if (fixCheck.verified) return 'verified';
  return fixCheck.combined?.verified === true ? 'verified-together' : 'not-verified';
}

export const FIX_PROOF_WORDS: Record<FixProof, string> = {
  verified: 'verified',
  'verified-together': 'verified with the other fixes',
  'not-verified': 'not verified',
};
