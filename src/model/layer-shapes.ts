// One layer's output shape and parameter count, following Keras' own formulas
// (`model.summary()` numbers). Shapes exclude the batch dimension.
import type { LayerSpec } from '../config/types.ts';

export type LayerShape = { ok: true; outputShape: number[]; params: number; trainable: number } | { ok: false; message: string };

const ok = (outputShape: number[], params: number, trainable = params): LayerShape => ({ ok: true, outputShape, params, trainable });
const fail = (message: string): LayerShape => ({ ok: false, message });

export function inferLayer(layer: LayerSpec, input: number[]): LayerShape {
  const last = input[input.length - 1];
  const bias = layer.use_bias === false ? 0 : 1;
  switch (layer.type) {
    case 'input':
    case 'dropout':
    case 'activation':
      return ok(input, 0);
    case 'dense': {
      // Keras applies Dense on the last axis of any input of rank >= 1.
      if (input.length === 0) return fail('dense needs an input with at least one dimension');
      const units = layer.units ?? 0;
      return ok([...input.slice(0, -1), units], last * units + bias * units);
    }
    case 'batch_normalization': {
      if (input.length === 0) return fail('batch_normalization needs an input with at least one dimension');
      // gamma and beta train; the moving mean and variance do not.
      const affine = (flag(layer, 'center') ? 1 : 0) + (flag(layer, 'scale') ? 1 : 0);
      return ok(input, (affine + 2) * last, affine * last);
    }
    case 'layer_normalization': {
      if (input.length === 0) return fail('layer_normalization needs an input with at least one dimension');
      const affine = (flag(layer, 'center') ? 1 : 0) + (flag(layer, 'scale') ? 1 : 0);
      return ok(input, affine * last);
    }
    case 'flatten':
      return ok([product(input)], 0);
    case 'reshape':
      return reshape(layer.target_shape ?? [], input);
    case 'conv1d':
    case 'conv2d': {
      const rank = layer.type === 'conv1d' ? 1 : 2;
      if (input.length !== rank + 1) {
        return fail(
          `${layer.type} expects input of rank ${rank + 1} (${rank === 1 ? 'steps, channels' : 'height, width, channels'}), got shape [${input.join(', ')}]`,
        );
      }
      const kernel = layer.kernel_size ?? Array(rank).fill(1);
      // A dilated kernel covers (k - 1) * d + 1 inputs; its weight count stays k.
      const dilation = dilationOf(layer, rank);
      const span = kernel.map((k, i) => (k - 1) * (dilation[i] ?? 1) + 1);
      const spatial = slide(input.slice(0, rank), span, layer.strides ?? Array(rank).fill(1), layer.padding ?? 'valid');
      if (typeof spatial === 'string') return fail(`${layer.type}: ${spatial}`);
      const filters = layer.filters ?? 0;
      return ok([...spatial, filters], product(kernel) * last * filters + bias * filters);
    }
    case 'depthwise_conv2d': {
      if (input.length !== 3) return fail(`depthwise_conv2d expects input of rank 3 (height, width, channels), got shape [${input.join(', ')}]`);
      const kernel = layer.kernel_size ?? [1, 1];
      const spatial = slide(input.slice(0, 2), kernel, layer.strides ?? [1, 1], layer.padding ?? 'valid');
      if (typeof spatial === 'string') return fail(`depthwise_conv2d: ${spatial}`);
      const multiplier = typeof layer.extra?.depth_multiplier === 'number' ? layer.extra.depth_multiplier : 1;
      return ok([...spatial, last * multiplier], product(kernel) * last * multiplier + bias * last * multiplier);
    }
    case 'max_pooling1d':
    case 'max_pooling2d':
    case 'average_pooling2d': {
      const rank = layer.type === 'max_pooling1d' ? 1 : 2;
      if (input.length !== rank + 1) return fail(`${layer.type} expects input of rank ${rank + 1}, got shape [${input.join(', ')}]`);
      const pool = layer.pool_size ?? Array(rank).fill(2);
      const spatial = slide(input.slice(0, rank), pool, layer.strides ?? pool, layer.padding ?? 'valid');
      if (typeof spatial === 'string') return fail(`${layer.type}: ${spatial}`);
      return ok([...spatial, last], 0);
    }
    case 'global_average_pooling2d':
      if (input.length !== 3) return fail(`global_average_pooling2d expects input of rank 3 (height, width, channels), got shape [${input.join(', ')}]`);
      return ok([last], 0);
    case 'embedding': {
      const inputDim = layer.input_dim ?? 0;
      const outputDim = layer.output_dim ?? 0;
      return ok([...input, outputDim], inputDim * outputDim);
    }
    case 'lstm':
    case 'gru':
    case 'simple_rnn': {
      if (input.length !== 2) return fail(`${layer.type} expects input of rank 2 (timesteps, features), got shape [${input.join(', ')}]`);
      const units = layer.units ?? 0;
      const params = recurrentParams(layer, last, units, bias);
      return ok(layer.return_sequences ? [input[0], units] : [units], params);
    }
    default:
      return fail(`unknown layer type ${String((layer as { type: unknown }).type)}`);
  }
}

function recurrentParams(layer: LayerSpec, inputDim: number, units: number, bias: number): number {
  const perGate = units * (inputDim + units);
  if (layer.type === 'gru') {
    // reset_after (the Keras 2 and 3 default, and what cuDNN uses) keeps separate input and recurrent biases.
    const biasSets = layer.extra?.reset_after === false ? 1 : 2;
    return 3 * (perGate + bias * biasSets * units);
  }
  // An ONNX (PyTorch) LSTM or RNN has separate input and recurrent biases; Keras one.
  const biasSets = layer.extra?.recurrent_bias === true ? 2 : 1;
  if (layer.type === 'lstm') return 4 * (perGate + bias * biasSets * units);
  return perGate + bias * biasSets * units;
}

/** Output length of a sliding window, as `conv_utils.conv_output_length` computes it. */
function slide(sizes: number[], window: number[], strides: number[], padding: 'valid' | 'same'): number[] | string {
  const out: number[] = [];
  for (let i = 0; i < sizes.length; i++) {
    const w = window[i] ?? window[0];
    const s = strides[i] ?? strides[0];
    const length = padding === 'same' ? Math.ceil(sizes[i] / s) : Math.floor((sizes[i] - w) / s) + 1;
    if (length < 1) return `window ${w} does not fit input length ${sizes[i]} with padding valid`;
    out.push(length);
  }
  return out;
}

function reshape(target: number[], input: number[]): LayerShape {
  const total = product(input);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) return fail('reshape target_shape can hold -1 at most once');
  const known = product(target.filter((d) => d !== -1));
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) return fail(`cannot reshape ${total} values into [${target.join(', ')}]`);
    return ok(
      target.map((d) => (d === -1 ? total / known : d)),
      0,
    );
  }
  if (known !== total) return fail(`cannot reshape [${input.join(', ')}] (${total} values) into [${target.join(', ')}] (${known} values)`);
  return ok(target, 0);
}

function dilationOf(layer: LayerSpec, rank: number): number[] {
  const raw = layer.extra?.dilation_rate;
  if (typeof raw === 'number') return Array(rank).fill(raw);
  if (Array.isArray(raw) && raw.every((d) => Number.isInteger(d) && d > 0)) return raw as number[];
  return Array(rank).fill(1);
}

function flag(layer: LayerSpec, key: 'center' | 'scale'): boolean {
  return layer.extra?.[key] !== false;
}

export function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
