// The counterfactual runs in markdown: the comparison with the base ref (finals per seed, the bar a
// change had to clear, the changed keys with their own effect), and each fix check's before/after.
import type { Finding } from '../findings/types.ts';
import type { BaseComparison, ComparisonVerdict } from '../evidence/comparison.ts';
import {
  baseSourceWords,
  changeRows,
  comparisonBar,
  comparisonSetup,
  FIX_PROOF_WORDS,
  formatFinalLoss as loss,
  fixCheckOf,
  fixProofOf,
  shortRef,
  UNCOMPARED_WORDS,
  verdictWords,
} from './counterfactual.ts';
import { fromStartWords, originalDiverged, verifiedBarWords } from '../follow-ups/verified-bar.ts';
import { escapeMarkdown, htmlCode, markdownCode, mermaidLabel } from './escape.ts';
import { formatPlainDecimal } from './numbers.ts';

// These moved to counterfactual.ts (the HTML report needs them too); callers that import them from here keep working.
export { fixCheckOf, fixProofOf, shortRef };
export type { FixProof } from './counterfactual.ts';

const VERDICT_MARK: Partial<Record<ComparisonVerdict, string>> = { regression: '🔺 ', improvement: '✅ ' };

export function renderComparison(comparison: BaseComparison): string {
  const ref = markdownCode(shortRef(comparison.ref));
  if (comparison.status !== 'compared') {
    const what = UNCOMPARED_WORDS[comparison.status];
    return `**Base ${ref}:** ${what}${comparison.reason ? ` (${escapeMarkdown(comparison.reason, 'space')})` : ''}.`;
  }
  const verdict = `${VERDICT_MARK[comparison.verdict ?? 'inconclusive'] ?? ''}${verdictWords(comparison.verdict, (word) => `**${word}**`)}`;
  const lines = [
    `**Compared with base ${ref}:** ${verdict}${comparison.reason ? ` (${escapeMarkdown(comparison.reason, 'space')})` : ''}. ` + comparisonSetup(comparison),
    '',
    `| | base ${ref} | head |`,
    '|---|---:|---:|',
    `| final ${comparison.metric} per seed | ${(comparison.base?.finals ?? []).map(loss).join(', ')} | ${(comparison.head?.finals ?? []).map(loss).join(', ')} |`,
    `| mean | ${loss(comparison.base?.meanFinal)} | ${loss(comparison.head?.meanFinal)} |`,
    '',
    `${comparisonBar(comparison)}.`,
  ];
  const changes = renderChanges(comparison);
  if (changes) lines.push('', changes);
  const footnotes = [baseSourceWords(comparison), ...comparison.notes].filter((text): text is string => Boolean(text));
  if (footnotes.length > 0) lines.push('', `<sub>${escapeMarkdown(footnotes.join('; '), 'space')}.</sub>`);
  return lines.join('\n');
}

function renderChanges(comparison: BaseComparison): string | undefined {
  const { rows, more } = changeRows(comparison);
  if (rows.length === 0) return undefined;
  const lines = [`| Changed | base | head | head with only this reverted |`, '|---|---|---|---:|'];
  const cell = (text: string) => escapeMarkdown(text, 'space');
  for (const row of rows) {
    lines.push(
      row.kind === 'file'
        ? `| ${markdownCode(row.name)} | | ${row.head} | |`
        : `| ${markdownCode(row.name)} | ${cell(row.base)} | ${cell(row.head)} | ${row.reverted} |`,
    );
  }
  if (more > 0) lines.push(`| … and ${more} more | | | |`);
  return lines.join('\n');
}

/** The marker in the findings table's fix cell. */
export function fixProofMark(finding: Finding): string {
  const proof = fixProofOf(finding);
  return proof === 'verified' || proof === 'verified-together' ? `✅ **${FIX_PROOF_WORDS[proof]}** · ` : '';
}

/** One line for a review suggestion: whether the smoke run proved the fix, with its two numbers. */
export function fixCheckLine(finding: Finding): string | undefined {
  const fixCheck = fixCheckOf(finding);
  if (!fixCheck) return undefined;
  const numbers = `final ${escapeMarkdown(fixCheck.metric, 'space')} ${loss(fixCheck.before)} -> ${loss(fixCheck.after)}${fromStartWords(fixCheck, loss)} on the same sample, seed ${fixCheck.seed}, ${fixCheck.steps} steps`;
  if (fixCheck.verified) return `✅ **Verified fix**: the smoke run with ${markdownCode(fixCheck.change)} trains clearly better (${numbers}).`;
  const alone = `Not verified alone: the smoke run with ${markdownCode(fixCheck.change)} did not train clearly better (${numbers}; ${verifiedBarWords(originalDiverged(fixCheck.before))}).`;
  const combined = fixCheck.combined;
  if (!combined?.verified) return alone;
  // The numbers of a fix verified only together are stated once, in the comment's "Fix first".
  const set = (combined as { minimal?: string[] }).minimal ?? combined.changes;
  if (!set.includes(fixCheck.change)) return alone;
  return `✅ Part of a fix verified together (${set.map(markdownCode).join(' + ')}): see "Fix first" in the comment.`;
}

/** A collapsed block with the before/after final loss as a two-bar chart (numbers when one side diverged). */
export function renderFixCheck(finding: Finding): string | undefined {
  const fixCheck = fixCheckOf(finding);
  if (!fixCheck) return undefined;
  const proof = fixProofOf(finding);
  const mark = proof === 'verified' ? '✅ Verified fix' : proof === 'verified-together' ? '✅ Verified with the other fixes' : 'Fix not verified';
  const summary = `${mark}: ${htmlCode(finding.id)} with ${htmlCode(fixCheck.change)}`;
  const numbers = `Final ${escapeMarkdown(fixCheck.metric, 'space')} ${loss(fixCheck.before)} without the fix, ${loss(fixCheck.after)} with it${fromStartWords(fixCheck, loss)} (same sample, seed ${fixCheck.seed}, ${fixCheck.steps} steps).`;
  const parts = [numbers];
  if (fixCheck.combined) {
    const c = fixCheck.combined;
    parts.push(
      `All suggested fixes together (${c.changes.map(markdownCode).join(' + ')}): final ${escapeMarkdown(c.metric, 'space')} ${loss(c.before)} -> ${loss(c.after)}, ${c.verified ? 'verified' : 'not verified'}.`,
    );
  }
  const finite = (v: number | null): v is number => typeof v === 'number' && Number.isFinite(v);
  if (finite(fixCheck.before) && finite(fixCheck.after)) {
    parts.push(
      [
        '```mermaid',
        'xychart-beta',
        `  title "${mermaidLabel(`${finding.id}: final ${fixCheck.metric}`)}"`,
        '  x-axis ["without fix", "with fix"]',
        `  y-axis "final ${mermaidLabel(fixCheck.metric)}"`,
        `  bar [${formatPlainDecimal(fixCheck.before)}, ${formatPlainDecimal(fixCheck.after)}]`,
        '```',
      ].join('\n'),
    );
  }
  return `<details><summary>${summary}</summary>\n\n${parts.join('\n\n')}\n\n</details>`;
}
