import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { layerKey, PASS_THROUGH_TYPES, staticMeta, WEIGHTED_LAYER_TYPES } from './shared.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';

export const check: Check = {
  meta: staticMeta('missing-hidden-activation', 'Linear layers stacked without an activation', 'final activation', 'warning'),
  run(evidence: Evidence): FindingDraft[] {
    const layers = evidence.model.layers;
    const findings: FindingDraft[] = [];
    for (let i = 0; i < layers.length; i++) {
      const current = layers[i];
      if (!WEIGHTED_LAYER_TYPES.has(current.layer.type) || current.activation !== 'linear') continue;
      // Skip layers that only move values around; the collapse happens when the next weighted layer follows.
      let j = i + 1;
      while (j < layers.length && PASS_THROUGH_TYPES.has(layers[j].layer.type)) j++;
      const next = layers[j];
      if (!next || !WEIGHTED_LAYER_TYPES.has(next.layer.type)) continue;
      const layer = current.layer;
      findings.push({
        message:
          `Layer ${layer.name} (${layer.type}) has a linear activation and feeds ${next.layer.name} directly. Two linear maps in a row are one linear map, ` +
          'so this layer adds parameters but no expressive power: the network can only fit what a single linear layer can.',
        fix: `Give ${layer.name} a nonlinearity, e.g. \`activation: relu\`.`,
        key: layerKey(layer, 'activation'),
        evidence: { layer: layer.name, index: current.index, next: next.layer.name, activation: current.activation },
        suggestion: layer.keyPath
          ? setFlowMapValue(evidence.source, layer.keyPath, 'activation', 'relu') ?? replaceValue(evidence.source, `${layer.keyPath}.activation`, 'relu')
          : undefined,
      });
    }
    return findings;
  },
};
