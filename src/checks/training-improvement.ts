import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { docsPath } from './shared.ts';
import { decisiveChange, describeChanges, describeComparison, finalsInBrief, withoutCurves, type ComparisonNumbers } from './training-regression.ts';

export const messages = defineMessages({
  'trains-better': says<{ comparison: ComparisonNumbers }>(
    (d) => `Against ${d.comparison.ref}, this config trains clearly better. ${describeComparison(d.comparison)}${describeChanges(d.comparison)}`,
    (d) => `This config trains clearly better than at ${d.comparison.ref}: ${finalsInBrief(d.comparison)}.`,
  ),
});

export const check: Check = {
  meta: {
    id: 'training-improvement',
    title: 'This change makes training better',
    pitfall: 'check results',
    kind: 'smoke',
    defaultSeverity: 'notice',
    docs: docsPath('training-improvement'),
    needs: ['smoke'],
    section: 'loss',
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const comparison = evidence.comparison;
    if (comparison?.status !== 'compared' || comparison.verdict !== 'improvement') return [];
    const cause = decisiveChange(comparison, 'improvement');
    return [
      {
        message: message(messages, 'trains-better', { comparison: withoutCurves(comparison) }),
        fix: cause ? `Nothing to fix: the change to \`${cause.key}\` is what helps.` : 'Nothing to fix.',
        key: cause?.key,
        evidence: { comparison: withoutCurves(comparison) },
      },
    ];
  },
};
