// Hand-built evidence for engine tests: a small regression or classification table and an MLP description.
import type { LayerSpec, PreflightConfig, Task } from '../../src/config/types.ts';
import type { ColumnStats, LoadedSplit } from '../../src/data/types.ts';
import type { Evidence } from '../../src/evidence/types.ts';
import type { ModelSummary } from '../../src/model/types.ts';
import { Prng } from '../../src/engine/prng.ts';

export interface TableOptions {
  rows?: number;
  features?: number;
  seed?: number;
  task?: Task;
  classes?: number;
  /** multiplies every feature, to make unscaled inputs */
  featureScale?: number;
}

/** y = a linear function of the features plus a little noise (regression), or its argmax bucket (classes). */
export function makeTable(options: TableOptions = {}): { x: Float32Array; y: Float32Array; features: number } {
  const rows = options.rows ?? 200;
  const features = options.features ?? 4;
  const prng = new Prng(options.seed ?? 1);
  const weights = Array.from({ length: features }, () => prng.next() * 2 - 1);
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let f = 0; f < features; f++) {
      const v = prng.next() * 2 - 1;
      x[r * features + f] = v * (options.featureScale ?? 1);
      sum += v * weights[f];
    }
    if (options.task === 'multiclass' || options.task === 'binary') {
      const classes = options.task === 'binary' ? 2 : (options.classes ?? 3);
      const bucket = Math.floor(((Math.tanh(2 * sum) + 1) / 2) * classes);
      y[r] = Math.min(classes - 1, bucket);
    } else {
      y[r] = sum + (prng.next() - 0.5) * 0.05;
    }
  }
  return { x, y, features };
}

export function columnStats(name: string, values: Float32Array, stride: number, offset: number): ColumnStats {
  const column: number[] = [];
  for (let i = offset; i < values.length; i += stride) column.push(values[i]);
  const mean = column.reduce((a, b) => a + b, 0) / column.length;
  const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
  return {
    name,
    count: column.length,
    numeric: column.length,
    empty: 0,
    nan: 0,
    inf: 0,
    text: 0,
    textExamples: [],
    mean,
    std,
    min: Math.min(...column),
    max: Math.max(...column),
    integer: column.every(Number.isInteger),
    distinct: null,
  };
}

function split(x: Float32Array, y: Float32Array, features: number): LoadedSplit {
  const rows = y.length;
  return {
    file: 'train.csv',
    format: 'csv',
    bytes: 0,
    rows,
    featureNames: Array.from({ length: features }, (_, i) => `f${i}`),
    targetNames: ['y'],
    features: Array.from({ length: features }, (_, i) => columnStats(`f${i}`, x, features, i)),
    targets: [columnStats('y', y, 1, 0)],
    sample: { rows, x, featureShape: [features], y, targetWidth: 1, rowIndex: Int32Array.from({ length: rows }, (_, i) => i) },
  };
}

export const dense = (units: number, activation = 'linear', extra: Partial<LayerSpec> = {}): LayerSpec => ({
  type: 'dense',
  name: `dense_${units}_${activation}`,
  units,
  activation,
  ...extra,
});

export interface EvidenceOptions {
  x: Float32Array;
  y: Float32Array;
  features: number;
  layers: LayerSpec[];
  task?: Task;
  loss?: string;
  fromLogits?: boolean;
  optimizer?: string;
  optimizerArgs?: Record<string, number | boolean>;
  learningRate?: number;
  batchSize?: number;
  steps?: number;
  seed?: number;
  inputs?: PreflightConfig['preprocessing']['inputs'];
  targets?: PreflightConfig['preprocessing']['targets'];
  validation?: { x: Float32Array; y: Float32Array };
}

export function makeEvidence(o: EvidenceOptions): Evidence {
  const config: PreflightConfig = {
    version: 1,
    name: 'test',
    task: o.task ?? 'regression',
    data: { train: { kind: 'path', path: 'train.csv' }, targets: ['y'], sample: 10000 },
    preprocessing: { inputs: o.inputs ?? 'none', targets: o.targets ?? 'none' },
    model: { layers: o.layers.map((l, i) => ({ ...l, name: `${l.name}_${i}` })), origin: { kind: 'layers' }, unsupported: [] },
    training: {
      loss: o.loss ?? 'mean_squared_error',
      from_logits: o.fromLogits ?? false,
      optimizer: { name: o.optimizer ?? 'adam', args: o.optimizerArgs ?? {} },
      learning_rate: o.learningRate ?? 0.01,
      learning_rate_explicit: true,
      batch_size: o.batchSize ?? 32,
      weight_decay: 0,
      early_stopping: false,
    },
    smoke: { steps: o.steps ?? 30, seed: o.seed ?? 0, time_budget_s: 60 },
    checks: {},
  };
  const train = split(o.x, o.y, o.features);
  const validation = o.validation ? split(o.validation.x, o.validation.y, o.features) : undefined;
  return {
    configFile: 'test.preflight.yml',
    source: { file: 'test.preflight.yml', text: '', lines: [], ranges: {} },
    config,
    task: config.task!,
    taskInferred: false,
    model: summarize(config.model.layers, o.features),
    data: {
      train: { split: train, processed: [] },
      validation: validation ? { split: validation, processed: [] } : undefined,
      labels: { encoding: config.task === 'regression' ? 'continuous' : 'class-ids', width: 1, min: 0, max: 1 },
      textFeatures: [],
    },
  };
}

/** A minimal summary for dense stacks: enough for the engine (output units, activations, indices). */
function summarize(layers: LayerSpec[], features: number): ModelSummary {
  let width = features;
  const summaries = layers.map((layer, index) => {
    const inputShape = [width];
    if (layer.type === 'dense') width = layer.units!;
    return { index, layer, inputShape, outputShape: [width], params: 0, activation: layer.activation ?? 'linear' };
  });
  const last = layers.length - 1;
  return {
    layers: summaries,
    totalParams: 0,
    trainableParams: 0,
    outputShape: [width],
    outputUnits: width,
    finalActivation: layers[last].activation ?? 'linear',
    finalLayerIndex: last,
    hasNormalization: false,
    hasDropout: false,
    maxDropout: 0,
    maxPenalty: 0,
    problems: [],
  };
}

/** The smoke options the config asks for itself (its `smoke:` keys): what the pipeline resolves for the engine. */
export function configSmokeOptions(evidence: Evidence): { steps: number; seed: number; timeBudgetS: number } {
  const { smoke } = evidence.config;
  return { steps: smoke.steps, seed: smoke.seed, timeBudgetS: smoke.time_budget_s };
}
