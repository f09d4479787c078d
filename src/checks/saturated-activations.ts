import type { Evidence } from '../evidence/types.ts';
import type { LayerProbe } from '../engine/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, probeKey, smokeMeta } from './shared.ts';

export const MAX_SATURATED_FRACTION = 0.5;

/**
 * A sigmoid output under binary crossentropy passes the gradient p - y to its pre-activation: the loss
 * cancels the flat slope, so a saturated output unit is a confident prediction, not a stuck one
 * (measured: binary-imbalanced's output sits beyond -5 on its rare-positive data and trains fine).
 */
function slopeCancelledByLoss(evidence: Evidence, probe: LayerProbe): boolean {
  const { loss, from_logits: fromLogits } = evidence.config.training;
  return probe.index === evidence.model.finalLayerIndex && probe.activation === 'sigmoid' && loss === 'binary_crossentropy' && !fromLogits;
}

type Saturated = { layer: string; activation: string; saturatedFraction: number; limit: number };

export const messages = defineMessages({
  'layer-saturated': says<Saturated>(
    (d) =>
      `${fmt(d.saturatedFraction * 100)}% of the units in layer ${d.layer} (${d.activation}) sit in saturation, pre-activation beyond +-5 on most of the batch (expected at most ${fmt(d.limit * 100)}%). ` +
      'There the activation is flat, its slope near 0, so almost no gradient flows through these units.',
    (d) => `${fmt(d.saturatedFraction * 100)}% of the units in layer ${d.layer} (${d.activation}) are saturated (limit ${fmt(d.limit * 100)}%).`,
  ),
});

export const check: Check = {
  meta: {
    ...smokeMeta('saturated-activations', 'Sigmoid/tanh units saturated', 'bad gradients', 'warning'),
    section: 'units',
    chart: 'unit-fractions',
    messages,
    mainRunOnly: true,
  },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke) return [];
    return smoke.layers
      .filter(
        (p) =>
          p.saturatedFraction !== undefined &&
          Number.isFinite(p.saturatedFraction) &&
          p.saturatedFraction > MAX_SATURATED_FRACTION &&
          !slopeCancelledByLoss(evidence, p),
      )
      .map((p) => ({
        message: message(messages, 'layer-saturated', {
          layer: p.name,
          activation: p.activation,
          saturatedFraction: p.saturatedFraction!,
          limit: MAX_SATURATED_FRACTION,
        }),
        fix: 'Scale the inputs, use glorot_uniform initialization for sigmoid/tanh layers, lower the learning rate, or switch hidden layers to relu.',
        key: probeKey(evidence, p.index),
        evidence: { layer: p.name, saturatedFraction: p.saturatedFraction, limit: MAX_SATURATED_FRACTION },
      }));
  },
};
