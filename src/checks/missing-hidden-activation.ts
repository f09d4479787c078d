import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft, FixVariant } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { layerKey, PASS_THROUGH_TYPES, staticMeta, WEIGHTED_LAYER_TYPES } from './shared.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';
import { copyConfig } from '../config/copy.ts';

/** ReLU on every linear hidden layer at once: the check reports each one, and one run proves them all. */
function reluOnLinearHiddenLayers(evidence: Evidence): FixVariant | undefined {
  const hidden = evidence.model.layers.filter(
    (s) => s.index < evidence.model.finalLayerIndex && WEIGHTED_LAYER_TYPES.has(s.layer.type) && s.activation === 'linear',
  );
  if (hidden.length === 0) return undefined;
  const config = copyConfig(evidence.config);
  const names = new Set(hidden.map((s) => s.layer.name));
  const changed = config.model.layers.filter((layer) => names.has(layer.name));
  for (const layer of changed) layer.activation = 'relu';
  return {
    change:
      changed.length === 1 ? `${changed[0].keyPath ?? changed[0].name}.activation: relu` : `activation: relu on the ${changed.length} linear hidden layers`,
    config,
  };
}

export const messages = defineMessages({
  'linear-feeds-linear': says<{ layer: string; type: string; next: string }>(
    (d) =>
      `Layer ${d.layer} (${d.type}) has a linear activation and feeds ${d.next} directly. Two linear maps in a row are one linear map, ` +
      'so this layer adds parameters but no expressive power: the network can only fit what a single linear layer can.',
    (d) => `Layer ${d.layer} (${d.type}) has a linear activation and feeds ${d.next} directly, so the two collapse into one linear map.`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('missing-hidden-activation', 'Linear layers stacked without an activation', 'final activation', 'warning'),
    section: 'other',
    fix: reluOnLinearHiddenLayers,
    messages,
  },
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
        message: message(messages, 'linear-feeds-linear', { layer: layer.name, type: layer.type, next: next.layer.name }),
        fix: `Give ${layer.name} a nonlinearity, e.g. \`activation: relu\`.`,
        key: layerKey(layer, 'activation'),
        evidence: { layer: layer.name, index: current.index, next: next.layer.name, activation: current.activation },
        suggestion: layer.keyPath
          ? (setFlowMapValue(evidence.source, layer.keyPath, 'activation', 'relu') ?? replaceValue(evidence.source, `${layer.keyPath}.activation`, 'relu'))
          : undefined,
      });
    }
    return findings;
  },
};
