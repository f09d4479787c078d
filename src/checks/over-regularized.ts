import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { docsPath, fmt, layerKey } from './shared.ts';
import { replaceValue } from './locate.ts';

export const MAX_PENALTY = 0.1;
export const MAX_DROPOUT = 0.5;
const SUGGESTED_PENALTY = '0.0001';
const SUGGESTED_DROPOUT = '0.2';

/** What the smoke run's small-batch control says, when there was one. */
type SmallBatch = { overfitFitted?: boolean; overfitSamples?: number; overfitStartLoss?: number; overfitFinalLoss?: number };

function smokeNote(d: SmallBatch): string {
  if (d.overfitFitted === undefined) return '';
  const losses = `(loss ${fmt(d.overfitStartLoss ?? Number.NaN)} -> ${fmt(d.overfitFinalLoss ?? Number.NaN)})`;
  return d.overfitFitted
    ? ` The smoke run could still fit ${d.overfitSamples} samples ${losses}.`
    : ` The smoke run confirms it: the model could not fit ${d.overfitSamples} samples ${losses}.`;
}

export const messages = defineMessages({
  'penalty-too-strong': says<SmallBatch & { layer: string; kind: string; penalty: number; on: 'kernel' | 'bias'; limit: number }>(
    (d) =>
      `Layer ${d.layer} has an ${d.kind} penalty of ${fmt(d.penalty)} on its ${d.on} (expected below ${fmt(d.limit)}; typical values are 1e-5 to 1e-3). ` +
      `A penalty this strong dominates the loss and pulls the weights to zero faster than the data can move them, so the model underfits.${smokeNote(d)}`,
    (d) => `Layer ${d.layer} has an ${d.kind} penalty of ${fmt(d.penalty)} on its ${d.on} (expected below ${fmt(d.limit)}).`,
  ),
  'dropout-too-high': says<SmallBatch & { layer: string; rate: number; limit: number }>(
    (d) =>
      `Dropout layer ${d.layer} drops ${fmt(d.rate * 100)}% of its inputs at every step (expected at most ${fmt(d.limit * 100)}%). ` +
      `The layers after it see mostly zeros and a different random sub-network each step, so training is slow and noisy and the model underfits.${smokeNote(d)}`,
    (d) => `Dropout layer ${d.layer} drops ${fmt(d.rate * 100)}% of its inputs at every step (limit ${fmt(d.limit * 100)}%).`,
  ),
  'weight-decay-too-strong': says<SmallBatch & { weightDecay: number; limit: number }>(
    (d) =>
      `weight_decay is ${fmt(d.weightDecay)} (expected below ${fmt(d.limit)}; typical values are 1e-5 to 1e-2). Every step shrinks the weights by that fraction times the learning rate, which overwhelms what the data teaches.${smokeNote(d)}`,
    (d) => `weight_decay is ${fmt(d.weightDecay)} (expected below ${fmt(d.limit)}).`,
  ),
});

export const check: Check = {
  meta: {
    id: 'over-regularized',
    title: 'Regularization too strong to fit',
    pitfall: 'regularization',
    kind: 'static+smoke',
    defaultSeverity: 'warning',
    docs: docsPath('over-regularized'),
    needs: [],
    section: 'loss',
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const overfit = evidence.smoke?.controls.overfit;
    const smallBatch: SmallBatch = overfit
      ? { overfitFitted: overfit.fitted, overfitSamples: overfit.samples, overfitStartLoss: overfit.startLoss, overfitFinalLoss: overfit.finalLoss }
      : {};
    const smokeEvidence = overfit ? { overfitFitted: overfit.fitted, overfitFinalLoss: overfit.finalLoss } : {};
    const findings: FindingDraft[] = [];
    for (const { layer, index } of evidence.model.layers) {
      for (const [argument, spec] of [
        ['kernel_regularizer', layer.kernel_regularizer],
        ['bias_regularizer', layer.bias_regularizer],
      ] as const) {
        if (!spec) continue;
        const [kind, factor] = spec.l2 >= spec.l1 ? (['l2', spec.l2] as const) : (['l1', spec.l1] as const);
        if (!(factor >= MAX_PENALTY)) continue;
        findings.push({
          message: message(messages, 'penalty-too-strong', {
            layer: layer.name,
            kind,
            penalty: factor,
            on: argument === 'kernel_regularizer' ? 'kernel' : 'bias',
            limit: MAX_PENALTY,
            ...smallBatch,
          }),
          fix: `Lower the penalty to about ${SUGGESTED_PENALTY} (\`${kind}: ${SUGGESTED_PENALTY}\`).`,
          key: layerKey(layer, `${argument}.${kind}`),
          evidence: { layer: layer.name, index, penalty: factor, kind, limit: MAX_PENALTY, ...smokeEvidence },
          suggestion: layer.keyPath ? replaceValue(evidence.source, `${layer.keyPath}.${argument}.${kind}`, SUGGESTED_PENALTY) : undefined,
        });
      }
      if (layer.type === 'dropout' && layer.rate !== undefined && layer.rate > MAX_DROPOUT) {
        findings.push({
          message: message(messages, 'dropout-too-high', { layer: layer.name, rate: layer.rate, limit: MAX_DROPOUT, ...smallBatch }),
          fix: `Use a rate between 0.1 and 0.5, e.g. \`rate: ${SUGGESTED_DROPOUT}\`.`,
          key: layerKey(layer, 'rate'),
          evidence: { layer: layer.name, index, rate: layer.rate, limit: MAX_DROPOUT, ...smokeEvidence },
          suggestion: layer.keyPath ? replaceValue(evidence.source, `${layer.keyPath}.rate`, SUGGESTED_DROPOUT) : undefined,
        });
      }
    }
    const weightDecay = evidence.config.training.weight_decay;
    if (weightDecay >= MAX_PENALTY) {
      findings.push({
        message: message(messages, 'weight-decay-too-strong', { weightDecay, limit: MAX_PENALTY, ...smallBatch }),
        fix: 'Lower `weight_decay` to about 0.0001.',
        key: 'training.weight_decay',
        evidence: { weightDecay, limit: MAX_PENALTY, ...smokeEvidence },
        suggestion: replaceValue(evidence.source, 'training.weight_decay', SUGGESTED_PENALTY),
      });
    }
    return findings;
  },
};
