import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, staticMeta } from './shared.ts';

type Overlap = { rows: number; validationRows: number; fraction: number; examples: number[]; file: string };

export const messages = defineMessages({
  'shared-rows': says<Overlap>(
    (d) =>
      `${d.rows} of ${d.validationRows} sampled validation rows (${fmt(d.fraction * 100)}%) are identical, features and targets, ` +
      `to rows of the training sample; expected 0. The validation loss on those rows measures memory, not generalization, ` +
      `so overfitting looks like progress.${d.examples.length > 0 ? ` Examples: rows ${d.examples.join(', ')} of ${d.file}.` : ''}`,
    (d) => `${d.rows} of ${d.validationRows} sampled validation rows (${fmt(d.fraction * 100)}%) also appear in the training sample.`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('train-validation-overlap', 'Validation rows also appear in training', 'preprocessing', 'warning', ['data']),
    section: 'other',
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const overlap = evidence.data?.overlap;
    if (!overlap || overlap.rows === 0) return [];
    const fraction = overlap.validationRows > 0 ? overlap.rows / overlap.validationRows : 0;
    const file = evidence.data?.validation?.split.file ?? 'the validation file';
    return [
      {
        message: message(messages, 'shared-rows', { rows: overlap.rows, validationRows: overlap.validationRows, fraction, examples: overlap.examples, file }),
        fix: 'Split before any augmentation or duplication, and de-duplicate: drop from the validation set every row that also occurs in the training set.',
        key: 'data.validation',
        evidence: { rows: overlap.rows, validationRows: overlap.validationRows, fraction, examples: overlap.examples },
      },
    ];
  },
};
