import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, median, probeKey, smokeMeta } from './shared.ts';
import { firstLastGradientRatios, probesInOrder } from './smoke-stats.ts';

/** AUTOTRAINER: first/last ratio below this with a tiny first-layer norm. */
export const MIN_FIRST_LAST_RATIO = 1e-3;
export const MIN_FIRST_NORM = 1e-4;
/** DeepDiagnosis / SageMaker Debugger: mean |gradient| below this is no gradient at all. */
const STAY_RANDOM = 'The early layers stay at their random initial weights, so the network learns only with its last layers, or not at all.';

export const MIN_MEAN_ABS = 1e-7;

type Vanishing =
  | { layer: string; firstLayerNorm: number; firstLastRatio: number; ratioLimit: number; normLimit: number }
  | { layer: string; firstLayerMeanAbs: number; meanAbsLimit: number };

export const messages = defineMessages({
  'first-last-ratio': says<Extract<Vanishing, { firstLastRatio: number }>>(
    (d) =>
      `The first layer (${d.layer}) gets almost no gradient: its gradient norm ${fmt(d.firstLayerNorm)} is ${fmt(d.firstLastRatio)} times the last layer's ` +
      `(expected a ratio above ${fmt(d.ratioLimit)} or a norm above ${fmt(d.normLimit)}). ${STAY_RANDOM}`,
    (d) => `The first layer, ${d.layer}, gets a gradient norm ${fmt(d.firstLastRatio)}x the last layer's (limit ${fmt(d.ratioLimit)}).`,
  ),
  'tiny-mean-gradient': says<Extract<Vanishing, { firstLayerMeanAbs: number }>>(
    (d) =>
      `The first layer (${d.layer}) gets almost no gradient: its mean |gradient| is ${fmt(d.firstLayerMeanAbs)} (expected above ${fmt(d.meanAbsLimit)}). ${STAY_RANDOM}`,
    (d) => `The first layer, ${d.layer}, gets a mean |gradient| of ${fmt(d.firstLayerMeanAbs)} (expected above ${fmt(d.meanAbsLimit)}).`,
  ),
});

export const check: Check = {
  meta: {
    ...smokeMeta('vanishing-gradients', 'Gradients vanish in early layers', 'bad gradients', 'warning'),
    section: 'gradients',
    chart: 'gradient-norms',
    messages,
    mainRunOnly: true,
  },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke) return [];
    const first = probesInOrder(smoke)[0];
    if (!first) return [];
    const ratio = median(firstLastGradientRatios(smoke));
    const firstNorm = median(first.gradNorm);
    const meanAbs = median(first.gradMeanAbs);
    const byRatio = Number.isFinite(ratio) && ratio < MIN_FIRST_LAST_RATIO && Number.isFinite(firstNorm) && firstNorm < MIN_FIRST_NORM;
    const byMeanAbs = Number.isFinite(meanAbs) && meanAbs < MIN_MEAN_ABS;
    if (!byRatio && !byMeanAbs) return [];
    return [
      {
        message: byRatio
          ? message(messages, 'first-last-ratio', {
              layer: first.name,
              firstLayerNorm: firstNorm,
              firstLastRatio: ratio,
              ratioLimit: MIN_FIRST_LAST_RATIO,
              normLimit: MIN_FIRST_NORM,
            })
          : message(messages, 'tiny-mean-gradient', { layer: first.name, firstLayerMeanAbs: meanAbs, meanAbsLimit: MIN_MEAN_ABS }),
        fix: 'Use relu-family activations with he_normal initialization, fewer layers, or batch normalization between layers; check for dead ReLUs and saturated sigmoid/tanh units.',
        key: probeKey(evidence, first.index),
        evidence: {
          layer: first.name,
          firstLastRatio: Number.isFinite(ratio) ? ratio : undefined,
          firstLayerNorm: Number.isFinite(firstNorm) ? firstNorm : undefined,
          firstLayerMeanAbs: Number.isFinite(meanAbs) ? meanAbs : undefined,
        },
      },
    ];
  },
};
