// Layer arguments as written (config `layers:` or a Keras file) -> LayerSpec with Keras defaults filled in.
import { canonicalActivation, canonicalInitializer } from './names.ts';
import { ownEntry } from '../own-entry.ts';
import type { InitializerSpec, LayerSpec, LayerType, RegularizerSpec } from './types.ts';

/** Keras defaults for initializer arguments (keras.initializers, Keras 2.12 and 3). */
const INITIALIZER_DEFAULTS: Record<string, Partial<InitializerSpec>> = {
  constant: { value: 0 },
  random_normal: { mean: 0, stddev: 0.05 },
  truncated_normal: { mean: 0, stddev: 0.05 },
  random_uniform: { minval: -0.05, maxval: 0.05 },
};

/** `regularizers.l1_l2()` uses 0.01 for a factor left out. */
const L1L2_DEFAULT_FACTOR = 0.01;

const WEIGHTED_TYPES: ReadonlySet<LayerType> = new Set(['dense', 'conv1d', 'conv2d', 'depthwise_conv2d']);
const RECURRENT_TYPES: ReadonlySet<LayerType> = new Set(['lstm', 'gru', 'simple_rnn']);
const POOLING_RANK: Partial<Record<LayerType, number>> = { max_pooling1d: 1, max_pooling2d: 2, average_pooling2d: 2 };
const CONV_RANK: Partial<Record<LayerType, number>> = { conv1d: 1, conv2d: 2, depthwise_conv2d: 2 };

/** Keys that map straight onto LayerSpec fields; everything else goes to `extra`. */
const SPEC_KEYS = new Set([
  'type',
  'name',
  'units',
  'activation',
  'use_bias',
  'kernel_initializer',
  'bias_initializer',
  'recurrent_initializer',
  'kernel_regularizer',
  'bias_regularizer',
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'pool_size',
  'rate',
  'return_sequences',
  'input_dim',
  'output_dim',
  'target_shape',
  'embeddings_initializer',
  'input_shape',
  'trainable',
]);

export function toInitializer(raw: unknown): InitializerSpec | undefined {
  if (typeof raw === 'string') {
    const name = canonicalInitializer(raw);
    return name ? { name, ...ownEntry(INITIALIZER_DEFAULTS, name) } : undefined;
  }
  if (raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string') {
    const { name: rawName, gain: _gain, ...rest } = raw as Record<string, unknown> & { name: string };
    const name = canonicalInitializer(rawName);
    if (!name) return undefined;
    const numbers = Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === 'number'));
    return { name, ...ownEntry(INITIALIZER_DEFAULTS, name), ...numbers };
  }
  return undefined;
}

export function toRegularizer(raw: unknown): RegularizerSpec | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as { l1?: number; l2?: number; l1_l2?: { l1?: number; l2?: number } };
  if (r.l1_l2) {
    return { l1: r.l1_l2.l1 ?? L1L2_DEFAULT_FACTOR, l2: r.l1_l2.l2 ?? L1L2_DEFAULT_FACTOR };
  }
  if (r.l1 === undefined && r.l2 === undefined) return undefined;
  return { l1: r.l1 ?? 0, l2: r.l2 ?? 0 };
}

function sizeList(raw: unknown, rank: number): number[] | undefined {
  if (typeof raw === 'number') return Array(rank).fill(raw);
  if (Array.isArray(raw) && raw.every((n) => typeof n === 'number')) return raw as number[];
  return undefined;
}

/**
 * Build a LayerSpec from snake_case Keras arguments. `args` has already been validated (config) or
 * translated (Keras file); this only fills in what Keras would use by default.
 */
export function buildLayerSpec(
  type: LayerType,
  name: string,
  args: Record<string, unknown>,
  keyPath?: string,
  framework: 'pytorch' | 'keras' = 'keras',
): LayerSpec {
  const torch = framework === 'pytorch';
  const spec: LayerSpec = { type, name };
  if (keyPath) spec.keyPath = keyPath;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (!SPEC_KEYS.has(key) && value !== undefined && value !== null) extra[key] = value;
  }
  // Frozen layers change the trainable parameter count, so the flag survives normalization.
  if (args.trainable === false) extra.trainable = false;
  if (typeof args.units === 'number') spec.units = args.units;
  if (typeof args.filters === 'number') spec.filters = args.filters;
  if (typeof args.rate === 'number') spec.rate = args.rate;
  if (typeof args.input_dim === 'number') spec.input_dim = args.input_dim;
  if (typeof args.output_dim === 'number') spec.output_dim = args.output_dim;
  if (Array.isArray(args.target_shape)) spec.target_shape = args.target_shape as number[];

  const weighted = WEIGHTED_TYPES.has(type);
  const recurrent = RECURRENT_TYPES.has(type);
  if (weighted || recurrent) {
    spec.activation = activationOr(args.activation, recurrent ? 'tanh' : 'linear');
    spec.use_bias = typeof args.use_bias === 'boolean' ? args.use_bias : true;
    const fallback = torch ? torchDefaultInitializer(type, args.units) : { kernel: { name: 'glorot_uniform' }, bias: { name: 'zeros' } };
    spec.kernel_initializer = toInitializer(args.kernel_initializer) ?? fallback.kernel;
    spec.bias_initializer = toInitializer(args.bias_initializer) ?? fallback.bias;
    const kernelRegularizer = toRegularizer(args.kernel_regularizer);
    if (kernelRegularizer) spec.kernel_regularizer = kernelRegularizer;
    const biasRegularizer = toRegularizer(args.bias_regularizer);
    if (biasRegularizer) spec.bias_regularizer = biasRegularizer;
  }
  if (recurrent) {
    spec.recurrent_initializer =
      toInitializer(args.recurrent_initializer) ?? (torch ? torchDefaultInitializer(type, args.units).kernel : { name: 'orthogonal' });
    spec.return_sequences = args.return_sequences === true;
    if (type !== 'simple_rnn') extra.recurrent_activation = activationOr(args.recurrent_activation, 'sigmoid');
    if (type === 'gru') extra.reset_after = args.reset_after !== false;
  }
  const convRank = ownEntry(CONV_RANK, type);
  if (convRank) {
    spec.kernel_size = sizeList(args.kernel_size, convRank);
    spec.strides = sizeList(args.strides, convRank) ?? Array(convRank).fill(1);
    spec.padding = paddingOf(args.padding);
  }
  const poolRank = ownEntry(POOLING_RANK, type);
  if (poolRank) {
    spec.pool_size = sizeList(args.pool_size, poolRank) ?? Array(poolRank).fill(2);
    spec.strides = sizeList(args.strides, poolRank) ?? spec.pool_size;
    spec.padding = paddingOf(args.padding);
  }
  if (type === 'activation') spec.activation = activationOr(args.activation, 'linear');
  if (type === 'embedding') {
    // nn.Embedding draws from N(0, 1).
    spec.kernel_initializer =
      toInitializer(args.embeddings_initializer) ?? (torch ? { name: 'random_normal', mean: 0, stddev: 1 } : toInitializer('random_uniform'));
  }
  // nn.BatchNorm's momentum 0.1 weighs the new batch (running = 0.9 running + 0.1 batch): Keras momentum 0.9.
  if (type === 'batch_normalization') extra.momentum ??= torch ? 0.9 : 0.99;
  if (type === 'batch_normalization' || type === 'layer_normalization') {
    extra.epsilon ??= torch ? 1e-5 : 0.001;
    extra.center ??= true;
    extra.scale ??= true;
  }
  if (Object.keys(extra).length > 0) spec.extra = extra;
  return spec;
}

/**
 * PyTorch's default initialization: Linear and Conv kaiming_uniform(a=sqrt(5)), which is U(+-1/sqrt(fan_in)),
 * with the bias U(+-1/sqrt(fan_in)) too; RNN, LSTM and GRU draw every weight and bias from U(+-1/sqrt(hidden)).
 */
function torchDefaultInitializer(type: LayerType, units: unknown): { kernel: InitializerSpec; bias: InitializerSpec } {
  if (RECURRENT_TYPES.has(type) && typeof units === 'number' && units > 0) {
    const bound = 1 / Math.sqrt(units);
    const uniform = { name: 'random_uniform', minval: -bound, maxval: bound };
    return { kernel: uniform, bias: { ...uniform } };
  }
  return { kernel: { name: 'torch_fan_in_uniform' }, bias: { name: 'torch_fan_in_uniform' } };
}

function activationOr(raw: unknown, fallback: string): string {
  return typeof raw === 'string' ? (canonicalActivation(raw) ?? raw) : fallback;
}

function paddingOf(raw: unknown): 'valid' | 'same' {
  return raw === 'same' || raw === 'causal' ? 'same' : 'valid';
}
