import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, smokeMeta } from './shared.ts';

type Narrow = {
  samples: number;
  steps: number;
  startLoss: number;
  finalLoss: number;
  widenedFactor: number;
  widenedStartLoss: number;
  widenedFinalLoss: number;
};

export const messages = defineMessages({
  'wider-copy-fits': says<Narrow>(
    (d) =>
      `The model could not fit ${d.samples} samples in ${d.steps} steps (loss ${fmt(d.startLoss)} -> ${fmt(d.finalLoss)}), ` +
      `but the same model with ${d.widenedFactor}x wider hidden layers could (loss ${fmt(d.widenedStartLoss)} -> ${fmt(d.widenedFinalLoss)}). The hidden layers are too narrow for this task.`,
    (d) =>
      `The model could not fit ${d.samples} samples (loss ${fmt(d.finalLoss)}), but a ${d.widenedFactor}x wider copy could (loss ${fmt(d.widenedFinalLoss)}).`,
  ),
});

export const check: Check = {
  meta: { ...smokeMeta('too-few-hidden-units', 'Too few hidden units to fit', 'hidden units', 'warning'), section: 'loss', messages },
  run(evidence: Evidence): FindingDraft[] {
    const controls = evidence.smoke?.controls;
    const overfit = controls?.overfit;
    const widened = controls?.widened;
    if (!overfit || !widened || overfit.fitted || !widened.fitted) return [];
    return [
      {
        message: message(messages, 'wider-copy-fits', {
          samples: overfit.samples,
          steps: overfit.steps,
          startLoss: overfit.startLoss,
          finalLoss: overfit.finalLoss,
          widenedFactor: widened.factor,
          widenedStartLoss: widened.startLoss,
          widenedFinalLoss: widened.finalLoss,
        }),
        fix: `Widen the hidden layers about ${widened.factor}x.`,
        key: 'model.layers',
        evidence: { samples: overfit.samples, finalLoss: overfit.finalLoss, widenedFactor: widened.factor, widenedFinalLoss: widened.finalLoss },
      },
    ];
  },
};
