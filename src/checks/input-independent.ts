import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, smokeMeta } from './shared.ts';

/** Real inputs must beat zeroed inputs by more than this fraction of the zeroed loss. */
export const MIN_GAIN = 0.05;
export const SIGNIFICANCE = 0.05;

type Ignored = { realFinal: number; zeroedFinal: number; gain: number; minGain: number; pValue: number };

export const messages = defineMessages({
  'zeroed-inputs-as-good': says<Ignored>(
    (d) =>
      `Training on the real inputs reached a loss of ${fmt(d.realFinal)}, and training on all-zero inputs reached ${fmt(d.zeroedFinal)}: ` +
      `the inputs improved the loss by ${fmt(d.gain * 100)}% (expected more than ${fmt(d.minGain * 100)}%, p = ${fmt(d.pValue)}). ` +
      'The model predicts as well without looking at its inputs, so either the labels do not depend on these features, rows and labels are misaligned, or the inputs never reach the model.',
    (d) => `The model does as well without its inputs: loss ${fmt(d.zeroedFinal)} on all-zero inputs against ${fmt(d.realFinal)} on the real ones.`,
  ),
});

export const check: Check = {
  meta: { ...smokeMeta('input-independent', 'Model ignores its inputs', 'check results', 'warning'), section: 'loss', messages },
  run(evidence: Evidence): FindingDraft[] {
    const zeroed = evidence.smoke?.controls.zeroedInputs;
    if (!zeroed || !Number.isFinite(zeroed.realFinal) || !Number.isFinite(zeroed.zeroedFinal) || zeroed.zeroedFinal <= 0) return [];
    const gain = (zeroed.zeroedFinal - zeroed.realFinal) / zeroed.zeroedFinal;
    const significant = Number.isFinite(zeroed.pValue) && zeroed.pValue < SIGNIFICANCE;
    if (gain > MIN_GAIN && significant) return [];
    // Real inputs that make the loss clearly worse than zeros do reach the model: that is unstable
    // training (input or weight scale, which their own checks report), not a model that ignores its inputs.
    if (gain < -MIN_GAIN && significant) return [];
    return [
      {
        message: message(messages, 'zeroed-inputs-as-good', {
          realFinal: zeroed.realFinal,
          zeroedFinal: zeroed.zeroedFinal,
          gain,
          minGain: MIN_GAIN,
          pValue: zeroed.pValue,
        }),
        fix: 'Check that each label belongs to its row (shuffling features and labels separately breaks this), that the feature columns are the ones you meant, and that the inputs are not all zero or constant after preprocessing.',
        key: 'data.train',
        evidence: { realFinal: zeroed.realFinal, zeroedFinal: zeroed.zeroedFinal, gain, pValue: zeroed.pValue },
      },
    ];
  },
};
