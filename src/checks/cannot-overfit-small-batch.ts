import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, smokeMeta } from './shared.ts';

export const check: Check = {
  meta: smokeMeta('cannot-overfit-small-batch', 'Cannot overfit a small batch', 'check results', 'warning'),
  run(evidence: Evidence): FindingDraft[] {
    const overfit = evidence.smoke?.controls.overfit;
    if (!overfit || overfit.fitted) return [];
    return [{
      message:
        `Trained on only ${overfit.samples} samples for ${overfit.steps} steps, the model took the loss from ${fmt(overfit.startLoss)} to ${fmt(overfit.finalLoss)}` +
        `${overfit.accuracy !== undefined ? ` with ${fmt(overfit.accuracy * 100)}% accuracy` : ''}, not near zero. A working setup memorizes a handful of samples easily; ` +
        'failing at that means something in the model, loss, labels or optimizer is broken, and more data will not help.',
      fix: 'Fix the other findings first; then try a higher learning rate, fewer regularizers, or a wider model on the small batch until it fits.',
      key: 'model.layers',
      evidence: { samples: overfit.samples, steps: overfit.steps, startLoss: overfit.startLoss, finalLoss: overfit.finalLoss, accuracy: overfit.accuracy },
    }];
  },
};
