import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, staticMeta } from './shared.ts';

export const check: Check = {
  meta: staticMeta('train-validation-overlap', 'Validation rows also appear in training', 'preprocessing', 'warning', ['data']),
  run(evidence: Evidence): FindingDraft[] {
    const overlap = evidence.data?.overlap;
    if (!overlap || overlap.rows === 0) return [];
    const fraction = overlap.validationRows > 0 ? overlap.rows / overlap.validationRows : 0;
    const file = evidence.data?.validation?.split.file ?? 'the validation file';
    return [{
      message:
        `${overlap.rows} of ${overlap.validationRows} sampled validation rows (${fmt(fraction * 100)}%) are identical, features and targets, ` +
        `to rows of the training sample; expected 0. The validation loss on those rows measures memory, not generalization, ` +
        `so overfitting looks like progress.${overlap.examples.length > 0 ? ` Examples: rows ${overlap.examples.join(', ')} of ${file}.` : ''}`,
      fix: 'Split before any augmentation or duplication, and de-duplicate: drop from the validation set every row that also occurs in the training set.',
      key: 'data.validation',
      evidence: { rows: overlap.rows, validationRows: overlap.validationRows, fraction, examples: overlap.examples },
    }];
  },
};
