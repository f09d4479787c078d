import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, smokeMeta } from './shared.ts';

export const check: Check = {
  meta: smokeMeta('too-few-hidden-units', 'Too few hidden units to fit', 'hidden units', 'warning'),
  run(evidence: Evidence): FindingDraft[] {
    const controls = evidence.smoke?.controls;
    const overfit = controls?.overfit;
    const widened = controls?.widened;
    if (!overfit || !widened || overfit.fitted || !widened.fitted) return [];
    return [{
      message:
        `The model could not fit ${overfit.samples} samples in ${overfit.steps} steps (loss ${fmt(overfit.startLoss)} -> ${fmt(overfit.finalLoss)}), ` +
        `but the same model with ${widened.factor}x wider hidden layers could (loss ${fmt(widened.startLoss)} -> ${fmt(widened.finalLoss)}). The hidden layers are too narrow for this task.`,
      fix: `Widen the hidden layers about ${widened.factor}x.`,
      key: 'model.layers',
      evidence: { samples: overfit.samples, finalLoss: overfit.finalLoss, widenedFactor: widened.factor, widenedFinalLoss: widened.finalLoss },
    }];
  },
};
