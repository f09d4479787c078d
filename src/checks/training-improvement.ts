import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { docsPath } from './shared.ts';
import { decisiveChange, describeChanges, describeComparison, withoutCurves } from './training-regression.ts';

export const check: Check = {
  meta: { id: 'training-improvement', title: 'This change makes training better', pitfall: 'check results', kind: 'smoke', defaultSeverity: 'notice', docs: docsPath('training-improvement'), needs: ['smoke'] },
  run(evidence: Evidence): FindingDraft[] {
    const comparison = evidence.comparison;
    if (comparison?.status !== 'compared' || comparison.verdict !== 'improvement') return [];
    const cause = decisiveChange(comparison, 'improvement');
    return [{
      message: `Against ${comparison.ref}, this config trains clearly better. ${describeComparison(comparison)}${describeChanges(comparison)}`,
      fix: cause ? `Nothing to fix: the change to \`${cause.key}\` is what helps.` : 'Nothing to fix.',
      key: cause?.key,
      evidence: { comparison: withoutCurves(comparison) },
    }];
  },
};
