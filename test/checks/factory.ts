// A small evidence factory for check tests: a setup described in a few fields becomes the YAML text
// (so key paths have real line ranges), the normalized config, a model summary, data stats and a smoke trace.
import { columnTransform } from '../../src/config/column-preprocessing.ts';
import type { InputPreprocessing, LayerSpec, PreflightConfig, SeverityOverride, TargetPreprocessing, Task } from '../../src/config/types.ts';
import type { ColumnStats, LoadedSplit } from '../../src/data/types.ts';
import type { SmokeTrace, LayerProbe } from '../../src/engine/types.ts';
import type { DataEvidence, Evidence, LabelSummary, ProcessedFeature } from '../../src/evidence/types.ts';
import type { LayerSummary, ModelSummary } from '../../src/model/types.ts';
import { parseYamlWithRanges } from '../../src/config/yaml-source.ts';
import { labelsAsSeen } from '../../src/evidence/build.ts';

export type LayerInput = Omit<Partial<LayerSpec>, 'kernel_initializer'> & {
  type: LayerSpec['type'];
  kernel_initializer?: string | { name: string; stddev?: number; value?: number };
};

export interface Columns {
  features: Record<string, number[]>;
  targets: Record<string, number[]>;
  /** extra per-column fields (text cells, empty cells) merged over the computed stats */
  patch?: Record<string, Partial<ColumnStats>>;
}

export interface Setup {
  task?: Task;
  inputs?: InputPreprocessing;
  targets?: TargetPreprocessing;
  layers?: LayerInput[];
  loss?: string;
  fromLogits?: boolean;
  optimizer?: string;
  /** written to the YAML only when given; the config then holds the optimizer's default */
  learningRate?: number;
  batchSize?: number;
  weightDecay?: number;
  classWeight?: Record<string, number>;
  earlyStopping?: boolean;
  train?: Columns;
  validation?: Columns;
  /** leave the data out, as when it failed to load */
  noData?: boolean;
  smoke?: Partial<SmokeTrace>;
  checks?: Record<string, SeverityOverride>;
  labels?: Partial<LabelSummary>;
  overlap?: DataEvidence['overlap'];
}

const DEFAULT_LAYERS: LayerInput[] = [
  { type: 'dense', units: 32, activation: 'relu' },
  { type: 'dense', units: 1, activation: 'linear' },
];

/** n values spread evenly over [low, high]: deterministic data with a known mean and spread. */
export function spread(n: number, low: number, high: number): number[] {
  return Array.from({ length: n }, (_, i) => low + ((high - low) * i) / Math.max(1, n - 1));
}

export function columnStats(name: string, values: number[]): ColumnStats {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((s, v) => s + v, 0) / (finite.length || 1);
  const std = Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (finite.length || 1));
  const counts = new Map<number, number>();
  for (const v of finite) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  return {
    name,
    count: values.length,
    numeric: finite.length,
    empty: 0,
    nan: values.filter(Number.isNaN).length,
    inf: values.filter((v) => v === Infinity || v === -Infinity).length,
    text: 0,
    textExamples: [],
    mean: finite.length ? mean : Number.NaN,
    std: finite.length ? std : Number.NaN,
    min: finite.length ? Math.min(...finite) : Number.NaN,
    max: finite.length ? Math.max(...finite) : Number.NaN,
    integer: finite.every(Number.isInteger),
    distinct: counts.size,
    values: sorted.map(([value, count]) => ({ value, count })),
  };
}

function buildSplit(columns: Columns, file: string): LoadedSplit {
  const patch = columns.patch ?? {};
  const stats = (entries: [string, number[]][]) => entries.map(([n, v]) => ({ ...columnStats(n, v), ...patch[n] }));
  const features = stats(Object.entries(columns.features));
  const targets = stats(Object.entries(columns.targets));
  const rows = Object.values(columns.features)[0]?.length ?? 0;
  const targetValues = Object.values(columns.targets);
  const y = new Float32Array(rows * targetValues.length);
  for (let r = 0; r < rows; r++) targetValues.forEach((v, c) => (y[r * targetValues.length + c] = v[r]));
  return {
    file,
    format: 'csv',
    bytes: 0,
    rows,
    featureNames: features.map((f) => f.name),
    targetNames: targets.map((t) => t.name),
    features,
    targets,
    sample: {
      rows,
      x: new Float32Array(rows * features.length),
      featureShape: [features.length],
      y,
      targetWidth: targetValues.length,
      rowIndex: new Int32Array(rows),
    },
  };
}

function processed(columns: ColumnStats[], fitOn: ColumnStats[], inputs: InputPreprocessing): ProcessedFeature[] {
  return columns.map((c, i) => {
    const fit = fitOn[i] ?? c;
    let scale = 1;
    let shift = 0;
    const how = columnTransform(inputs, c.name);
    if (how === 'standardize') [scale, shift] = [1 / fit.std, -fit.mean / fit.std];
    else if (how === 'minmax') [scale, shift] = [1 / (fit.max - fit.min), -fit.min / (fit.max - fit.min)];
    else if (typeof how === 'object') [scale, shift] = [how.scale, how.shift];
    if (!Number.isFinite(scale)) return { name: c.name, mean: NaN, std: NaN, min: NaN, max: NaN };
    return { name: c.name, mean: c.mean * scale + shift, std: c.std * Math.abs(scale), min: c.min * scale + shift, max: c.max * scale + shift };
  });
}

function labelsOf(split: LoadedSplit): LabelSummary {
  const t = split.targets;
  const min = Math.min(...t.map((c) => c.min));
  const max = Math.max(...t.map((c) => c.max));
  if (t.length === 1 && t[0].integer && (t[0].distinct ?? Infinity) <= 20) {
    const values = t[0].values ?? [];
    const classCounts = Object.fromEntries(values.map((v) => [String(v.value), v.count]));
    const total = values.reduce((s, v) => s + v.count, 0);
    const classes = values.map((v) => v.value);
    return {
      encoding: classes.every((c) => c === 0 || c === 1) ? 'binary' : 'class-ids',
      width: 1,
      classes,
      classCounts,
      majorityFraction: Math.max(...values.map((v) => v.count)) / total,
      min,
      max,
    };
  }
  return { encoding: 'continuous', width: t.length, min, max };
}

function renderValue(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${renderValue(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function renderYaml(setup: Setup, layers: LayerInput[]): string {
  const inputs = setup.inputs ?? 'standardize';
  const lines = [
    'version: 1',
    'data:',
    '  train: data/train.csv',
    ...(setup.validation ? ['  validation: data/val.csv'] : []),
    '  targets: [y]',
    'preprocessing:',
    `  inputs: ${renderValue(inputs)}`,
    `  targets: ${setup.targets ?? 'none'}`,
    'model:',
    '  layers:',
    ...layers.map((l) => `    - ${renderValue(l)}`),
    'training:',
    `  loss: ${setup.loss ?? 'mean_squared_error'}`,
    ...(setup.fromLogits !== undefined ? [`  from_logits: ${setup.fromLogits}`] : []),
    `  optimizer: ${setup.optimizer ?? 'adam'}`,
    ...(setup.learningRate !== undefined ? [`  learning_rate: ${setup.learningRate}`] : []),
    `  batch_size: ${setup.batchSize ?? 32}`,
    ...(setup.weightDecay !== undefined ? [`  weight_decay: ${setup.weightDecay}`] : []),
  ];
  return lines.join('\n') + '\n';
}

function toLayerSpec(input: LayerInput, index: number): LayerSpec {
  const { kernel_initializer: init, ...rest } = input;
  const spec: LayerSpec = { name: `${input.type}_${index}`, keyPath: `model.layers[${index}]`, ...rest };
  if (input.type === 'dense' && spec.activation === undefined) spec.activation = 'linear';
  if (init !== undefined) spec.kernel_initializer = typeof init === 'string' ? { name: init } : init;
  else if (input.type === 'dense') spec.kernel_initializer = { name: 'glorot_uniform' };
  return spec;
}

/** Shapes, parameter counts and effective activations for dense/dropout/activation/normalization stacks. */
export function summarize(specs: LayerSpec[], inputWidth: number): ModelSummary {
  let width = inputWidth;
  const layers: LayerSummary[] = specs.map((layer, index) => {
    const inputShape = [width];
    let params = 0;
    if (layer.type === 'dense' && layer.units) {
      params = width * layer.units + layer.units;
      width = layer.units;
    } else if (layer.type === 'batch_normalization') params = 4 * width;
    return { index, layer, inputShape, outputShape: [width], params, activation: layer.activation ?? 'linear' };
  });
  let finalLayerIndex = -1;
  layers.forEach((l, i) => {
    if (l.layer.type === 'dense') finalLayerIndex = i;
    if (l.layer.type === 'activation') {
      for (let j = i - 1; j >= 0; j--) {
        if (layers[j].layer.type === 'dense') {
          layers[j].activation = layers[j].activation === 'linear' ? l.activation : `${layers[j].activation}+${l.activation}`;
          break;
        }
      }
    }
  });
  const penalties = specs.flatMap((l) => (l.kernel_regularizer ? [l.kernel_regularizer.l1, l.kernel_regularizer.l2] : []));
  const dropouts = specs.filter((l) => l.type === 'dropout').map((l) => l.rate ?? 0);
  const total = layers.reduce((s, l) => s + l.params, 0);
  return {
    layers,
    totalParams: total,
    trainableParams: total,
    outputShape: [width],
    outputUnits: width,
    finalActivation: layers[finalLayerIndex]?.activation ?? 'linear',
    finalLayerIndex,
    hasNormalization: specs.some((l) => l.type === 'batch_normalization' || l.type === 'layer_normalization'),
    hasDropout: dropouts.length > 0,
    maxDropout: Math.max(0, ...dropouts),
    maxPenalty: Math.max(0, ...penalties),
    problems: [],
  };
}

export function regressionData(rows = 400): Columns {
  return { features: { a: spread(rows, -2, 2), b: spread(rows, 1, -1) }, targets: { y: spread(rows, -1, 1) } };
}

const DEFAULT_LR: Record<string, number> = { adam: 0.001, sgd: 0.01, rmsprop: 0.001 };

export function makeEvidence(setup: Setup = {}): Evidence {
  const layerInputs = setup.layers ?? DEFAULT_LAYERS;
  const text = renderYaml(setup, layerInputs);
  const parsed = parseYamlWithRanges(text, 'test.preflight.yml', { maxAliases: 10, maxDepth: 20 });
  if (!parsed.ok) throw new Error(`factory produced bad YAML: ${JSON.stringify(parsed.problems)}`);
  const specs = layerInputs.map(toLayerSpec);
  const trainColumns = setup.train ?? regressionData();
  const train = buildSplit(trainColumns, 'data/train.csv');
  const validation = setup.validation ? buildSplit(setup.validation, 'data/val.csv') : undefined;
  const inputs = setup.inputs ?? 'standardize';
  const optimizer = setup.optimizer ?? 'adam';
  const config: PreflightConfig = {
    version: 1,
    name: 'test',
    task: setup.task,
    data: {
      train: { kind: 'path', path: 'data/train.csv' },
      validation: validation ? { kind: 'path', path: 'data/val.csv' } : undefined,
      targets: ['y'],
      sample: 10000,
    },
    preprocessing: { inputs, targets: setup.targets ?? 'none' },
    model: { layers: specs, origin: { kind: 'layers' }, unsupported: [] },
    training: {
      loss: setup.loss ?? 'mean_squared_error',
      from_logits: setup.fromLogits ?? false,
      optimizer: { name: optimizer, args: {} },
      learning_rate: setup.learningRate ?? DEFAULT_LR[optimizer] ?? 0.001,
      learning_rate_explicit: setup.learningRate !== undefined,
      batch_size: setup.batchSize ?? 32,
      weight_decay: setup.weightDecay ?? 0,
      early_stopping: setup.earlyStopping ?? false,
      ...(setup.classWeight ? { class_weight: setup.classWeight } : {}),
    },
    smoke: { steps: 200, seed: 0, time_budget_s: 60 },
    checks: setup.checks ?? {},
  };
  const model = summarize(specs, train.features.length);
  const labels = { ...labelsOf(train), ...setup.labels };
  const data: DataEvidence | undefined = setup.noData
    ? undefined
    : {
        train: { split: train, processed: processed(train.features, train.features, inputs) },
        validation: validation ? { split: validation, processed: processed(validation.features, train.features, inputs) } : undefined,
        labels,
        // the real pipeline's view of the labels after the declared target preprocessing
        seenLabels: labelsAsSeen(labels, train.targets, config, model.outputUnits),
        overlap: setup.overlap,
        textFeatures: train.features.filter((f) => f.text > 0),
      };
  const task =
    setup.task ?? (config.training.loss.includes('crossentropy') ? (config.training.loss === 'binary_crossentropy' ? 'binary' : 'multiclass') : 'regression');
  return {
    configFile: 'test.preflight.yml',
    source: { file: 'test.preflight.yml', text, lines: text.split('\n'), ranges: parsed.parsed.ranges },
    config,
    task,
    taskInferred: setup.task === undefined,
    model,
    data,
    smoke: setup.smoke ? smokeTrace(setup.smoke) : undefined,
  };
}

export function probe(index: number, fields: Partial<LayerProbe> = {}): LayerProbe {
  return {
    index,
    name: `dense_${index}`,
    activation: 'relu',
    gradNorm: [0.1, 0.1, 0.1],
    gradMeanAbs: [0.01, 0.01, 0.01],
    updateRatio: [1e-3, 1e-3, 1e-3],
    ...fields,
  };
}

/** A healthy run: loss falls from 1 to 0.2, gradients balanced, controls pass. */
export function smokeTrace(fields: Partial<SmokeTrace> = {}): SmokeTrace {
  const loss = Array.from({ length: 100 }, (_, i) => 1 - 0.8 * (i / 99));
  return {
    backend: 'cpu',
    seed: 0,
    steps: 100,
    plannedSteps: 100,
    seconds: 1,
    stepsPerSecond: 100,
    batchSize: 32,
    learningRate: 0.001,
    loss,
    valLoss: [],
    probeSteps: [0, 50, 99],
    initialLoss: 1,
    expectedInitialLoss: 1,
    layers: [probe(0), probe(1, { activation: 'linear' })],
    init: { layerNames: ['dense_0', 'dense_1'], activationStd: [1, 0.9], gradNorm: [0.1, 0.1] },
    controls: {
      overfit: { samples: 32, steps: 100, startLoss: 1, finalLoss: 0.01, fitted: true },
      zeroedInputs: { realLosses: [0.2], zeroedLosses: [1], realFinal: 0.2, zeroedFinal: 1, pValue: 0.001 },
      baseline: { kind: 'mean', loss: 1 },
    },
    skipped: [],
    ...fields,
  };
}

/** Class ids `offset .. offset + classes - 1`, balanced, with two standardized-looking features. */
export function classData(classes: number, rows = 400, offset = 0): Columns {
  return { features: { a: spread(rows, -2, 2), b: spread(rows, 1, -1) }, targets: { y: Array.from({ length: rows }, (_, i) => (i % classes) + offset) } };
}

export function dense(units: number, activation?: string, extra: Partial<LayerInput> = {}): LayerInput {
  return { type: 'dense', units, ...(activation ? { activation } : {}), ...extra };
}
