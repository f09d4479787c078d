import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { docsPath, fmt, layerKey } from './shared.ts';
import { replaceValue } from './locate.ts';

export const MAX_PENALTY = 0.1;
export const MAX_DROPOUT = 0.5;
const SUGGESTED_PENALTY = '0.0001';
const SUGGESTED_DROPOUT = '0.2';

export const check: Check = {
  meta: { id: 'over-regularized', title: 'Regularization too strong to fit', pitfall: 'regularization', kind: 'static+smoke', defaultSeverity: 'warning', docs: docsPath('over-regularized'), needs: [] },
  run(evidence: Evidence): FindingDraft[] {
    const overfit = evidence.smoke?.controls.overfit;
    const smokeNote = overfit
      ? overfit.fitted
        ? ` The smoke run could still fit ${overfit.samples} samples (loss ${fmt(overfit.startLoss)} -> ${fmt(overfit.finalLoss)}).`
        : ` The smoke run confirms it: the model could not fit ${overfit.samples} samples (loss ${fmt(overfit.startLoss)} -> ${fmt(overfit.finalLoss)}).`
      : '';
    const smokeEvidence = overfit ? { overfitFitted: overfit.fitted, overfitFinalLoss: overfit.finalLoss } : {};
    const findings: FindingDraft[] = [];
    for (const { layer, index } of evidence.model.layers) {
      for (const [argument, spec] of [['kernel_regularizer', layer.kernel_regularizer], ['bias_regularizer', layer.bias_regularizer]] as const) {
        if (!spec) continue;
        const [kind, factor] = spec.l2 >= spec.l1 ? ['l2', spec.l2] as const : ['l1', spec.l1] as const;
        if (!(factor >= MAX_PENALTY)) continue;
        findings.push({
          message:
            `Layer ${layer.name} has an ${kind} penalty of ${fmt(factor)} on its ${argument === 'kernel_regularizer' ? 'kernel' : 'bias'} (expected below ${MAX_PENALTY}; typical values are 1e-5 to 1e-3). ` +
            `A penalty this strong dominates the loss and pulls the weights to zero faster than the data can move them, so the model underfits.${smokeNote}`,
          fix: `Lower the penalty to about ${SUGGESTED_PENALTY} (\`${kind}: ${SUGGESTED_PENALTY}\`).`,
          key: layerKey(layer, `${argument}.${kind}`),
          evidence: { layer: layer.name, index, penalty: factor, kind, limit: MAX_PENALTY, ...smokeEvidence },
          suggestion: layer.keyPath ? replaceValue(evidence.source, `${layer.keyPath}.${argument}.${kind}`, SUGGESTED_PENALTY) : undefined,
        });
      }
      if (layer.type === 'dropout' && layer.rate !== undefined && layer.rate > MAX_DROPOUT) {
        findings.push({
          message:
            `Dropout layer ${layer.name} drops ${fmt(layer.rate * 100)}% of its inputs at every step (expected at most ${MAX_DROPOUT * 100}%). ` +
            `The layers after it see mostly zeros and a different random sub-network each step, so training is slow and noisy and the model underfits.${smokeNote}`,
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
        message: `weight_decay is ${fmt(weightDecay)} (expected below ${MAX_PENALTY}; typical values are 1e-5 to 1e-2). Every step shrinks the weights by that fraction times the learning rate, which overwhelms what the data teaches.${smokeNote}`,
        fix: 'Lower `weight_decay` to about 0.0001.',
        key: 'training.weight_decay',
        evidence: { weightDecay, limit: MAX_PENALTY, ...smokeEvidence },
        suggestion: replaceValue(evidence.source, 'training.weight_decay', SUGGESTED_PENALTY),
      });
    }
    return findings;
  },
};
