import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { layerKey, RELU_FAMILY, staticMeta, WEIGHTED_LAYER_TYPES } from './shared.ts';
import { replaceValue } from './locate.ts';
import { isPytorch, torchInitNote } from './vocabulary.ts';
import { matchedInitializers } from './config-fixes.ts';

const CONSTANT_INITIALIZERS = new Set(['zeros', 'ones', 'constant']);

export const messages = defineMessages({
  'constant-kernel': says<{ layer: string; initializer: string; value?: number }>(
    (d) =>
      `Layer ${d.layer} starts with a ${d.initializer}${d.value !== undefined ? ` (${d.value})` : ''} kernel. Every unit of the layer then computes the same value ` +
      'and receives the same gradient, so the units stay identical for the whole training: the layer behaves like a single unit' +
      (d.initializer === 'zeros' ? ', and with zeros the layers after it get no gradient at all.' : '.'),
    (d) => `Layer ${d.layer} starts with a ${d.initializer}${d.value !== undefined ? ` (${d.value})` : ''} kernel, so all its units stay identical.`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('constant-initialization', 'Constant weight initialization', 'initialization', 'error'),
    section: 'other',
    fix: matchedInitializers,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const { layers, finalLayerIndex } = evidence.model;
    const findings: FindingDraft[] = [];
    // The output layer may start constant (its inputs already differ); only a layer that feeds another keeps its units identical forever.
    for (const summary of layers.slice(0, Math.max(0, finalLayerIndex))) {
      const layer = summary.layer;
      const init = layer.kernel_initializer;
      if (!WEIGHTED_LAYER_TYPES.has(layer.type) && !['lstm', 'gru', 'simple_rnn'].includes(layer.type)) continue;
      if (!init || !CONSTANT_INITIALIZERS.has(init.name)) continue;
      const better = RELU_FAMILY.has(summary.activation) ? 'he_normal' : 'glorot_uniform';
      findings.push({
        message: message(messages, 'constant-kernel', { layer: layer.name, initializer: init.name, value: init.value }),
        fix: isPytorch(evidence.config)
          ? `Use a random initializer: \`kernel_initializer: ${better}\`${torchInitNote(evidence.config, better)}, or remove the line: PyTorch's default is kaiming_uniform with a = sqrt(5).`
          : `Use a random initializer: \`kernel_initializer: ${better}\` (or remove the line; Keras defaults to glorot_uniform).`,
        key: layerKey(layer, 'kernel_initializer'),
        evidence: { layer: layer.name, index: summary.index, initializer: init.name, value: init.value },
        suggestion: layer.keyPath ? replaceValue(evidence.source, `${layer.keyPath}.kernel_initializer`, better) : undefined,
      });
    }
    return findings;
  },
};
