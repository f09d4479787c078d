import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, median, probeKey, smokeMeta } from './shared.ts';
import { firstLastGradientRatios, probesInOrder } from './smoke-stats.ts';

/** First/last layer gradient-norm ratio beyond which early layers are blown up (AUTOTRAINER). */
export const MAX_FIRST_LAST_RATIO = 70;
/** A layer's gradient norm growing this much over the run is growth without bound. */
export const MAX_GROWTH = 1e3;

type Exploding = { firstLastRatio?: number; ratioLimit: number; growthLayer?: string; growth?: number; growthLimit: number };

export const messages = defineMessages({
  'gradients-explode': says<Exploding>(
    (d) =>
      (d.firstLastRatio !== undefined
        ? `The first layer's gradient norm is ${fmt(d.firstLastRatio)} times the last layer's (median over probe steps; expected at most ${fmt(d.ratioLimit)}). `
        : '') +
      (d.growth !== undefined
        ? `Layer ${d.growthLayer}'s gradient norm grew ${fmt(d.growth)}x during the smoke run (expected under ${fmt(d.growthLimit)}x). `
        : '') +
      'Gradients that large make each step jump far past the minimum, so the loss oscillates or overflows to NaN.',
    (d) =>
      d.firstLastRatio !== undefined
        ? `The first layer's gradient norm is ${fmt(d.firstLastRatio)}x the last layer's (limit ${fmt(d.ratioLimit)}).`
        : `Layer ${d.growthLayer}'s gradient norm grew ${fmt(d.growth ?? Number.NaN)}x during the smoke run (limit ${fmt(d.growthLimit)}x).`,
  ),
});

export const check: Check = {
  meta: {
    ...smokeMeta('exploding-gradients', 'Gradients explode', 'bad gradients', 'error'),
    section: 'gradients',
    chart: 'gradient-norms',
    messages,
    mainRunOnly: true,
  },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke) return [];
    const ratio = median(firstLastGradientRatios(smoke));
    let growth = { factor: Number.NaN, index: -1, name: '' };
    for (const probe of probesInOrder(smoke)) {
      const norms = probe.gradNorm.filter((v) => Number.isFinite(v) && v > 0);
      if (norms.length < 2) continue;
      const factor = norms[norms.length - 1] / norms[0];
      if (!(factor <= growth.factor)) growth = { factor, index: probe.index, name: probe.name };
    }
    const ratioHigh = Number.isFinite(ratio) && ratio > MAX_FIRST_LAST_RATIO;
    const growing = Number.isFinite(growth.factor) && growth.factor > MAX_GROWTH;
    if (!ratioHigh && !growing) return [];
    const first = probesInOrder(smoke)[0];
    // Severity by evidence: growing gradients that end in a non-finite value are an error (the seed check
    // confirms it); growth the run survives is a warning.
    const nonFinite = smoke.firstNonFinite !== undefined || !smoke.loss.every(Number.isFinite);
    return [
      {
        severity: nonFinite ? 'error' : 'warning',
        message: message(messages, 'gradients-explode', {
          firstLastRatio: ratioHigh ? ratio : undefined,
          ratioLimit: MAX_FIRST_LAST_RATIO,
          growthLayer: growing ? growth.name : undefined,
          growth: growing ? growth.factor : undefined,
          growthLimit: MAX_GROWTH,
        }),
        fix: 'Lower the learning rate, scale inputs and targets, use an initializer that matches the activation (he_normal for relu), or add gradient clipping / normalization layers.',
        key: ratioHigh && first ? probeKey(evidence, first.index) : growing ? probeKey(evidence, growth.index) : 'model.layers',
        evidence: {
          firstLastRatio: Number.isFinite(ratio) ? ratio : undefined,
          growth: Number.isFinite(growth.factor) ? growth.factor : undefined,
          layer: growing ? growth.name : first?.name,
          limits: { ratio: MAX_FIRST_LAST_RATIO, growth: MAX_GROWTH },
        },
      },
    ];
  },
};
