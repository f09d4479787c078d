// The counterfactual runs in markdown: the comparison with the base ref (finals per seed, the bar a
// change had to clear, the changed keys with their own effect), and each fix check's before/after.
import type { Finding } from '../checks/types.ts';
import type { BaseComparison } from '../compare/types.ts';
import { escapeMarkdown, htmlCode, markdownCode, mermaidLabel } from './escape.ts';
import { formatNumber, formatPlainDecimal } from './numbers.ts';

const VERDICT_LINE: Record<string, string> = {
  regression: '🔺 trains **worse** than the base (beyond seed noise)',
  improvement: '✅ trains **better** than the base (beyond seed noise)',
  unchanged: 'no clear difference from the base (within seed noise)',
  inconclusive: 'inconclusive',
};
const MAX_CHANGE_ROWS = 20;

/** A full commit id shortened as git does (7 characters); branch and tag names stay as they are. */
export function shortRef(ref: string): string {
  return /^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 7) : ref;
}

function loss(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? formatNumber(value) : 'diverged';
}

export function renderComparison(comparison: BaseComparison): string {
  const ref = markdownCode(shortRef(comparison.ref));
  if (comparison.status !== 'compared') {
    const what = { unchanged: 'unchanged', 'new-config': 'new in this change', unavailable: 'not compared' }[comparison.status];
    return `**Base ${ref}:** ${what}${comparison.reason ? ` (${escapeMarkdown(comparison.reason, 'space')})` : ''}.`;
  }
  const verdict = VERDICT_LINE[comparison.verdict ?? 'inconclusive'];
  const lines = [
    `**Compared with base ${ref}:** ${verdict}${comparison.reason ? ` (${escapeMarkdown(comparison.reason, 'space')})` : ''}. ` +
      `Same data sample, seeds ${(comparison.seeds ?? []).join(', ')}, ${comparison.steps} steps; final ${comparison.metric} = mean of the last 10% of steps.`,
    '',
    `| | base ${ref} | head |`,
    '|---|---:|---:|',
    `| final ${comparison.metric} per seed | ${(comparison.base?.finals ?? []).map(loss).join(', ')} | ${(comparison.head?.finals ?? []).map(loss).join(', ')} |`,
    `| mean | ${loss(comparison.base?.meanFinal)} | ${loss(comparison.head?.meanFinal)} |`,
    '',
    `Seed noise (pooled std) ${loss(comparison.seedNoise)}; a change counts beyond ${loss(comparison.threshold)} = max(3 x noise, 5% of the base mean).`,
  ];
  const changes = renderChanges(comparison);
  if (changes) lines.push('', changes);
  if (comparison.notes.length > 0) lines.push('', `<sub>${escapeMarkdown(comparison.notes.join('; '), 'space')}.</sub>`);
  return lines.join('\n');
}

function renderChanges(comparison: BaseComparison): string | undefined {
  if (comparison.changes.length === 0 && comparison.changedFiles.length === 0) return undefined;
  const rows = [`| Changed | base | head | head with only this reverted |`, '|---|---|---|---:|'];
  const cell = (text: string | undefined) => (text === undefined ? '' : escapeMarkdown(text, 'space'));
  for (const change of comparison.changes.slice(0, MAX_CHANGE_ROWS)) {
    const reverted = change.revertedFinal === undefined ? '' : loss(change.revertedFinal);
    rows.push(`| ${markdownCode(change.key)} | ${cell(change.base ?? '(absent)')} | ${cell(change.head ?? '(removed)')} | ${reverted} |`);
  }
  for (const file of comparison.changedFiles.slice(0, MAX_CHANGE_ROWS)) rows.push(`| ${markdownCode(file)} | | contents changed | |`);
  const more = comparison.changes.length + comparison.changedFiles.length - (rows.length - 2);
  if (more > 0) rows.push(`| … and ${more} more | | | |`);
  return rows.join('\n');
}

/** What `evidence.fix_check` holds, as far as the renderer needs it (read defensively: evidence is open). */
interface FixCheckView {
  change: string;
  before: number | null;
  after: number | null;
  verified: boolean;
  metric: string;
  seed: number;
  steps: number;
  combined?: { changes: string[]; metric: string; before: number | null; after: number | null; verified: boolean };
}

/** How far a finding's fix was proven: alone, only together with the other suggested fixes, or not. */
export type FixProof = 'verified' | 'verified-together' | 'not-verified';

export function fixProofOf(finding: Finding): FixProof | undefined {
  const fixCheck = fixCheckOf(finding);
  if (!fixCheck) return undefined;
  if (fixCheck.verified) return 'verified';
  return fixCheck.combined?.verified === true ? 'verified-together' : 'not-verified';
}

/** The marker in the findings table's fix cell. */
export function fixProofMark(finding: Finding): string {
  const proof = fixProofOf(finding);
  if (proof === 'verified') return '✅ **verified** · ';
  if (proof === 'verified-together') return '✅ **verified with the other fixes** · ';
  return '';
}

export function fixCheckOf(finding: Finding): FixCheckView | undefined {
  const value = finding.evidence?.fix_check as Partial<FixCheckView> | undefined;
  if (!value || typeof value !== 'object' || typeof value.change !== 'string' || typeof value.verified !== 'boolean') return undefined;
  return value as FixCheckView;
}

/** One line for a review suggestion: whether the smoke run proved the fix, with its two numbers. */
export function fixCheckLine(finding: Finding): string | undefined {
  const fixCheck = fixCheckOf(finding);
  if (!fixCheck) return undefined;
  const numbers = `final ${escapeMarkdown(fixCheck.metric, 'space')} ${loss(fixCheck.before)} -> ${loss(fixCheck.after)} on the same sample, seed ${fixCheck.seed}, ${fixCheck.steps} steps`;
  if (fixCheck.verified) return `✅ **Verified fix**: the smoke run with ${markdownCode(fixCheck.change)} trains clearly better (${numbers}).`;
  const alone = `Not verified alone: the smoke run with ${markdownCode(fixCheck.change)} did not train clearly better (${numbers}).`;
  const combined = fixCheck.combined;
  if (!combined?.verified) return alone;
  return `✅ **Verified together with the other suggested fixes** (${combined.changes.map(markdownCode).join(' + ')}: final ${escapeMarkdown(combined.metric, 'space')} ${loss(combined.before)} -> ${loss(combined.after)}). ${alone}`;
}

/** A collapsed block with the before/after final loss as a two-bar chart (numbers when one side diverged). */
export function renderFixCheck(finding: Finding): string | undefined {
  const fixCheck = fixCheckOf(finding);
  if (!fixCheck) return undefined;
  const proof = fixProofOf(finding);
  const mark = proof === 'verified' ? '✅ Verified fix' : proof === 'verified-together' ? '✅ Verified with the other fixes' : 'Fix not verified';
  const summary = `${mark}: ${htmlCode(finding.id)} with ${htmlCode(fixCheck.change)}`;
  const numbers = `Final ${escapeMarkdown(fixCheck.metric, 'space')} ${loss(fixCheck.before)} without the fix, ${loss(fixCheck.after)} with it (same sample, seed ${fixCheck.seed}, ${fixCheck.steps} steps).`;
  const parts = [numbers];
  if (fixCheck.combined) {
    const c = fixCheck.combined;
    parts.push(`All suggested fixes together (${c.changes.map(markdownCode).join(' + ')}): final ${escapeMarkdown(c.metric, 'space')} ${loss(c.before)} -> ${loss(c.after)}, ${c.verified ? 'verified' : 'not verified'}.`);
  }
  const finite = (v: number | null): v is number => typeof v === 'number' && Number.isFinite(v);
  if (finite(fixCheck.before) && finite(fixCheck.after)) {
    parts.push([
      '```mermaid',
      'xychart-beta',
      `  title "${mermaidLabel(`${finding.id}: final ${fixCheck.metric}`)}"`,
      '  x-axis ["without fix", "with fix"]',
      `  y-axis "final ${mermaidLabel(fixCheck.metric)}"`,
      `  bar [${formatPlainDecimal(fixCheck.before)}, ${formatPlainDecimal(fixCheck.after)}]`,
      '```',
    ].join('\n'));
  }
  return `<details><summary>${summary}</summary>\n\n${parts.join('\n\n')}\n\n</details>`;
}
