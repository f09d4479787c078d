import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, smokeMeta } from './shared.ts';
import { finalLoss } from './smoke-stats.ts';
import { minOf } from '../extremes.ts';

/** Validation loss this far above its own best, while training still improves, means it has turned upward. */
export const RISE_FACTOR = 1.2;
/** Validation loss above training loss by this fraction (and at least MIN_GAP) is a large gap. */
export const GAP_FRACTION = 0.5;
export const MIN_GAP = 0.1;

export const check: Check = {
  meta: smokeMeta('overfitting-gap', 'Validation loss diverges from training loss', 'regularization', 'warning'),
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke) return [];
    const val = smoke.valLoss.filter(Number.isFinite);
    if (val.length < 3) return [];
    const train = finalLoss(smoke.loss);
    const lastVal = val[val.length - 1];
    const bestVal = minOf(val);
    const bestAt = val.indexOf(bestVal);
    const trainAtBest = smoke.loss[smoke.probeSteps[bestAt] ?? -1];
    const trainStillFalling = Number.isFinite(trainAtBest) ? train < trainAtBest : true;
    const rising = bestAt < val.length - 1 && lastVal > RISE_FACTOR * bestVal && trainStillFalling;
    const gap = lastVal - train;
    const largeGap = Number.isFinite(train) && gap > Math.max(MIN_GAP, GAP_FRACTION * Math.abs(train));
    if (!rising && !largeGap) return [];
    return [{
      message:
        (rising
          ? `During the smoke run the validation loss rose from its best ${fmt(bestVal)} to ${fmt(lastVal)} while the training loss kept falling (to ${fmt(train)}). `
          : `At the end of the smoke run the validation loss is ${fmt(lastVal)} against a training loss of ${fmt(train)}, a gap of ${fmt(gap)} (expected below ${fmt(Math.max(MIN_GAP, GAP_FRACTION * Math.abs(train)))}). `) +
        'The model is already memorizing the training rows instead of learning what carries over; longer training will make it worse.',
      fix: 'Add regularization (dropout, a small l2 penalty, early_stopping: true), use more training data, or a smaller model.',
      key: 'model.layers',
      evidence: { trainLoss: train, validationLoss: lastVal, bestValidationLoss: bestVal, gap, rising },
    }];
  },
};
