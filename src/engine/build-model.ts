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

const WEIGHTED_WITH_ACTIVATION = new Set(['dense', 'conv1d', 'conv2d']);

export function buildModel(tfjs: Tf, spec: ModelSpec, inputShape: number[], seed: number): tf.LayersModel {
  return buildModelWithLayers(tfjs, spec, inputShape, seed).model;
}

export function buildModelWithLayers(tfjs: Tf, spec: ModelSpec, inputShape: number[], seed: number): BuiltModel {
  const unsupported = spec.unsupported[0];
  if (unsupported !== undefined) throw new UnsupportedModelError(unsupported.name, unsupported.reason);

  const model = tfjs.sequential();
  model.add(tfjs.layers.inputLayer({ inputShape, name: 'preflight_input' }));
  const layers: BuiltLayer[] = [];
  spec.layers.forEach((layerSpec, specIndex) => {
    if (layerSpec.type === 'input') return;
    const name = `l${specIndex}_${sanitize(layerSpec.name)}`;
    const seeds = seedsFor(seed, specIndex);
    const core = makeLayer(tfjs, layerSpec, name, seeds);
    model.add(core);
    let output = core;
    const activation = WEIGHTED_WITH_ACTIVATION.has(layerSpec.type) ? (layerSpec.activation ?? 'linear') : 'linear';
    if (activation !== 'linear') {
      output = activationLayer(activation, `${name}_act`, layerSpec);
      model.add(output);
    }
    const kernel = core.weights.find((w) => /(kernel|embeddings)$/.test(w.originalName));
    layers.push({ specIndex, spec: layerSpec, core, output, activation: layerSpec.type === 'activation' ? (layerSpec.activation ?? 'linear') : activation, kernel });
  });
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
      return tfjs.layers.conv1d({ name, filters: required(s, 'filters'), kernelSize: listArg(s, 'kernel_size')[0], strides: s.strides?.[0] ?? 1, padding: s.padding ?? 'valid', ...weighted });
    case 'conv2d':
      return tfjs.layers.conv2d({ name, filters: required(s, 'filters'), kernelSize: pair(listArg(s, 'kernel_size')), strides: pair(s.strides ?? [1]), padding: s.padding ?? 'valid', ...weighted });
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
  tanh: 'tanh', relu: 'relu', sigmoid: 'sigmoid', linear: 'linear', hard_sigmoid: 'hardSigmoid',
  elu: 'elu', selu: 'selu', softsign: 'softsign', softplus: 'softplus',
};

function rnnActivation(name: string, layer: string) {
  const mapped = ownEntry(TFJS_RNN_ACTIVATIONS, name);
  if (mapped === undefined) throw new UnsupportedModelError(layer, `activation '${name}' inside a recurrent cell is not supported`);
  return mapped;
}

function activationLayer(activation: string, name: string, s: LayerSpec): tf.layers.Layer {
  try {
    return new KerasActivation({ name, activation });
  } catch {
    throw new UnsupportedModelError(s.name, `unknown activation '${activation}'`);
  }
}

/** Builds the Keras initializer by name, seeded so that a run repeats exactly. */
export function initializer(tfjs: Tf, spec: InitializerSpec | undefined, fallback: string, seed: number, layer: string): ReturnType<Tf['initializers']['zeros']> {
  const name = spec?.name ?? fallback;
  const s = spec?.seed ?? seed;
  const mean = spec?.mean ?? 0;
  const stddev = spec?.stddev ?? KERAS_RANDOM_STDDEV;
  switch (name) {
    case 'glorot_uniform': return tfjs.initializers.glorotUniform({ seed: s });
    case 'glorot_normal': return kerasTruncatedNormal(tfjs, 1, 'fanAvg', s);
    case 'he_uniform': return tfjs.initializers.heUniform({ seed: s });
    case 'he_normal': return kerasTruncatedNormal(tfjs, 2, 'fanIn', s);
    case 'lecun_uniform': return tfjs.initializers.leCunUniform({ seed: s });
    case 'lecun_normal': return kerasTruncatedNormal(tfjs, 1, 'fanIn', s);
    case 'zeros': return tfjs.initializers.zeros();
    case 'ones': return tfjs.initializers.ones();
    case 'constant': return tfjs.initializers.constant({ value: spec?.value ?? 0 });
    case 'random_normal': return tfjs.initializers.randomNormal({ mean, stddev, seed: s });
    case 'truncated_normal': return tfjs.initializers.truncatedNormal({ mean, stddev, seed: s });
    case 'random_uniform':
      return tfjs.initializers.randomUniform({ minval: spec?.minval ?? -KERAS_RANDOM_RANGE, maxval: spec?.maxval ?? KERAS_RANDOM_RANGE, seed: s });
    case 'orthogonal': return tfjs.initializers.orthogonal({ seed: s });
    default:
      throw new UnsupportedModelError(layer, `initializer '${name}' is not supported by the smoke run`);
  }
}

// Keras divides the truncated normal's stddev by 0.8796 (the std of a unit normal truncated at 2 sigma)
// so the weights end up with the intended variance; TF.js does not, so the scale carries the correction.
const TRUNCATED_NORMAL_STD = 0.87962566103423978;

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
