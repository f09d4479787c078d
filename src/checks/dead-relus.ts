import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, probeKey, smokeMeta } from './shared.ts';

export const MAX_DEAD_FRACTION = 0.5;

export const check: Check = {
  meta: smokeMeta('dead-relus', 'ReLU units that never activate', 'bad gradients', 'warning'),
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke) return [];
    return smoke.layers
      .filter((p) => p.deadFraction !== undefined && Number.isFinite(p.deadFraction) && p.deadFraction > MAX_DEAD_FRACTION)
      .map((p) => ({
        message:
          `${fmt(p.deadFraction! * 100)}% of the units in layer ${p.name} (${p.activation}) were never active on the probe batch (expected at most ${MAX_DEAD_FRACTION * 100}%). ` +
          'A ReLU unit that outputs 0 for every input gets no gradient and never recovers, so the layer has lost most of its width.',
        fix: 'Lower the learning rate, remove large negative bias initializers, use he_normal initialization, or switch to leaky_relu / elu.',
        key: probeKey(evidence, p.index),
        evidence: { layer: p.name, deadFraction: p.deadFraction, limit: MAX_DEAD_FRACTION },
      }));
  },
};
