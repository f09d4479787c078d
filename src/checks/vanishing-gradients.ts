import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, median, probeKey, smokeMeta } from './shared.ts';
import { firstLastGradientRatios, probesInOrder } from './smoke-stats.ts';

/** AUTOTRAINER: first/last ratio below this with a tiny first-layer norm. */
export const MIN_FIRST_LAST_RATIO = 1e-3;
export const MIN_FIRST_NORM = 1e-4;
/** DeepDiagnosis / SageMaker Debugger: mean |gradient| below this is no gradient at all. */
export const MIN_MEAN_ABS = 1e-7;

export const check: Check = {
  meta: smokeMeta('vanishing-gradients', 'Gradients vanish in early layers', 'bad gradients', 'warning'),
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
    return [{
      message:
        `The first layer (${first.name}) gets almost no gradient: ` +
        (byRatio ? `its gradient norm ${fmt(firstNorm)} is ${fmt(ratio)} times the last layer's (expected a ratio above ${fmt(MIN_FIRST_LAST_RATIO)} or a norm above ${fmt(MIN_FIRST_NORM)})` : `its mean |gradient| is ${fmt(meanAbs)} (expected above ${fmt(MIN_MEAN_ABS)})`) +
        '. The early layers stay at their random initial weights, so the network learns only with its last layers, or not at all.',
      fix: 'Use relu-family activations with he_normal initialization, fewer layers, or batch normalization between layers; check for dead ReLUs and saturated sigmoid/tanh units.',
      key: probeKey(evidence, first.index),
      evidence: { layer: first.name, firstLastRatio: Number.isFinite(ratio) ? ratio : undefined, firstLayerNorm: Number.isFinite(firstNorm) ? firstNorm : undefined, firstLayerMeanAbs: Number.isFinite(meanAbs) ? meanAbs : undefined },
    }];
  },
};
