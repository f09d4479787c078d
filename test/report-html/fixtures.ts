// Hand-made evidence and smoke traces for the HTML report tests: a tabular regression with a
// validation split, a small image classifier, and the tabular run compared with its base ref.
import type { InputPreprocessing, PreflightConfig, Task } from '../../src/config/types.ts';
import type { ColumnStats, LoadedSplit } from '../../src/data/types.ts';
import type { Evidence } from '../../src/evidence/types.ts';
import { processFeatures, summarizeLabels } from '../../src/evidence/build.ts';
import type { SmokeTrace } from '../../src/engine/types.ts';
import type { Finding } from '../../src/findings/types.ts';
import type { ConfigResult } from '../../src/report/types.ts';
import { buildReport, smokeSummary } from '../../src/report/build.ts';
import type { Report } from '../../src/report/types.ts';
import { withChartData } from '../../src/report/build-chart-data.ts';
import type { BaseComparison } from '../../src/evidence/comparison.ts';

/** Exact statistics of one column, computed the plain way (an oracle independent of the loaders). */
export function columnStats(name: string, values: ArrayLike<number>): ColumnStats {
  const list = Array.from(values);
  const finite = list.filter(Number.isFinite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const std = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length);
  const counts = new Map<number, number>();
  for (const v of finite) counts.set(v, (counts.get(v) ?? 0) + 1);
  return {
    name,
    count: list.length,
    numeric: finite.length,
    empty: 0,
    nan: list.length - finite.length,
    inf: 0,
    text: 0,
    textExamples: [],
    mean,
    std,
    min: Math.min(...finite),
    max: Math.max(...finite),
    integer: finite.every(Number.isInteger),
    distinct: counts.size,
    values: [...counts].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count })),
  };
}

/** A deterministic pseudo-random stream (no Math.random in tests). */
export function stream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function tabularSplit(file: string, columns: Record<string, number[]>, target: number[]): LoadedSplit {
  const names = Object.keys(columns);
  const rows = target.length;
  const x = new Float32Array(rows * names.length);
  names.forEach((name, c) => columns[name].forEach((v, r) => (x[r * names.length + c] = v)));
  return {
    file,
    format: 'csv',
    bytes: 1000,
    rows,
    featureNames: names,
    targetNames: ['price'],
    features: names.map((name) => columnStats(name, columns[name])),
    targets: [columnStats('price', target)],
    sample: { rows, x, featureShape: [names.length], y: Float32Array.from(target), targetWidth: 1, rowIndex: Int32Array.from({ length: rows }, (_, i) => i) },
  };
}

function config(name: string, inputs: InputPreprocessing, loss: string): PreflightConfig {
  return {
    version: 1,
    name,
    data: { train: { kind: 'path', path: 'train.csv' }, sample: 10000 },
    preprocessing: { inputs, targets: 'none' },
    model: { layers: [], origin: { kind: 'layers' }, unsupported: [] },
    training: {
      loss,
      from_logits: false,
      optimizer: { name: 'adam', args: {} },
      learning_rate: 0.001,
      learning_rate_explicit: true,
      batch_size: 32,
      weight_decay: 0,
      early_stopping: false,
    },
    smoke: { steps: 60, seed: 0, time_budget_s: 60 },
    checks: {},
  };
}

function evidenceOf(configFile: string, cfg: PreflightConfig, task: Task, train: LoadedSplit, validation?: LoadedSplit): Evidence {
  const inputs = cfg.preprocessing.inputs;
  return {
    configFile,
    source: { file: configFile, text: '', lines: [], ranges: {} },
    config: cfg,
    task,
    taskInferred: false,
    model: {
      layers: [],
      totalParams: 0,
      trainableParams: 0,
      outputShape: [1],
      outputUnits: 1,
      finalActivation: 'linear',
      finalLayerIndex: 0,
      hasNormalization: false,
      hasDropout: false,
      maxDropout: 0,
      maxPenalty: 0,
      problems: [],
    },
    data: {
      train: { split: train, processed: processFeatures(train.features, train.features, inputs) },
      validation: validation ? { split: validation, processed: processFeatures(validation.features, train.features, inputs) } : undefined,
      labels: summarizeLabels(train),
      textFeatures: [],
    },
  };
}

export function finding(id: string, file: string, overrides: Partial<Finding> = {}): Finding {
  return {
    id,
    severity: 'warning',
    title: `title of ${id}`,
    message: `message of ${id}`,
    fix: `fix for ${id}`,
    file,
    line: 3,
    docs: `docs/checks/${id}.md`,
    evidence: {},
    ...overrides,
  };
}

/** A smoke trace with per-layer probes, a validation curve and every control run. */
export function smokeTrace(layerNames: string[], steps = 60): SmokeTrace {
  const next = stream(7);
  const probeSteps = [10, 20, 30, 40, 50, 60].filter((s) => s <= steps);
  return {
    backend: 'cpu',
    seed: 0,
    steps,
    plannedSteps: steps,
    seconds: 1.5,
    stepsPerSecond: steps / 1.5,
    batchSize: 32,
    learningRate: 0.001,
    loss: Array.from({ length: steps }, (_, i) => 4 * Math.exp(-i / 15) + 0.2 + 0.05 * next()),
    valLoss: probeSteps.map((s) => 4 * Math.exp(-s / 15) + 0.4),
    probeSteps,
    initialLoss: 4.2,
    expectedInitialLoss: 1,
    layers: layerNames.map((name, index) => ({
      index,
      name,
      activation: index === layerNames.length - 1 ? 'linear' : 'relu',
      gradNorm: probeSteps.map((_, k) => 10 ** (index * 2 - 3) * (1 + k / 10)),
      gradMeanAbs: probeSteps.map(() => 1e-3),
      updateRatio: probeSteps.map(() => 10 ** (-2 - index)),
      deadFraction: index === layerNames.length - 1 ? undefined : 0.3 + 0.4 * index,
      saturatedFraction: undefined,
    })),
    init: { layerNames, activationStd: layerNames.map((_, i) => 10 ** i), gradNorm: layerNames.map((_, i) => 10 ** -i) },
    controls: {
      overfit: { samples: 16, steps: 100, startLoss: 4, finalLoss: 0.5, fitted: false },
      zeroedInputs: { realLosses: [4, 3, 2, 1.5], zeroedLosses: [4, 3.9, 3.8, 3.8], realFinal: 1.5, zeroedFinal: 3.8, pValue: 0.01 },
      lrRange: {
        lrs: Array.from({ length: 20 }, (_, i) => 1e-6 * 2.5 ** i),
        losses: Array.from({ length: 20 }, (_, i) => (i < 16 ? 4 - i * 0.2 : 50)),
        divergedAt: 1e-6 * 2.5 ** 16,
        bestLr: 1e-6 * 2.5 ** 15,
        suggestedLr: 1e-6 * 2.5 ** 13,
      },
      widened: { factor: 2, fitted: true, finalLoss: 0.1, startLoss: 4 },
      baseline: { kind: 'mean', loss: 1 },
    },
    skipped: [],
  };
}

/** User-controlled text that must come out escaped. */
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>"&\'';

/** A config's result with the evidence and trace it came from; reportOf gives it its chart data as the pipeline does. */
export interface HtmlRun {
  result: ConfigResult;
  evidence?: Evidence;
  trace?: SmokeTrace;
}

export function tabularRun(): HtmlRun {
  const next = stream(1);
  const rows = 120;
  const sqft = Array.from({ length: rows }, () => 500 + 3000 * next());
  const rooms = Array.from({ length: rows }, () => 1 + Math.floor(6 * next()));
  const weird = Array.from({ length: rows }, () => 0.001 * next());
  const price = sqft.map((s, i) => 100 * s + 5000 * rooms[i]);
  const train = tabularSplit('train.csv', { sqft, rooms, [HOSTILE_NAME]: weird }, price);
  const validation = tabularSplit(
    'val.csv',
    { sqft: sqft.slice(0, 40).map((v) => v / 1000), rooms: rooms.slice(0, 40), [HOSTILE_NAME]: weird.slice(0, 40) },
    price.slice(0, 40),
  );
  const file = 'examples/housing/housing.preflight.yml';
  const evidence = evidenceOf(file, config('housing <b>mlp</b>', 'none', 'mean_squared_error'), 'regression', train, validation);
  const trace = smokeTrace(['dense', 'dense_1', 'dense_2']);
  evidence.smoke = trace;
  const findings: Finding[] = [
    finding('unscaled-inputs', file, { evidence: { features: [{ name: 'sqft' }] }, message: `feature ${HOSTILE_NAME} is off` }),
    finding('validation-distribution-shift', file),
    finding('exploding-gradients', file, { severity: 'error' }),
    finding('dead-relus', file),
    finding('loss-not-decreasing', file, { severity: 'error' }),
    finding('no-regularization', file, { severity: 'notice' }),
  ];
  const result: ConfigResult = { config: file, name: 'housing <b>mlp</b>', findings, smoke: smokeSummary(trace) };
  return { result, evidence, trace };
}

export const IMAGE_SIZE = 8;

export function imageRun(): HtmlRun {
  const next = stream(2);
  const rows = 30;
  const channels = 3;
  const perImage = IMAGE_SIZE * IMAGE_SIZE * channels;
  const x = new Float32Array(rows * perImage);
  for (let i = 0; i < x.length; i++) x[i] = Math.floor(256 * next());
  const labels = Array.from({ length: rows }, (_, r) => (r % 5 === 0 ? 1 : 0));
  const channelColumns = Array.from({ length: channels }, (_, c) =>
    columnStats(
      `channel ${c}`,
      x.filter((_, i) => i % channels === c),
    ),
  );
  const train: LoadedSplit = {
    file: 'images/train/',
    format: 'images',
    bytes: x.length,
    rows,
    featureNames: channelColumns.map((c) => c.name),
    targetNames: ['class'],
    features: channelColumns,
    targets: [columnStats('class', labels)],
    sample: {
      rows,
      x,
      featureShape: [IMAGE_SIZE, IMAGE_SIZE, channels],
      y: Float32Array.from(labels),
      targetWidth: 1,
      rowIndex: Int32Array.from({ length: rows }, (_, i) => i),
    },
    classNames: ['cat', 'dog'],
  };
  const file = 'vision/cats.preflight.yml';
  const evidence = evidenceOf(file, config('cats-vs-dogs', { scale: 1 / 255, shift: 0 }, 'sparse_categorical_crossentropy'), 'multiclass', train);
  const findings: Finding[] = [finding('class-imbalance', file, { severity: 'notice' }), finding('config-error', file, { severity: 'error' })];
  return { result: { config: file, name: 'cats-vs-dogs', findings }, evidence };
}

export function reportOf(runs: HtmlRun[]): Report {
  return buildReport(
    runs.map((run) => withChartData(run.result, run.evidence, run.trace)),
    'error',
    '9.9.9',
  );
}

/** A comparison with the base ref where the head diverged on one seed; override any field. */
export function baseComparison(overrides: Partial<BaseComparison> = {}): BaseComparison {
  return {
    ref: 'origin/main',
    status: 'compared',
    source: 'github-api',
    metric: 'loss',
    steps: 60,
    seeds: [0, 1, 2],
    base: { finals: [0.1, 0.12, 0.11], meanFinal: 0.11, curve: Array.from({ length: 60 }, (_, i) => 3 * Math.exp(-i / 10) + 0.1) },
    head: { finals: [Number.POSITIVE_INFINITY, 0.9, 1], meanFinal: Number.POSITIVE_INFINITY, curve: [] },
    scale: 'log',
    difference: Number.POSITIVE_INFINITY,
    seedNoise: 0.05,
    threshold: 0.15,
    verdict: 'regression',
    changes: [
      { key: 'training.learning_rate', base: '0.01', head: '3', revertedFinal: 0.1 },
      { key: 'model.layers[1].units', base: '64', head: '8' },
    ],
    changedFiles: ['data/train.csv'],
    notes: ['head seed 0 gave no final loss'],
    ...overrides,
  };
}

/** What `evidence.fix_check` holds: a 60-step run before and after the fix, on 6 recorded steps. */
export function fixCheck(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const steps = [1, 12, 24, 36, 48, 60];
  return {
    change: 'preprocessing.inputs: standardize',
    seed: 0,
    steps: 60,
    metric: 'loss',
    before: 2,
    after: 0.5,
    verified: true,
    curve: { steps, before: steps.map((s) => 4 - s / 30), after: steps.map((s) => 4 * Math.exp(-s / 10) + 0.5) },
    ...overrides,
  };
}

/** The tabular run compared with its base, with a regression finding and two fix checks (one verified). */
export function counterfactualRun(comparison: BaseComparison = baseComparison()): HtmlRun {
  const run = tabularRun();
  const file = run.result.config;
  run.result.comparison = comparison;
  run.result.findings = [
    finding('training-regression', file),
    finding('unscaled-inputs', file, { evidence: { fix_check: fixCheck() } }),
    finding('learning-rate-too-high', file, { evidence: { fix_check: fixCheck({ change: 'training.learning_rate: 0.001', after: 1.9, verified: false }) } }),
  ];
  return run;
}
