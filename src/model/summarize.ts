// ModelSpec + input shape -> ModelSummary: per-layer shapes and parameter counts, the activation each
// layer's output really has, and the facts the pitfall checks ask about (output, dropout, penalties).
import type { LayerSpec, LayerType, ModelSpec } from '../config/types.ts';
import { inferLayer, product } from './layer-shapes.ts';
import type { LayerSummary, ModelSummary } from './types.ts';

/** Layers that carry their own activation and weights: the ones a trailing `activation` layer belongs to. */
const COMPUTE_TYPES: ReadonlySet<LayerType> = new Set(['dense', 'conv1d', 'conv2d', 'lstm', 'gru', 'simple_rnn']);
/** Layers that may sit between a compute layer and its activation layer without changing what the activation means. */
const TRANSPARENT_TYPES: ReadonlySet<LayerType> = new Set(['dropout', 'batch_normalization', 'layer_normalization']);

const BYTES_PER_FLOAT = 4;
/** weights + gradients + Adam's two moment estimates */
const COPIES_PER_PARAM = 4;
/** forward activations plus the gradients kept for backprop */
const COPIES_PER_ACTIVATION = 2;

export function summarizeModel(model: ModelSpec, inputShape: number[]): ModelSummary {
  const layers: LayerSummary[] = [];
  const problems: ModelSummary['problems'] = [];
  let current = [...inputShape];
  let broken = false;
  let trainableParams = 0;
  let totalParams = 0;

  const outputs: number[][] = [];
  model.layers.forEach((layer, index) => {
    const own = layer.type === 'activation' || COMPUTE_TYPES.has(layer.type) ? (layer.activation ?? 'linear') : 'linear';
    if (broken) {
      layers.push({ index, layer, inputShape: [], outputShape: [], params: 0, activation: own });
      return;
    }
    // A branching model names each layer's inputs; a plain stack feeds each layer the one before.
    if (layer.inbound) current = layer.inbound.length > 0 ? inboundShape(layer.inbound[0], inputShape, outputs) : current;
    const shape =
      layer.type === 'add' || layer.type === 'concatenate'
        ? mergeShape(
            layer,
            (layer.inbound ?? []).map((i) => inboundShape(i, inputShape, outputs)),
          )
        : inferLayer(layer, current);
    if (!shape.ok) {
      problems.push({ layerIndex: index, message: `layer ${index} (${layer.name}): ${shape.message}` });
      // Later shapes would only repeat this problem, so inference stops here.
      broken = true;
      layers.push({ index, layer, inputShape: current, outputShape: [], params: 0, activation: own });
      return;
    }
    const trainable = layer.extra?.trainable === false ? 0 : shape.trainable;
    totalParams += shape.params;
    trainableParams += trainable;
    layers.push({ index, layer, inputShape: current, outputShape: shape.outputShape, params: shape.params, activation: own });
    current = shape.outputShape;
    outputs[index] = shape.outputShape;
  });

  applyActivationLayers(layers);

  let finalLayerIndex = -1;
  for (let i = layers.length - 1; i >= 0; i--) {
    if (COMPUTE_TYPES.has(layers[i].layer.type)) {
      finalLayerIndex = i;
      break;
    }
  }
  const trailing = layers
    .slice(finalLayerIndex + 1)
    .filter((l) => l.layer.type === 'activation')
    .map((l) => l.layer.activation ?? 'linear');
  const own = finalLayerIndex >= 0 ? [layers[finalLayerIndex].layer.activation ?? 'linear'] : [];
  const finalActivation = compose([...own, ...trailing]);

  const outputShape = broken ? [] : current;
  const dropoutRates = model.layers.filter((l) => l.type === 'dropout').map((l) => l.rate ?? 0);
  return {
    layers,
    totalParams,
    trainableParams,
    outputShape,
    outputUnits: outputShape.length > 0 ? outputShape[outputShape.length - 1] : 0,
    finalActivation,
    finalLayerIndex,
    hasNormalization: model.layers.some((l) => l.type === 'batch_normalization' || l.type === 'layer_normalization'),
    hasDropout: dropoutRates.some((r) => r > 0),
    maxDropout: Math.max(0, ...dropoutRates),
    maxPenalty: Math.max(0, ...model.layers.flatMap(penalties)),
    problems,
  };
}

function inboundShape(index: number, inputShape: number[], outputs: number[][]): number[] {
  return index < 0 ? inputShape : (outputs[index] ?? []);
}

/** `add` takes inputs of one shape; `concatenate` joins them along the last (channels, features) axis. */
function mergeShape(layer: LayerSpec, inputs: number[][]): ReturnType<typeof inferLayer> {
  const fail = (message: string) => ({ ok: false as const, message });
  if (inputs.length < 2) return fail(`${layer.type} needs at least two inputs`);
  const [first] = inputs;
  if (layer.type === 'add') {
    const mismatch = inputs.find((s) => s.join() !== first.join());
    if (mismatch) return fail(`add takes inputs of one shape, got [${first.join(', ')}] and [${mismatch.join(', ')}]`);
    return { ok: true, outputShape: first, params: 0, trainable: 0 };
  }
  const rest = (s: number[]) => s.slice(0, -1).join();
  const mismatch = inputs.find((s) => s.length !== first.length || rest(s) !== rest(first));
  if (mismatch) return fail(`concatenate joins inputs that differ only in the last axis, got [${first.join(', ')}] and [${mismatch.join(', ')}]`);
  const last = inputs.reduce((sum, s) => sum + s[s.length - 1], 0);
  return { ok: true, outputShape: [...first.slice(0, -1), last], params: 0, trainable: 0 };
}

/**
 * An `activation` layer after a compute layer (possibly past dropout/normalization) is that layer's
 * activation: Dense(4) + Activation('softmax') has a softmax output. Stacked non-linear activations
 * compose, so a softmax-activated Dense followed by Activation('softmax') reads 'softmax+softmax'.
 */
function applyActivationLayers(layers: LayerSummary[]): void {
  for (let i = 0; i < layers.length; i++) {
    if (!COMPUTE_TYPES.has(layers[i].layer.type)) continue;
    const chain = [layers[i].layer.activation ?? 'linear'];
    for (let j = i + 1; j < layers.length; j++) {
      const next = layers[j].layer;
      if (next.type === 'activation') chain.push(next.activation ?? 'linear');
      else if (!TRANSPARENT_TYPES.has(next.type)) break;
    }
    layers[i].activation = compose(chain);
  }
}

function compose(activations: string[]): string {
  const effective = activations.filter((a) => a !== 'linear');
  return effective.length === 0 ? 'linear' : effective.join('+');
}

function penalties(layer: LayerSpec): number[] {
  return [layer.kernel_regularizer, layer.bias_regularizer].flatMap((r) => (r ? [r.l1, r.l2] : []));
}

/**
 * Rough memory for one training step: float32 weights with gradients and Adam moments, plus every
 * layer's activations for the batch, kept once for the forward pass and once for the backward pass.
 */
export function estimateTrainingMemoryBytes(summary: ModelSummary, batchSize: number): number {
  const firstInput = summary.layers[0]?.inputShape ?? [];
  const activationValues =
    product(firstInput) * (firstInput.length > 0 ? 1 : 0) + summary.layers.reduce((sum, l) => sum + (l.outputShape.length > 0 ? product(l.outputShape) : 0), 0);
  return summary.totalParams * BYTES_PER_FLOAT * COPIES_PER_PARAM + activationValues * batchSize * BYTES_PER_FLOAT * COPIES_PER_ACTIVATION;
}

/**
 * Rough multiply-adds of one forward pass over a batch: each weighted layer's parameters once per
 * position it slides over (an image's output pixels, a sequence's time steps, 1 for a flat input).
 * Backward and update are about twice that again; only the order of magnitude is used.
 */
export function estimateStepMultiplyAdds(summary: ModelSummary, batchSize: number): number {
  const positions = (shape: number[]) => (shape.length > 1 ? product(shape.slice(0, -1)) : 1);
  const perRow = summary.layers.reduce((sum, l) => sum + l.params * Math.max(positions(l.inputShape), positions(l.outputShape)), 0);
  return perRow * batchSize;
}
