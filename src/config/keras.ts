// Keras model files -> ModelSpec. Reads three dialects of the same JSON: Keras 2 `to_json()`
// (class_name/config), Keras 3 (module/registered_name, batch_shape) and TF.js layers `model.json`
// (modelTopology + weightsManifest). Nothing in the file is ever executed.
import { buildLayerSpec, toInitializer, toRegularizer } from './layers.ts';
import { canonicalActivation, canonicalLoss, OPTIMIZER_NAMES, snakeCase } from './names.ts';
import type { ConfigProblem } from './problems.ts';
import { ownEntry } from '../own-entry.ts';
import type { LayerSpec, LayerType, ModelSpec, OptimizerSpec, UnsupportedLayer } from './types.ts';

export type KerasParseResult = { ok: true; model: ModelSpec } | { ok: false; problems: ConfigProblem[] };

type Json = Record<string, unknown>;

const LAMBDA_REASON = 'Lambda layers carry Python code; nn-preflight never runs code from a pull request';

/** Keras class name -> our layer type, for layers that map one to one. */
const CLASS_TO_TYPE: Record<string, LayerType> = {
  Dense: 'dense',
  Dropout: 'dropout',
  BatchNormalization: 'batch_normalization',
  LayerNormalization: 'layer_normalization',
  Activation: 'activation',
  Flatten: 'flatten',
  Reshape: 'reshape',
  Conv1D: 'conv1d',
  Convolution1D: 'conv1d',
  Conv2D: 'conv2d',
  Convolution2D: 'conv2d',
  MaxPooling1D: 'max_pooling1d',
  MaxPool1D: 'max_pooling1d',
  MaxPooling2D: 'max_pooling2d',
  MaxPool2D: 'max_pooling2d',
  AveragePooling2D: 'average_pooling2d',
  AvgPool2D: 'average_pooling2d',
  GlobalAveragePooling2D: 'global_average_pooling2d',
  GlobalAvgPool2D: 'global_average_pooling2d',
  Embedding: 'embedding',
  LSTM: 'lstm',
  GRU: 'gru',
  SimpleRNN: 'simple_rnn',
};

/** Activation layers: Keras layers whose only job is an activation function. */
const ACTIVATION_LAYERS: Record<string, (config: Json) => { activation: string; alpha?: number }> = {
  ReLU: (c) => ({ activation: c.max_value === 6 ? 'relu6' : 'relu' }),
  LeakyReLU: (c) => ({ activation: 'leaky_relu', alpha: numberOr(c.negative_slope ?? c.alpha, 0.3) }),
  ELU: () => ({ activation: 'elu' }),
  Softmax: () => ({ activation: 'softmax' }),
};

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
const INPUT_CLASSES = new Set(['InputLayer']);

export function parseKerasModel(json: unknown, file: string): KerasParseResult {
  const fail = (message: string): KerasParseResult => ({ ok: false, problems: [{ message, file, key: 'model.keras' }] });
  if (!isObject(json)) return fail('the Keras model file is not a JSON object');

  let topology: unknown = json;
  let trainingConfig: unknown = json.training_config ?? json.trainingConfig;
  let format: 'keras2' | 'keras3' | 'tfjs' = 'keras2';
  if (isObject(json.modelTopology)) {
    format = 'tfjs';
    const wrapped = json.modelTopology;
    topology = isObject(wrapped.model_config) ? wrapped.model_config : wrapped;
    trainingConfig = wrapped.training_config ?? json.trainingConfig ?? json.training_config;
  }
  if (!isObject(topology) || typeof topology.class_name !== 'string') {
    return fail('the Keras model file has no `class_name`: expected the JSON of `model.to_json()` or a TF.js model.json');
  }
  if (format !== 'tfjs' && (typeof topology.module === 'string' || 'registered_name' in topology)) format = 'keras3';
  if (!MODEL_CLASSES.has(topology.class_name)) {
    return fail(`the Keras model is a \`${topology.class_name}\`; nn-preflight reads Sequential and simple Functional models`);
  }
  const config = topology.config;
  const rawLayers = isObject(config) ? config.layers : undefined;
  if (!Array.isArray(rawLayers)) return fail('the Keras model file has no `config.layers` list');

  const layers: LayerSpec[] = [];
  const unsupported: UnsupportedLayer[] = [];
  let inputShape: number[] | undefined;
  if (topology.class_name !== 'Sequential') unsupported.push(...branchingLayers(rawLayers));

  for (const [index, entry] of rawLayers.entries()) {
    if (!isObject(entry) || typeof entry.class_name !== 'string') {
      return fail(`layer ${index} of the Keras model file has no \`class_name\``);
    }
    const className = entry.class_name;
    const layerConfig = isObject(entry.config) ? entry.config : {};
    const name = typeof layerConfig.name === 'string' ? layerConfig.name : `${snakeCase(className)}_${index}`;
    inputShape ??= shapeWithoutBatch(layerConfig);
    if (INPUT_CLASSES.has(className)) continue;

    const type = ownEntry(CLASS_TO_TYPE, className);
    const asActivation = ownEntry(ACTIVATION_LAYERS, className);
    if (isCustom(entry)) {
      unsupported.push({
        name,
        className,
        reason: `\`${className}\` is a custom class; its code lives outside Keras and nn-preflight never runs code from a pull request`,
      });
    } else if (className === 'Lambda' || className === 'TFOpLambda' || className === 'SlicingOpLambda') {
      unsupported.push({ name, className, reason: LAMBDA_REASON });
    } else if (layerConfig.data_format === 'channels_first') {
      unsupported.push({ name, className, reason: `\`${name}\` uses data_format channels_first; nn-preflight builds channels_last layers only` });
    } else if (asActivation) {
      const { activation, alpha } = asActivation(layerConfig);
      layers.push(buildLayerSpec('activation', name, { activation, ...(alpha !== undefined ? { alpha } : {}) }));
    } else if (type) {
      layers.push(buildLayerSpec(type, name, translateArgs(type, layerConfig)));
    } else {
      unsupported.push({ name, className, reason: `nn-preflight cannot build \`${className}\` layers yet` });
    }
  }

  const model: ModelSpec = {
    ...(inputShape ? { input_shape: inputShape } : {}),
    layers,
    origin: { kind: 'keras', file, format },
    unsupported: firstPerName(unsupported),
  };
  const compile = compileSettings(topology.compile_config ?? (isObject(config) ? config.compile_config : undefined), trainingConfig);
  if (compile) model.compile = compile;
  return { ok: true, model };
}

/** Keras argument dialects -> the snake_case arguments buildLayerSpec expects. */
function translateArgs(type: LayerType, config: Json): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const copy = [
    'units',
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
    'use_bias',
    'reset_after',
    'momentum',
    'epsilon',
    'center',
    'scale',
    'dropout',
    'recurrent_dropout',
    'mask_zero',
    'trainable',
    'dilation_rate',
  ];
  for (const key of copy) if (config[key] !== undefined && config[key] !== null) args[key] = config[key];
  if (config.activation !== undefined) args.activation = activationName(config.activation);
  if (config.recurrent_activation !== undefined) args.recurrent_activation = activationName(config.recurrent_activation);
  for (const key of ['kernel_initializer', 'bias_initializer', 'recurrent_initializer', 'embeddings_initializer']) {
    const init = initializerArg(config[key]);
    if (init) args[key] = init;
  }
  for (const key of ['kernel_regularizer', 'bias_regularizer']) {
    const reg = regularizerArg(config[key]);
    if (reg) args[key] = reg;
  }
  if (type === 'max_pooling1d' && config.pool_length !== undefined) args.pool_size = config.pool_length;
  return args;
}

function activationName(raw: unknown): string {
  if (typeof raw === 'string') return canonicalActivation(raw) ?? raw;
  if (isObject(raw)) {
    // Keras 3 serializes activation functions as {class_name: 'function', config: 'relu'} and layers as objects.
    if (typeof raw.config === 'string') return canonicalActivation(raw.config) ?? raw.config;
    if (typeof raw.class_name === 'string') {
      const asLayer = ownEntry(ACTIVATION_LAYERS, raw.class_name);
      if (asLayer) return asLayer(isObject(raw.config) ? raw.config : {}).activation;
      return canonicalActivation(snakeCase(raw.class_name)) ?? snakeCase(raw.class_name);
    }
  }
  return 'linear';
}

function initializerArg(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw === 'string') return toInitializer(raw) as Record<string, unknown> | undefined;
  if (!isObject(raw) || typeof raw.class_name !== 'string') return undefined;
  const config = isObject(raw.config) ? raw.config : {};
  const name = variantOfVarianceScaling(raw.class_name, config) ?? snakeCase(raw.class_name);
  const numbers = Object.fromEntries(
    ['value', 'mean', 'stddev', 'minval', 'maxval', 'seed'].filter((k) => typeof config[k] === 'number').map((k) => [k, config[k]]),
  );
  const spec = toInitializer({ name, ...numbers });
  return (spec as Record<string, unknown> | undefined) ?? { name };
}

/** VarianceScaling with the settings of a named initializer is that initializer (Keras defines them so). */
function variantOfVarianceScaling(className: string, config: Json): string | undefined {
  if (className !== 'VarianceScaling') return undefined;
  const key = `${config.scale}|${config.mode}|${config.distribution}`;
  const named: Record<string, string> = {
    '1|fan_avg|uniform': 'glorot_uniform',
    '1|fan_avg|truncated_normal': 'glorot_normal',
    '2|fan_in|uniform': 'he_uniform',
    '2|fan_in|truncated_normal': 'he_normal',
    '1|fan_in|uniform': 'lecun_uniform',
    '1|fan_in|truncated_normal': 'lecun_normal',
  };
  return ownEntry(named, key);
}

function regularizerArg(raw: unknown): Record<string, number> | undefined {
  if (!isObject(raw)) return undefined;
  const config = isObject(raw.config) ? raw.config : raw;
  const l1 = typeof config.l1 === 'number' ? config.l1 : 0;
  const l2 = typeof config.l2 === 'number' ? config.l2 : 0;
  return toRegularizer({ l1, l2 }) as Record<string, number> | undefined;
}

function compileSettings(compileConfig: unknown, trainingConfig: unknown): ModelSpec['compile'] | undefined {
  const source = isObject(compileConfig) ? compileConfig : isObject(trainingConfig) ? trainingConfig : undefined;
  if (!source) return undefined;
  const compile: NonNullable<ModelSpec['compile']> = {};
  const loss = source.loss;
  if (typeof loss === 'string') {
    compile.loss = canonicalLoss(loss) ?? loss;
  } else if (isObject(loss) && typeof loss.class_name === 'string') {
    const lossConfig = isObject(loss.config) ? loss.config : {};
    compile.loss =
      canonicalLoss(snakeCase(loss.class_name)) ??
      (typeof lossConfig.name === 'string' ? canonicalLoss(lossConfig.name) : undefined) ??
      snakeCase(loss.class_name);
    if (typeof lossConfig.from_logits === 'boolean') compile.from_logits = lossConfig.from_logits;
  }
  const optimizer = source.optimizer ?? source.optimizer_config;
  if (isObject(optimizer) && typeof optimizer.class_name === 'string') {
    const optimizerConfig = isObject(optimizer.config) ? optimizer.config : {};
    const name = snakeCase(optimizer.class_name).replace(/_/g, '');
    const spec: OptimizerSpec = { name: (OPTIMIZER_NAMES as string[]).includes(name) ? name : snakeCase(optimizer.class_name), args: {} };
    for (const [key, value] of Object.entries(optimizerConfig)) {
      if (key === 'learning_rate' || key === 'lr' || key === 'name') continue;
      if (typeof value === 'number' || typeof value === 'boolean') spec.args[key] = value;
    }
    compile.optimizer = spec;
    const rate = optimizerConfig.learning_rate ?? optimizerConfig.lr;
    if (typeof rate === 'number') compile.learning_rate = rate;
  } else if (typeof optimizer === 'string') {
    compile.optimizer = { name: optimizer.toLowerCase(), args: {} };
  }
  return Object.keys(compile).length > 0 ? compile : undefined;
}

/** Functional models: any layer fed by more than one layer (Add, Concatenate, skip connections) is beyond a linear stack. */
function branchingLayers(rawLayers: unknown[]): UnsupportedLayer[] {
  const found: UnsupportedLayer[] = [];
  const consumers = new Map<string, number>();
  for (const entry of rawLayers) {
    if (!isObject(entry)) continue;
    const inbound = inboundNames(entry.inbound_nodes);
    const name = isObject(entry.config) && typeof entry.config.name === 'string' ? entry.config.name : String(entry.name ?? '?');
    for (const source of inbound) consumers.set(source, (consumers.get(source) ?? 0) + 1);
    if (inbound.length > 1) {
      found.push({
        name,
        className: String(entry.class_name),
        reason: `\`${name}\` takes ${inbound.length} inputs; nn-preflight builds linear stacks of layers only`,
      });
    }
  }
  for (const [source, count] of consumers) {
    if (count > 1)
      found.push({ name: source, className: 'branch', reason: `\`${source}\` feeds ${count} layers; nn-preflight builds linear stacks of layers only` });
  }
  return found;
}

/** Layer names an inbound_nodes entry refers to, in both the Keras 2 (nested lists) and Keras 3 (keras_history) forms. */
function inboundNames(nodes: unknown): string[] {
  const names: string[] = [];
  const stack: unknown[] = [nodes];
  let visited = 0;
  while (stack.length > 0 && visited++ < 10_000) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      if (item.length >= 3 && typeof item[0] === 'string' && typeof item[1] === 'number') names.push(item[0]);
      else stack.push(...item);
    } else if (isObject(item)) {
      if (Array.isArray(item.keras_history) && typeof item.keras_history[0] === 'string') names.push(item.keras_history[0]);
      else stack.push(...Object.values(item));
    }
  }
  return names;
}

function shapeWithoutBatch(config: Json): number[] | undefined {
  const withBatch = config.batch_input_shape ?? config.batch_shape ?? config.batchInputShape;
  if (Array.isArray(withBatch) && withBatch.length >= 2) return positiveDims(withBatch.slice(1));
  if (Array.isArray(config.input_shape)) return positiveDims(config.input_shape);
  return undefined;
}

function positiveDims(dims: unknown[]): number[] | undefined {
  return dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0) ? (dims as number[]) : undefined;
}

function isCustom(entry: Json): boolean {
  const registered = entry.registered_name;
  if (typeof registered === 'string' && registered.includes('>')) return true;
  return typeof entry.module === 'string' && !entry.module.startsWith('keras');
}

/** A merging layer of an unknown class is reported once, with the more telling reason (its branching). */
function firstPerName(layers: UnsupportedLayer[]): UnsupportedLayer[] {
  const seen = new Set<string>();
  return layers.filter((l) => !seen.has(l.name) && seen.add(l.name));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
