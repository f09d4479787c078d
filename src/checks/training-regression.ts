import type { BaseComparison, KeyChange } from '../evidence/comparison.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { docsPath, fmt } from './shared.ts';
import { replaceValue } from './locate.ts';
import { describeBar } from '../evidence/comparison.ts';

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

type Side = { finals: number[]; meanFinal: number };
/** A comparison without its loss curves: what a finding's evidence and message data keep. */
export type ComparisonNumbers = Omit<BaseComparison, 'base' | 'head'> & { base?: Side; head?: Side };

/** The numbers of a comparison in one sentence: both finals with their seeds, the change and the bar it cleared. */
export function describeComparison(c: ComparisonNumbers): string {
  const value = (n: number | undefined) => (n === undefined ? '?' : Number.isFinite(n) ? fmt(n) : 'diverged');
  const finals = (values: number[] = []) => values.map(value).join(', ');
  const relative =
    c.base && c.difference !== undefined && Number.isFinite(c.difference) && c.base.meanFinal !== 0
      ? ` (${c.difference > 0 ? '+' : ''}${fmt((100 * c.difference) / Math.abs(c.base.meanFinal))}%)`
      : '';
  return (
    `Over seeds ${(c.seeds ?? []).join(', ')} and ${c.steps} steps on the same data sample, the smoke run's final ${c.metric} ` +
    `(mean of the last 10% of steps) is ${value(c.head?.meanFinal)} at the head [${finals(c.head?.finals)}] against ` +
    `${value(c.base?.meanFinal)} at ${c.ref} [${finals(c.base?.finals)}]${relative}. ` +
    `${capitalize(describeBar(c, value))}.`
  );
}

/** The changed keys, each with its own measured effect when one was measured. */
export function describeChanges(c: ComparisonNumbers): string {
  const value = (n: number) => (Number.isFinite(n) ? fmt(n) : 'diverged');
  const parts = c.changes.map((change) => {
    const what = `\`${change.key}\` ${change.base ?? '(absent)'} -> ${change.head ?? '(removed)'}`;
    return change.revertedFinal === undefined ? what : `${what} (head with only this key reverted: ${value(change.revertedFinal)})`;
  });
  for (const file of c.changedFiles) parts.push(`\`${file}\` (contents changed)`);
  if (parts.length === 0) return '';
  return ` Changed: ${parts.join('; ')}.`;
}

/**
 * The change that carries the difference: the key whose revert moves the head furthest towards the
 * base, or the only change.
 */
export function decisiveChange(c: BaseComparison, direction: 'regression' | 'improvement'): KeyChange | undefined {
  const measured = c.changes.filter((change) => change.revertedFinal !== undefined);
  if (measured.length > 0) {
    const better = (change: KeyChange) => (direction === 'regression' ? -change.revertedFinal! : change.revertedFinal!);
    return measured.reduce((best, change) => (better(change) > better(best) ? change : best));
  }
  return c.changes.length === 1 && c.changedFiles.length === 0 ? c.changes[0] : undefined;
}

/** A single-line value at the base can be put back as a one-line suggestion. */
function revertSuggestion(evidence: Evidence, change: KeyChange | undefined) {
  if (!change?.base || change.head === undefined || /^[[{]/.test(change.base)) return undefined;
  return replaceValue(evidence.source, change.key, change.base);
}

/** The head's mean final against the base's, for a headline. */
export function finalsInBrief(c: ComparisonNumbers): string {
  const value = (n: number | undefined) => (n === undefined ? '?' : Number.isFinite(n) ? fmt(n) : 'diverged');
  return `final ${c.metric ?? 'loss'} ${value(c.head?.meanFinal)} against ${value(c.base?.meanFinal)} at ${c.ref}`;
}

export const messages = defineMessages({
  'trains-worse': says<{ comparison: ComparisonNumbers }>(
    (d) => `Against ${d.comparison.ref}, this config trains clearly worse. ${describeComparison(d.comparison)}${describeChanges(d.comparison)}`,
    (d) => `This config trains clearly worse than at ${d.comparison.ref}: ${finalsInBrief(d.comparison)}.`,
  ),
});

export const check: Check = {
  meta: {
    id: 'training-regression',
    title: 'This change makes training worse',
    pitfall: 'check results',
    kind: 'smoke',
    defaultSeverity: 'warning',
    docs: docsPath('training-regression'),
    needs: ['smoke'],
    section: 'loss',
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const comparison = evidence.comparison;
    if (comparison?.status !== 'compared' || comparison.verdict !== 'regression') return [];
    const culprit = decisiveChange(comparison, 'regression');
    const value = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? fmt(n) : 'diverged');
    return [
      {
        message: message(messages, 'trains-worse', { comparison: withoutCurves(comparison) }),
        fix: culprit
          ? `Check the change to \`${culprit.key}\` (${culprit.base ?? 'absent'} -> ${culprit.head ?? 'removed'}): ${culprit.revertedFinal !== undefined ? `of the changed keys, setting this one back alone helps most (final ${comparison.metric} ${value(culprit.revertedFinal)}; base ${value(comparison.base?.meanFinal)})` : 'it is the only change'}. Keep it only if the worse smoke loss is intended.`
          : 'Look at the changed keys and files above; revert the one that makes the loss worse, or keep them if the worse smoke loss is intended.',
        key: culprit?.key,
        evidence: { comparison: withoutCurves(comparison) },
        suggestion: revertSuggestion(evidence, culprit),
      },
    ];
  },
};

/** The curves stay in the report's comparison; the finding keeps the numbers. */
export function withoutCurves(c: BaseComparison): ComparisonNumbers {
  const { base, head, ...rest } = c;
  return { ...rest, base: base && { finals: base.finals, meanFinal: base.meanFinal }, head: head && { finals: head.finals, meanFinal: head.meanFinal } };
}
