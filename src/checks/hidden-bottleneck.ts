import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { layerKey, layerWidth, staticMeta, WEIGHTED_LAYER_TYPES } from './shared.ts';
import { replaceValue } from './locate.ts';

/** Hidden widths at or below this squeeze any task with more than a couple of inputs or outputs. */
export const TINY_WIDTH = 2;
const SUGGESTED_MIN_WIDTH = 16;

type Bottleneck = {
  layer: string;
  width: number;
  argument: string;
  outputUnits: number;
  inputWidth: number;
  narrowerThanOutput: boolean;
  expectedWidth: number;
};

export const messages = defineMessages({
  'narrow-hidden-layer': says<Bottleneck>(
    (d) =>
      `Hidden layer ${d.layer} has ${d.width} ${d.argument}, ${d.narrowerThanOutput ? `fewer than the ${d.outputUnits} output units` : `on a task with ${d.inputWidth} inputs and ${d.outputUnits} outputs`}. ` +
      `Everything the output needs must pass through ${d.width} number${d.width === 1 ? '' : 's'}, so the model cannot separate more than a few patterns ` +
      `(and one dead ReLU unit there cuts the network off completely). Expected a hidden width of at least ${d.expectedWidth}.`,
    (d) =>
      `Hidden layer ${d.layer} has ${d.width} ${d.width === 1 ? d.argument.replace(/s$/, '') : d.argument}, ${d.narrowerThanOutput ? `fewer than the ${d.outputUnits} output units` : `expected at least ${d.expectedWidth}`}.`,
  ),
});

export const check: Check = {
  meta: { ...staticMeta('hidden-bottleneck', 'A hidden layer is narrower than the task needs', 'hidden units', 'warning'), section: 'other', messages },
  run(evidence: Evidence): FindingDraft[] {
    const { layers, finalLayerIndex, outputUnits } = evidence.model;
    const inputWidth = layers[0]?.inputShape[layers[0].inputShape.length - 1] ?? 0;
    const trivial = inputWidth <= TINY_WIDTH && outputUnits <= 1;
    const findings: FindingDraft[] = [];
    for (const summary of layers.slice(0, Math.max(0, finalLayerIndex))) {
      const layer = summary.layer;
      if (!WEIGHTED_LAYER_TYPES.has(layer.type) && !['lstm', 'gru', 'simple_rnn'].includes(layer.type)) continue;
      const width = layerWidth(layer);
      if (width === undefined) continue;
      const narrowerThanOutput = width < outputUnits;
      const tiny = width <= TINY_WIDTH && !trivial;
      if (!narrowerThanOutput && !tiny) continue;
      const argument = layer.units !== undefined ? 'units' : 'filters';
      const suggested = Math.max(SUGGESTED_MIN_WIDTH, 2 * outputUnits);
      findings.push({
        message: message(messages, 'narrow-hidden-layer', {
          layer: layer.name,
          width,
          argument,
          outputUnits,
          inputWidth,
          narrowerThanOutput,
          expectedWidth: Math.max(outputUnits, TINY_WIDTH + 1),
        }),
        fix: `Widen ${layer.name} (e.g. \`${argument}: ${suggested}\`), or remove it.`,
        key: layerKey(layer, argument),
        evidence: { layer: layer.name, index: summary.index, width, outputUnits, inputWidth },
        suggestion: layer.keyPath ? replaceValue(evidence.source, `${layer.keyPath}.${argument}`, String(suggested)) : undefined,
      });
    }
    return findings;
  },
};
