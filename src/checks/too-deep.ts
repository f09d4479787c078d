import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, median, RELU_FAMILY, SATURATING, WEIGHTED_LAYER_TYPES, docsPath } from './shared.ts';
import { firstLastGradientRatios } from './smoke-stats.ts';

export const MAX_SATURATING_LAYERS = 8;
export const MAX_PLAIN_LAYERS = 20;
const VANISHED_RATIO = 1e-3;

export const check: Check = {
  meta: { id: 'too-deep', title: 'Plain stack too deep for its activation', pitfall: 'network depth', kind: 'static+smoke', defaultSeverity: 'warning', docs: docsPath('too-deep'), needs: [] },
  run(evidence: Evidence): FindingDraft[] {
    const model = evidence.model;
    // Normalization layers keep each layer's input scaled, which is what lets deep stacks train.
    if (model.hasNormalization) return [];
    const weighted = model.layers.filter((l) => WEIGHTED_LAYER_TYPES.has(l.layer.type));
    const saturating = weighted.filter((l) => SATURATING.has(l.activation)).length;
    const reluLike = weighted.filter((l) => RELU_FAMILY.has(l.activation)).length;
    const depth = weighted.length;
    const tooManySaturating = saturating > MAX_SATURATING_LAYERS;
    if (!tooManySaturating && depth <= MAX_PLAIN_LAYERS) return [];
    const smoke = evidence.smoke;
    const ratio = smoke ? median(firstLastGradientRatios(smoke)) : Number.NaN;
    const overfit = smoke?.controls.overfit;
    const confirmed = (Number.isFinite(ratio) && ratio < VANISHED_RATIO) || overfit?.fitted === false;
    const confirmation = !smoke
      ? ''
      : confirmed
        ? ` The smoke run confirms it: ${Number.isFinite(ratio) ? `the first layer's gradient is ${fmt(ratio)} times the last layer's` : ''}${overfit?.fitted === false ? `${Number.isFinite(ratio) ? ', and ' : ''}the model could not fit ${overfit.samples} samples` : ''}.`
        : ' The smoke run did not show vanishing gradients yet, but longer training usually does.';
    return [{
      message:
        (tooManySaturating
          ? `The model stacks ${saturating} ${saturating === 1 ? 'layer' : 'layers'} with sigmoid/tanh activations (expected at most ${MAX_SATURATING_LAYERS}) without residual connections or normalization. `
          : `The model stacks ${depth} weighted layers (${reluLike} ReLU-like) with no residual connections or normalization (expected at most ${MAX_PLAIN_LAYERS}). `) +
        'Each layer multiplies the backward signal by its activation slope (at most 0.25 for sigmoid), so the early layers receive almost no gradient and stop learning.' +
        confirmation,
      fix: 'Use fewer layers, switch hidden activations to relu with he_normal initialization, or add `batch_normalization` layers between the dense layers.',
      key: 'model.layers',
      evidence: { weightedLayers: depth, saturatingLayers: saturating, reluLayers: reluLike, limits: { saturating: MAX_SATURATING_LAYERS, plain: MAX_PLAIN_LAYERS }, firstLastGradientRatio: Number.isFinite(ratio) ? ratio : undefined, smokeConfirmed: smoke ? confirmed : undefined },
    }];
  },
};
