import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, staticMeta } from './shared.ts';

export const NOTICE_MAJORITY = 0.9;
export const WARNING_MAJORITY = 0.98;

type Imbalance = { majority: string; encoding?: string; majorityFraction: number; classCounts: Record<string, number>; noticeAt: number };

/** `class 0`, or `column spam` for one-hot and multi-hot labels. */
function majorityName(d: Imbalance): string {
  return d.encoding === 'one-hot' || d.encoding === 'multi-hot' ? `column ${d.majority}` : `class ${d.majority}`;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export const messages = defineMessages({
  'majority-class': says<Imbalance>(
    (d) =>
      `${majorityName(d)} holds ${fmt(d.majorityFraction * 100)}% of the training labels (counts: ${Object.entries(d.classCounts)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}). ` +
      `Above ${fmt(d.noticeAt * 100)}% a model can reach ${fmt(d.majorityFraction * 100)}% accuracy by always predicting ${majorityName(d)}, and the loss rewards exactly that; ` +
      'the minority classes are barely learned and accuracy hides it.',
    (d) => `${capitalize(majorityName(d))} holds ${fmt(d.majorityFraction * 100)}% of the training labels (notice from ${fmt(d.noticeAt * 100)}%).`,
  ),
});

export const check: Check = {
  meta: { ...staticMeta('class-imbalance', 'One class dominates the labels', 'preprocessing', 'notice', ['data']), section: 'labels', messages },
  run(evidence: Evidence): FindingDraft[] {
    const labels = evidence.data?.labels;
    if (!labels || evidence.task === 'regression') return [];
    const fraction = labels.majorityFraction;
    if (fraction === undefined || !Number.isFinite(fraction) || fraction < NOTICE_MAJORITY) return [];
    const counts = labels.classCounts ?? {};
    // Declared class weights (Keras class_weight) rebalance the loss: judge the weighted shares.
    const classWeight = evidence.config.training.class_weight;
    if (classWeight !== undefined && Object.keys(counts).length > 0) {
      const weighted = Object.entries(counts).map(([id, n]) => n * (classWeight[id] ?? 1));
      const total = weighted.reduce((sum, w) => sum + w, 0);
      if (total > 0 && Math.max(...weighted) / total < NOTICE_MAJORITY) return [];
    }
    const majority = Object.entries(counts).reduce((a, b) => (b[1] > a[1] ? b : a), ['?', 0] as [string, number]);
    return [
      {
        severity: fraction >= WARNING_MAJORITY ? 'warning' : 'notice',
        message: message(messages, 'majority-class', {
          majority: majority[0],
          encoding: labels.encoding,
          majorityFraction: fraction,
          classCounts: counts,
          noticeAt: NOTICE_MAJORITY,
        }),
        fix: 'Weight the classes (class_weight ~ 1 / frequency), resample the minority, or judge the model by precision/recall or AUC rather than accuracy.',
        key: evidence.source.ranges['data.targets'] ? 'data.targets' : 'data.train',
        evidence: { majorityFraction: fraction, classCounts: counts, noticeAt: NOTICE_MAJORITY, warningAt: WARNING_MAJORITY },
      },
    ];
  },
};
