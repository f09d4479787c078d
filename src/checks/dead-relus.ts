import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, probeKey, smokeMeta } from './shared.ts';

export const MAX_DEAD_FRACTION = 0.5;

type Dead = { layer: string; activation: string; deadFraction: number; limit: number };

export const messages = defineMessages({
  'layer-dead': says<Dead>(
    (d) =>
      `${fmt(d.deadFraction * 100)}% of the units in layer ${d.layer} (${d.activation}) were never active on the probe batch (expected at most ${fmt(d.limit * 100)}%). ` +
      'A ReLU unit that outputs 0 for every input gets no gradient and never recovers, so the layer has lost most of its width.',
    (d) => `${fmt(d.deadFraction * 100)}% of the units in layer ${d.layer} (${d.activation}) never activate (limit ${fmt(d.limit * 100)}%).`,
  ),
});

export const check: Check = {
  meta: {
    ...smokeMeta('dead-relus', 'ReLU units that never activate', 'bad gradients', 'warning'),
    section: 'units',
    chart: 'unit-fractions',
    messages,
    mainRunOnly: true,
  },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke) return [];
    return smoke.layers
      .filter((p) => p.deadFraction !== undefined && Number.isFinite(p.deadFraction) && p.deadFraction > MAX_DEAD_FRACTION)
      .map((p) => ({
        message: message(messages, 'layer-dead', { layer: p.name, activation: p.activation, deadFraction: p.deadFraction!, limit: MAX_DEAD_FRACTION }),
        fix: 'Lower the learning rate, remove large negative bias initializers, use he_normal initialization, or switch to leaky_relu / elu.',
        key: probeKey(evidence, p.index),
        evidence: { layer: p.name, deadFraction: p.deadFraction, limit: MAX_DEAD_FRACTION },
      }));
  },
};
