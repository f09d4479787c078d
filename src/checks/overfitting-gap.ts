import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, smokeMeta } from './shared.ts';
import { finalLoss } from './smoke-stats.ts';
import { minOf } from '../extremes.ts';

/** Validation loss this far above its own best, while training still improves, means it has turned upward. */
export const RISE_FACTOR = 1.2;
/** Validation loss above training loss by this fraction (and at least MIN_GAP) is a large gap. */
export const GAP_FRACTION = 0.5;
export const MIN_GAP = 0.1;

const MEMORIZING = 'The model is already memorizing the training rows instead of learning what carries over; longer training will make it worse.';

export const messages = defineMessages({
  'validation-rising': says<{ bestValidationLoss: number; validationLoss: number; trainLoss: number }>(
    (d) =>
      `During the smoke run the validation loss rose from its best ${fmt(d.bestValidationLoss)} to ${fmt(d.validationLoss)} while the training loss kept falling (to ${fmt(d.trainLoss)}). ${MEMORIZING}`,
    (d) => `The validation loss rose from ${fmt(d.bestValidationLoss)} to ${fmt(d.validationLoss)} while the training loss fell to ${fmt(d.trainLoss)}.`,
  ),
  'large-gap': says<{ validationLoss: number; trainLoss: number; gap: number; gapLimit: number }>(
    (d) =>
      `At the end of the smoke run the validation loss is ${fmt(d.validationLoss)} against a training loss of ${fmt(d.trainLoss)}, a gap of ${fmt(d.gap)} (expected below ${fmt(d.gapLimit)}). ${MEMORIZING}`,
    (d) => `The validation loss ends at ${fmt(d.validationLoss)} against ${fmt(d.trainLoss)} in training, a gap of ${fmt(d.gap)} (limit ${fmt(d.gapLimit)}).`,
  ),
});

export const check: Check = {
  meta: { ...smokeMeta('overfitting-gap', 'Validation loss diverges from training loss', 'regularization', 'warning'), section: 'loss', messages },
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
    return [
      {
        message: rising
          ? message(messages, 'validation-rising', { bestValidationLoss: bestVal, validationLoss: lastVal, trainLoss: train })
          : message(messages, 'large-gap', { validationLoss: lastVal, trainLoss: train, gap, gapLimit: Math.max(MIN_GAP, GAP_FRACTION * Math.abs(train)) }),
        fix: 'Add regularization (dropout, a small l2 penalty, early_stopping: true), use more training data, or a smaller model.',
        key: 'model.layers',
        evidence: { trainLoss: train, validationLoss: lastVal, bestValidationLoss: bestVal, gap, rising },
      },
    ];
  },
};
