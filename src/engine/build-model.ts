// Builds a runnable TF.js model from the internal model description (config/types.ts ModelSpec).
// Every weighted layer is built linear and followed by its own activation layer, so probes can read
// pre-activations (saturation) and post-activations (dead units) without re-implementing the model.
import * as tf from '@tensorflow/tfjs';
import type { InitializerSpec, LayerSpec, ModelSpec, RegularizerSpec } from '../config/types.ts';
import { KerasActivation } from './activations.ts';
import { SeededDropout } from './seeded-dropout.ts';
import { ownEntry } from '../own-entry.ts';

type Tf = typeof import('@tensorflow/tfjs');

/** A layer the model description marks as not buildable (Lambda, custom objects), or one TF.js cannot make. */
export class UnsupportedModelError extends Error {
  readonly layer: string;
  readonly reason: string;

  constructor(layer: string, reason: string) {
    super(`cannot build layer '${layer}': ${reason}`);
    this.name = 'UnsupportedModelError';
    this.layer = layer;
    this.reason = reason;
  }
}

/** One layer of the description and the TF.js layers that implement it. */
export interface BuiltLayer {
  specIndex: number;
  spec: LayerSpec;
  /** the layer holding the weights (or the only layer) */
  core: tf.layers.Layer;
  /** the layer whose output is this spec layer's output: the activation layer when there is one */
  output: tf.layers.Layer;
  /** activation applied after `core`; 'linear' when none */
  activation: string;
  /** the main weight matrix (kernel / embeddings), when the layer has one */
  kernel?: tf.LayerVariable;
}

export interface BuiltModel {
  model: tf.LayersModel;
  layers: BuiltLayer[];
  /** what happened to Keras weights, when the description carried some */
  notes: string[];
}

// Keras defaults for initializers left without arguments.
const KERAS_RANDOM_STDDEV = 0.05;
const KERAS_RANDOM_RANGE = 0.05;
const KERAS_BATCH_NORM_MOMENTUM = 0.99;
const KERAS_NORM_EPSILON = 1e-3;

const WEIGHTED_WITH_ACTIVATION = new Set(['dense', 'conv1d', 'conv2d', 'depthwise_conv2d']);

export function buildModel(tfjs: Tf, spec: ModelSpec, inputShape: number[], seed: number): tf.LayersModel {
  return buildModelWithLayers(tfjs, spec, inputShape, seed).model;
}

export function buildModelWithLayers(tfjs: Tf, spec: ModelSpec, inputShape: number[], seed: number): BuiltModel {
  const unsupported = spec.unsupported[0];
  if (unsupported !== undefined) throw new UnsupportedModelError(unsupported.name, unsupported.reason);
  if (spec.layers.some((l) => l.inbound !== undefined)) return buildFunctional(tfjs, spec, inputShape, seed);

  const model = tfjs.sequential();
  model.add(tfjs.layers.inputLayer({ inputShape, name: 'preflight_input' }));
  const layers: BuiltLayer[] = [];
  spec.layers.forEach((layerSpec, specIndex) => {
    if (layerSpec.type === 'input') return;
    const name = `l${specIndex}_${sanitize(layerSpec.name)}`;
    const seeds = seedsFor(seed, specIndex);
    const core = makeLayer(tfjs, layerSpec, name, seeds);
    model.add(core);
    if (layerSpec.bias_initializer?.name === TORCH_FAN_IN_UNIFORM) initTorchBias(tfjs, core, seeds());
    let output = core;
    const activation = WEIGHTED_WITH_ACTIVATION.has(layerSpec.type) ? (layerSpec.activation ?? 'linear') : 'linear';
    if (activation !== 'linear') {
      output = activationLayer(activation, `${name}_act`, layerSpec);
      model.add(output);
    }
    const kernel = core.weights.find((w) => /(kernel|embeddings)$/.test(w.originalName));
    layers.push({
      specIndex,
      spec: layerSpec,
      core,
      output,
      activation: layerSpec.type === 'activation' ? (layerSpec.activation ?? 'linear') : activation,
      kernel,
    });
  });
  const notes = spec.weights ? loadKerasWeights(tfjs, layers, spec) : [];
  return { model, layers, notes };
}

/**
 * A model with branches (an ONNX residual `add`, a `concatenate`): the same layers as a stack, wired by each
 * layer's `inbound` into a functional TF.js model. Each layer is applied once, so the probes read its output.
 */
function buildFunctional(tfjs: Tf, spec: ModelSpec, inputShape: number[], seed: number): BuiltModel {
  const input = tfjs.input({ shape: inputShape, name: 'preflight_input' });
  const outputs: tf.SymbolicTensor[] = [];
  const layers: BuiltLayer[] = [];
  let last = input;
  spec.layers.forEach((layerSpec, specIndex) => {
    const inbound = (layerSpec.inbound ?? [specIndex - 1]).map((i) => (i < 0 ? input : outputs[i]));
    if (inbound.some((t) => t === undefined)) throw new UnsupportedModelError(layerSpec.name, 'a layer takes the output of a layer after it');
    const name = `l${specIndex}_${sanitize(layerSpec.name)}`;
    let core: tf.layers.Layer;
    let result: tf.SymbolicTensor;
    if (layerSpec.type === 'add' || layerSpec.type === 'concatenate') {
      core = layerSpec.type === 'add' ? tfjs.layers.add({ name }) : tfjs.layers.concatenate({ name, axis: -1 });
      result = core.apply(inbound) as tf.SymbolicTensor;
    } else {
      core = makeLayer(tfjs, layerSpec, name, seedsFor(seed, specIndex));
      result = core.apply(inbound[0]) as tf.SymbolicTensor;
    }
    let output = core;
    const activation = WEIGHTED_WITH_ACTIVATION.has(layerSpec.type) ? (layerSpec.activation ?? 'linear') : 'linear';
    if (activation !== 'linear') {
      output = activationLayer(activation, `${name}_act`, layerSpec);
      result = output.apply(result) as tf.SymbolicTensor;
    }
    outputs[specIndex] = result;
    last = result;
    const kernel = core.weights.find((w) => /(kernel|embeddings)$/.test(w.originalName));
    layers.push({
      specIndex,
      spec: layerSpec,
      core,
      output,
      activation: layerSpec.type === 'activation' ? (layerSpec.activation ?? 'linear') : activation,
      kernel,
    });
  });
  const model = tfjs.model({ inputs: input, outputs: last });
  const notes = spec.weights ? loadKerasWeights(tfjs, layers, spec) : [];
  return { model, layers, notes };
}

function makeLayer(tfjs: Tf, s: LayerSpec, name: string, seeds: () => number): tf.layers.Layer {
  const extra = s.extra ?? {};
  const weighted = {
    useBias: s.use_bias ?? true,
    kernelInitializer: initializer(tfjs, s.kernel_initializer, 'glorot_uniform', seeds(), s.name),
    biasInitializer: initializer(tfjs, s.bias_initializer, 'zeros', seeds(), s.name),
    kernelRegularizer: regularizer(tfjs, s.kernel_regularizer),
    biasRegularizer: regularizer(tfjs, s.bias_regularizer),
  };
  switch (s.type) {
    case 'dense':
      return tfjs.layers.dense({ name, units: required(s, 'units'), ...weighted });
    case 'conv1d':
      return tfjs.layers.conv1d({
        name,
        filters: required(s, 'filters'),
        kernelSize: listArg(s, 'kernel_size')[0],
        strides: s.strides?.[0] ?? 1,
        padding: s.padding ?? 'valid',
        ...weighted,
      });
    case 'conv2d':
      return tfjs.layers.conv2d({
        name,
        filters: required(s, 'filters'),
        kernelSize: pair(listArg(s, 'kernel_size')),
        strides: pair(s.strides ?? [1]),
        padding: s.padding ?? 'valid',
        ...weighted,
      });
    case 'depthwise_conv2d':
      return tfjs.layers.depthwiseConv2d({
        name,
        kernelSize: pair(listArg(s, 'kernel_size')),
        depthMultiplier: numberExtra(extra, 'depth_multiplier', 1),
        strides: pair(s.strides ?? [1]),
        padding: s.padding ?? 'valid',
        useBias: weighted.useBias,
        depthwiseInitializer: weighted.kernelInitializer,
        biasInitializer: weighted.biasInitializer,
      });
    case 'max_pooling1d': {
      const pool = s.pool_size?.[0] ?? 2;
      return tfjs.layers.maxPooling1d({ name, poolSize: pool, strides: s.strides?.[0] ?? pool, padding: s.padding ?? 'valid' });
    }
    case 'max_pooling2d':
    case 'average_pooling2d': {
      const pool = pair(s.pool_size ?? [2]);
      const args = { name, poolSize: pool, strides: s.strides ? pair(s.strides) : pool, padding: s.padding ?? 'valid' };
      return s.type === 'max_pooling2d' ? tfjs.layers.maxPooling2d(args) : tfjs.layers.averagePooling2d(args);
    }
    case 'global_average_pooling2d':
      return tfjs.layers.globalAveragePooling2d({ name });
    case 'flatten':
      return tfjs.layers.flatten({ name });
    case 'reshape':
      return tfjs.layers.reshape({ name, targetShape: listArg(s, 'target_shape') });
    case 'dropout':
      return new SeededDropout({ name, rate: s.rate ?? 0, seed: seeds() });
    case 'activation':
      return activationLayer(s.activation ?? 'linear', name, s);
    case 'batch_normalization':
      return tfjs.layers.batchNormalization({
        name,
        momentum: numberExtra(extra, 'momentum', KERAS_BATCH_NORM_MOMENTUM),
        epsilon: numberExtra(extra, 'epsilon', KERAS_NORM_EPSILON),
        center: extra.center !== false,
        scale: extra.scale !== false,
      });
    case 'layer_normalization':
      return tfjs.layers.layerNormalization({ name, epsilon: numberExtra(extra, 'epsilon', KERAS_NORM_EPSILON) });
    case 'embedding':
      return tfjs.layers.embedding({
        name,
        inputDim: required(s, 'input_dim'),
        outputDim: required(s, 'output_dim'),
        embeddingsInitializer: initializer(tfjs, s.kernel_initializer, 'random_uniform', seeds(), s.name),
      });
    case 'lstm':
    case 'gru':
    case 'simple_rnn':
      return recurrentLayer(tfjs, s, name, seeds, weighted);
    default:
      throw new UnsupportedModelError(s.name, `layer type '${String(s.type)}' is not supported by the smoke run`);
  }
}

function recurrentLayer(tfjs: Tf, s: LayerSpec, name: string, seeds: () => number, weighted: Record<string, unknown>): tf.layers.Layer {
  const args = {
    name,
    units: required(s, 'units'),
    activation: rnnActivation(s.activation ?? 'tanh', s.name),
    // TF.js defaults the gates to hard_sigmoid; Keras (and PyTorch) use sigmoid.
    ...(s.type === 'simple_rnn'
      ? {}
      : { recurrentActivation: rnnActivation(typeof s.extra?.recurrent_activation === 'string' ? s.extra.recurrent_activation : 'sigmoid', s.name) }),
    returnSequences: s.return_sequences ?? false,
    recurrentInitializer: initializer(tfjs, s.recurrent_initializer, 'orthogonal', seeds(), s.name),
    ...weighted,
  };
  if (s.type === 'lstm') return tfjs.layers.lstm(args);
  if (s.type === 'gru') return tfjs.layers.gru(args);
  return tfjs.layers.simpleRNN(args);
}

// Recurrent cells apply their activation inside the cell, so only names TF.js knows can be used there.
const TFJS_RNN_ACTIVATIONS: Record<string, 'tanh' | 'relu' | 'sigmoid' | 'linear' | 'hardSigmoid' | 'elu' | 'selu' | 'softsign' | 'softplus'> = {
  tanh: 'tanh',
  relu: 'relu',
  sigmoid: 'sigmoid',
  linear: 'linear',
  hard_sigmoid: 'hardSigmoid',
  elu: 'elu',
  selu: 'selu',
  softsign: 'softsign',
  softplus: 'softplus',
};

function rnnActivation(name: string, layer: string) {
  const mapped = ownEntry(TFJS_RNN_ACTIVATIONS, name);
  if (mapped === undefined) throw new UnsupportedModelError(layer, `activation '${name}' inside a recurrent cell is not supported`);
  return mapped;
}

function activationLayer(activation: string, name: string, s: LayerSpec): tf.layers.Layer {
  const alpha = s.type === 'activation' && typeof s.extra?.alpha === 'number' ? s.extra.alpha : undefined;
  try {
    return new KerasActivation({ name, activation, ...(alpha !== undefined ? { alpha } : {}) });
  } catch {
    throw new UnsupportedModelError(s.name, `unknown activation '${activation}'`);
  }
}

/** Builds the Keras initializer by name, seeded so that a run repeats exactly. */
export function initializer(
  tfjs: Tf,
  spec: InitializerSpec | undefined,
  fallback: string,
  seed: number,
  layer: string,
): ReturnType<Tf['initializers']['zeros']> {
  const name = spec?.name ?? fallback;
  const s = spec?.seed ?? seed;
  const g = gaussianSeed(s);
  const mean = spec?.mean ?? 0;
  const stddev = spec?.stddev ?? KERAS_RANDOM_STDDEV;
  switch (name) {
    case 'glorot_uniform':
      return tfjs.initializers.glorotUniform({ seed: s });
    case 'glorot_normal':
      return kerasTruncatedNormal(tfjs, 1, 'fanAvg', g);
    case 'he_uniform':
      return tfjs.initializers.heUniform({ seed: s });
    case 'he_normal':
      return kerasTruncatedNormal(tfjs, 2, 'fanIn', g);
    case 'lecun_uniform':
      return tfjs.initializers.leCunUniform({ seed: s });
    case 'lecun_normal':
      return kerasTruncatedNormal(tfjs, 1, 'fanIn', g);
    case 'zeros':
      return tfjs.initializers.zeros();
    case 'ones':
      return tfjs.initializers.ones();
    case 'constant':
      return tfjs.initializers.constant({ value: spec?.value ?? 0 });
    case 'random_normal':
      return tfjs.initializers.randomNormal({ mean, stddev, seed: g });
    // ONNX weights are loaded over it; if they cannot be, a normal draw with their statistics stands in.
    case 'from_onnx':
      return tfjs.initializers.randomNormal({ mean, stddev, seed: g });
    case 'truncated_normal':
      return tfjs.initializers.truncatedNormal({ mean, stddev, seed: g });
    case 'random_uniform':
      return tfjs.initializers.randomUniform({ minval: spec?.minval ?? -KERAS_RANDOM_RANGE, maxval: spec?.maxval ?? KERAS_RANDOM_RANGE, seed: s });
    case 'orthogonal':
      return tfjs.initializers.orthogonal({ seed: g });
    // PyTorch's Linear/Conv default, kaiming_uniform(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)), i.e.
    // variance 1/(3 fan_in). A bias has no fan-in of its own: it starts at zero and initTorchBias redraws it.
    case TORCH_FAN_IN_UNIFORM:
      return fallback === 'zeros'
        ? tfjs.initializers.zeros()
        : tfjs.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: s });
    default:
      throw new UnsupportedModelError(layer, `initializer '${name}' is not supported by the smoke run`);
  }
}

/** The initializer name of PyTorch's default for Linear and Conv layers (config/layers.ts). */
const TORCH_FAN_IN_UNIFORM = 'torch_fan_in_uniform';

/** PyTorch's default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in being the kernel's (inputs x receptive field). */
function initTorchBias(tfjs: Tf, core: tf.layers.Layer, seed: number): void {
  const kernel = core.weights.find((w) => w.originalName.endsWith('kernel'));
  const bias = core.weights.find((w) => w.originalName.endsWith('bias'));
  if (!kernel || !bias) return;
  const fanIn = kernel.shape.slice(0, -1).reduce<number>((a, b) => a * (b ?? 1), 1);
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  const values = tfjs.randomUniform(
    bias.shape.map((d) => d ?? 1),
    -bound,
    bound,
    'float32',
    seed,
  );
  bias.write(values);
  values.dispose();
}

// Keras divides the truncated normal's stddev by 0.8796 (the std of a unit normal truncated at 2 sigma)
// so the weights end up with the intended variance; TF.js does not, so the scale carries the correction.
const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/**
 * TF.js's Gaussian draws (MPRandGauss: randomNormal, truncatedNormal, and so varianceScaling 'normal' and
 * orthogonal) take a seed of 0 as no seed and fall back to Math.random, so the first layer of a seed-0 run
 * started from different weights every time. 0 is mapped to a seed seedsFor never yields.
 */
export function gaussianSeed(seed: number): number {
  return seed === 0 ? 2_147_483_647 : seed;
}

function kerasTruncatedNormal(tfjs: Tf, scale: number, mode: 'fanIn' | 'fanAvg', seed: number) {
  return tfjs.initializers.varianceScaling({ scale: scale / TRUNCATED_NORMAL_STD ** 2, mode, distribution: 'normal', seed });
}

function regularizer(tfjs: Tf, spec: RegularizerSpec | undefined): ReturnType<Tf['regularizers']['l1l2']> | undefined {
  if (spec === undefined || (spec.l1 === 0 && spec.l2 === 0)) return undefined;
  return tfjs.regularizers.l1l2({ l1: spec.l1, l2: spec.l2 });
}

/** Keras weights are matched in order; they are loaded only when every shape matches. */
function loadKerasWeights(tfjs: Tf, layers: BuiltLayer[], spec: ModelSpec): string[] {
  const tensors = spec.weights?.tensors ?? [];
  const targets = layers.flatMap((l) => l.core.weights);
  if (tensors.length !== targets.length) {
    return [`Keras weights not loaded: the file holds ${tensors.length} weight arrays, the model has ${targets.length}`];
  }
  const mismatch = tensors.findIndex((t, i) => t.shape.join('x') !== targets[i].shape.join('x'));
  if (mismatch >= 0) {
    const t = tensors[mismatch];
    return [`Keras weights not loaded: '${t.name}' has shape [${t.shape}], the model expects [${targets[mismatch].shape}]`];
  }
  targets.forEach((target, i) => {
    const value = tfjs.tensor(tensors[i].values, tensors[i].shape);
    target.write(value);
    value.dispose();
  });
  return [`loaded ${tensors.length} Keras weight arrays`];
}

/** Distinct, repeatable seeds for each initializer and dropout of one layer. */
function seedsFor(seed: number, layerIndex: number): () => number {
  let slot = 0;
  return () => ((Math.trunc(seed) * 1_000_003 + layerIndex * 101 + slot++ * 7) >>> 0) % 2_147_483_647;
}

function required(s: LayerSpec, key: 'units' | 'filters' | 'input_dim' | 'output_dim'): number {
  const value = s[key];
  if (typeof value !== 'number' || !(value > 0)) throw new UnsupportedModelError(s.name, `'${key}' must be a positive number`);
  return value;
}

function listArg(s: LayerSpec, key: 'kernel_size' | 'target_shape'): number[] {
  const value = s[key];
  if (!Array.isArray(value) || value.length === 0) throw new UnsupportedModelError(s.name, `'${key}' is missing`);
  return value;
}

function pair(values: number[]): [number, number] {
  return [values[0], values[1] ?? values[0]];
}

function numberExtra(extra: Record<string, unknown>, key: string, fallback: number): number {
  const value = extra[key];
  return typeof value === 'number' ? value : fallback;
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40) || 'layer';
}
