import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, smokeMeta } from './shared.ts';

type NotFitted = { samples: number; steps: number; startLoss: number; finalLoss: number; accuracy?: number };

export const messages = defineMessages({
  'small-batch-not-fitted': says<NotFitted>(
    (d) =>
      `Trained on only ${d.samples} samples for ${d.steps} steps, the model took the loss from ${fmt(d.startLoss)} to ${fmt(d.finalLoss)}` +
      `${d.accuracy !== undefined ? ` with ${fmt(d.accuracy * 100)}% accuracy` : ''}, not near zero. A working setup memorizes a handful of samples easily; ` +
      'failing at that means something in the model, loss, labels or optimizer is broken, and more data will not help.',
    (d) => `On only ${d.samples} samples the loss went from ${fmt(d.startLoss)} to ${fmt(d.finalLoss)} in ${d.steps} steps, not near zero.`,
  ),
});

export const check: Check = {
  meta: { ...smokeMeta('cannot-overfit-small-batch', 'Cannot overfit a small batch', 'check results', 'warning'), section: 'loss', messages },
  run(evidence: Evidence): FindingDraft[] {
    const overfit = evidence.smoke?.controls.overfit;
    if (!overfit || overfit.fitted) return [];
    return [
      {
        message: message(messages, 'small-batch-not-fitted', {
          samples: overfit.samples,
          steps: overfit.steps,
          startLoss: overfit.startLoss,
          finalLoss: overfit.finalLoss,
          accuracy: overfit.accuracy,
        }),
        fix: 'Fix the other findings first; then try a higher learning rate, fewer regularizers, or a wider model on the small batch until it fits.',
        key: 'model.layers',
        evidence: { samples: overfit.samples, steps: overfit.steps, startLoss: overfit.startLoss, finalLoss: overfit.finalLoss, accuracy: overfit.accuracy },
      },
    ];
  },
};
