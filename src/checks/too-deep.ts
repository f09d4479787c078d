import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, median, RELU_FAMILY, SATURATING, WEIGHTED_LAYER_TYPES, docsPath } from './shared.ts';
import { firstLastGradientRatios } from './smoke-stats.ts';
// Vanishing gradients confirm a deep stack by the same ratio vanishing-gradients judges by.
import { MIN_FIRST_LAST_RATIO } from './vanishing-gradients.ts';

export const MAX_SATURATING_LAYERS = 8;
export const MAX_PLAIN_LAYERS = 20;

type Deep = {
  weightedLayers: number;
  saturatingLayers: number;
  reluLayers: number;
  limit: number;
  /** absent without a smoke run */
  smokeConfirmed?: boolean;
  firstLastGradientRatio?: number;
  unfittedSamples?: number;
};

const SLOPE =
  'Each layer multiplies the backward signal by its activation slope (at most 0.25 for sigmoid), so the early layers receive almost no gradient and stop learning.';

function confirmation(d: Deep): string {
  if (d.smokeConfirmed === undefined) return '';
  if (!d.smokeConfirmed) return ' The smoke run did not show vanishing gradients yet, but longer training usually does.';
  const ratio = d.firstLastGradientRatio !== undefined ? `the first layer's gradient is ${fmt(d.firstLastGradientRatio)} times the last layer's` : '';
  const unfitted = d.unfittedSamples !== undefined ? `${ratio ? ', and ' : ''}the model could not fit ${d.unfittedSamples} samples` : '';
  return ` The smoke run confirms it: ${ratio}${unfitted}.`;
}

export const messages = defineMessages({
  'too-many-saturating': says<Deep>(
    (d) =>
      `The model stacks ${d.saturatingLayers} ${d.saturatingLayers === 1 ? 'layer' : 'layers'} with sigmoid/tanh activations (expected at most ${d.limit}) without residual connections or normalization. ${SLOPE}${confirmation(d)}`,
    (d) => `The model stacks ${d.saturatingLayers} sigmoid/tanh layers with no residual connections or normalization (limit ${d.limit}).`,
  ),
  'too-many-layers': says<Deep>(
    (d) =>
      `The model stacks ${d.weightedLayers} weighted layers (${d.reluLayers} ReLU-like) with no residual connections or normalization (expected at most ${d.limit}). ${SLOPE}${confirmation(d)}`,
    (d) => `The model stacks ${d.weightedLayers} weighted layers with no residual connections or normalization (limit ${d.limit}).`,
  ),
});

export const check: Check = {
  meta: {
    id: 'too-deep',
    title: 'Plain stack too deep for its activation',
    pitfall: 'network depth',
    kind: 'static+smoke',
    defaultSeverity: 'warning',
    docs: docsPath('too-deep'),
    needs: [],
    section: 'gradients',
    messages,
  },
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
    const confirmed = (Number.isFinite(ratio) && ratio < MIN_FIRST_LAST_RATIO) || overfit?.fitted === false;
    const data: Deep = {
      weightedLayers: depth,
      saturatingLayers: saturating,
      reluLayers: reluLike,
      limit: tooManySaturating ? MAX_SATURATING_LAYERS : MAX_PLAIN_LAYERS,
      ...(smoke ? { smokeConfirmed: confirmed } : {}),
      ...(smoke && confirmed && Number.isFinite(ratio) ? { firstLastGradientRatio: ratio } : {}),
      ...(smoke && confirmed && overfit?.fitted === false ? { unfittedSamples: overfit.samples } : {}),
    };
    return [
      {
        message: message(messages, tooManySaturating ? 'too-many-saturating' : 'too-many-layers', data),
        fix: 'Use fewer layers, switch hidden activations to relu with he_normal initialization, or add `batch_normalization` layers between the dense layers.',
        key: 'model.layers',
        evidence: {
          weightedLayers: depth,
          saturatingLayers: saturating,
          reluLayers: reluLike,
          limits: { saturating: MAX_SATURATING_LAYERS, plain: MAX_PLAIN_LAYERS },
          firstLastGradientRatio: Number.isFinite(ratio) ? ratio : undefined,
          smokeConfirmed: smoke ? confirmed : undefined,
        },
      },
    ];
  },
};
