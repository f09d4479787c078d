import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { layerKey, smokeMeta } from './shared.ts';
import { learningRateKey } from './vocabulary.ts';

type NonFinite = { where: string; layer?: string; step: number; plannedSteps: number; lastFiniteLoss?: number };

export const messages = defineMessages({
  'became-non-finite': says<NonFinite>(
    (d) =>
      `The smoke run produced a non-finite ${d.where}${d.layer ? ` in layer ${d.layer}` : ''} at step ${d.step} of ${d.plannedSteps}` +
      `${d.lastFiniteLoss !== undefined ? ` (the last finite loss was ${d.lastFiniteLoss})` : ''}. From that step on every weight update is NaN, so real training would silently produce a useless model.`,
    (d) => `The ${d.where} became NaN or Inf${d.layer ? ` in layer ${d.layer}` : ''} at step ${d.step} of ${d.plannedSteps}.`,
  ),
});

export const check: Check = {
  meta: {
    ...smokeMeta('non-finite-loss', 'Loss, gradient or weight became NaN or Inf', 'bad gradients', 'error'),
    section: 'loss',
    messages,
    mainRunOnly: true,
  },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke) return [];
    const lossStep = smoke.loss.findIndex((v) => !Number.isFinite(v));
    const first = smoke.firstNonFinite ?? (lossStep >= 0 ? { step: lossStep, where: 'loss' as const } : undefined);
    if (!first) return [];
    const layer = first.layer ? evidence.model.layers.find((l) => l.layer.name === first.layer)?.layer : undefined;
    const lastFinite = [...smoke.loss.slice(0, first.step)].reverse().find(Number.isFinite);
    return [
      {
        message: message(messages, 'became-non-finite', {
          where: first.where,
          layer: first.layer,
          step: first.step,
          plannedSteps: smoke.plannedSteps,
          lastFiniteLoss: lastFinite,
        }),
        fix: 'Look for the cause in the other findings: a learning rate too high, unscaled inputs or targets, missing values, or a large initialization. Lower the learning rate first if nothing else is flagged.',
        key: layer ? layerKey(layer) : learningRateKey(evidence.source),
        evidence: { step: first.step, where: first.where, layer: first.layer, lastFiniteLoss: lastFinite },
      },
    ];
  },
};
