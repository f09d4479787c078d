// Every bound nn-preflight puts on what a pull request may ask of it, in one typed value. Anyone who can
// open a pull request can hand the tool a config, so each resource it spends (bytes, rows, parameters,
// memory, seconds) has a ceiling, and crossing one is a finding, never a crash or an out-of-memory kill.
import type { ModelSpec } from './config/types.ts';
import { DEFAULT_CONFIG_LIMITS, type ConfigLimits } from './config/load.ts';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './data/types.ts';
import { estimateTrainingMemoryBytes } from './model/summarize.ts';
import type { ModelSummary } from './model/types.ts';
import { DEFAULT_WORKER_LIMITS } from './engine/worker.ts';
import { MAX_WEIGHT_BYTES, MAX_WEIGHT_VALUES } from './config/tfjs-weights.ts';
import { MAX_QUOTED_CHARS } from './quote.ts';
import { REPORT_WRITE_LIMITS } from './report/json.ts';

export interface ModelLimits {
  /** total parameters (trainable or not) the model may have */
  maxParams: number;
  /** estimated bytes of one training step: weights, gradients, optimizer state, activations */
  maxTrainingMemoryBytes: number;
}

export interface SmokeLimits {
  /** the most seconds one config's smoke run may ask for (`smoke.time_budget_s`, `--time-budget`) */
  maxSecondsPerConfig: number;
  /** the most smoke-run seconds the whole run spends over all its configs */
  maxSecondsPerRun: number;
  /** seconds the worker may run past its budget before it is terminated */
  workerMarginS: number;
  /** old-generation heap cap of the smoke worker, in MB */
  workerHeapMb: number;
}

/**
 * Fixed bounds on what nn-preflight reads from model files and writes out, whatever the input. They
 * live beside the code that applies them and are gathered here so every number has one place to look.
 */
export interface OutputLimits {
  /** bytes of TF.js weight shards one model file may name */
  maxWeightBytes: number;
  /** values all weights of one model file may hold together (checked from the shapes, before allocating) */
  maxWeightValues: number;
  /** characters of any value from a pull request's files that a message quotes */
  maxQuotedChars: number;
  /** characters of report.json (what the workflow_run publisher accepts); more drops the least severe findings */
  maxReportJsonChars: number;
  /** characters of one finding's message in report.json */
  maxReportMessageChars: number;
  /** characters of one finding's evidence in report.json */
  maxReportEvidenceChars: number;
}

export interface Limits {
  config: ConfigLimits;
  data: DataLimits;
  model: ModelLimits;
  smoke: SmokeLimits;
  output: OutputLimits;
}

export const DEFAULT_MODEL_LIMITS: ModelLimits = {
  // A smoke run on a CI runner takes a few hundred steps of a model this size within its budget;
  // anything larger would only time out, or exhaust the runner's 7 GB.
  maxParams: 20_000_000,
  maxTrainingMemoryBytes: 2 * 1024 ** 3,
};

export const DEFAULT_SMOKE_LIMITS: SmokeLimits = {
  maxSecondsPerConfig: 600,
  maxSecondsPerRun: 1800,
  workerMarginS: DEFAULT_WORKER_LIMITS.marginS,
  workerHeapMb: DEFAULT_WORKER_LIMITS.maxHeapMb,
};

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  maxWeightBytes: MAX_WEIGHT_BYTES,
  maxWeightValues: MAX_WEIGHT_VALUES,
  maxQuotedChars: MAX_QUOTED_CHARS,
  maxReportJsonChars: REPORT_WRITE_LIMITS.documentChars,
  maxReportMessageChars: REPORT_WRITE_LIMITS.messageChars,
  maxReportEvidenceChars: REPORT_WRITE_LIMITS.evidenceChars,
};

export const DEFAULT_LIMITS: Limits = {
  config: DEFAULT_CONFIG_LIMITS,
  data: DEFAULT_DATA_LIMITS,
  model: DEFAULT_MODEL_LIMITS,
  smoke: DEFAULT_SMOKE_LIMITS,
  output: DEFAULT_OUTPUT_LIMITS,
};

/** A model the smoke run must not build, with the numbers and the layer that weighs most. */
export interface ModelLimitProblem {
  message: string;
  /** index into the model's layers of the heaviest layer, when there is one */
  layerIndex?: number;
  measured: number;
  limit: number;
  what: 'parameters' | 'training memory';
}

/**
 * Checks the parameter count and the training-memory estimate of a summarized model against the limits.
 * Pure arithmetic over the summary: nothing is allocated, so a billion-unit layer costs no more than a small one.
 */
export function modelLimitProblems(model: ModelSpec, summary: ModelSummary, batchSize: number, limits: ModelLimits): ModelLimitProblem[] {
  const problems: ModelLimitProblem[] = [];
  const heaviest = heaviestLayer(summary, (l) => l.params);
  if (summary.totalParams > limits.maxParams) {
    const layerText =
      heaviest !== undefined ? ` Layer ${heaviest} (\`${model.layers[heaviest]?.name}\`) alone has ${formatCount(summary.layers[heaviest].params)}.` : '';
    problems.push({
      message: `The model has ${formatCount(summary.totalParams)} parameters; nn-preflight builds models of at most ${formatCount(limits.maxParams)}, so it was not built.${layerText}`,
      layerIndex: heaviest,
      measured: summary.totalParams,
      limit: limits.maxParams,
      what: 'parameters',
    });
    // The memory estimate would only restate the same excess.
    return problems;
  }
  const bytes = estimateTrainingMemoryBytes(summary, batchSize);
  if (bytes > limits.maxTrainingMemoryBytes) {
    const widest = heaviestLayer(summary, (l) => (l.outputShape.length > 0 ? l.outputShape.reduce((a, b) => a * b, 1) : 0));
    const layerText =
      widest !== undefined
        ? ` Layer ${widest} (\`${model.layers[widest]?.name}\`) outputs ${summary.layers[widest].outputShape.join('x')} values per sample.`
        : '';
    problems.push({
      message: `One training step of this model with batch size ${batchSize} needs about ${formatBytes(bytes)} (weights, gradients, optimizer state and activations); the limit is ${formatBytes(limits.maxTrainingMemoryBytes)}, so it was not built.${layerText}`,
      layerIndex: widest,
      measured: bytes,
      limit: limits.maxTrainingMemoryBytes,
      what: 'training memory',
    });
  }
  return problems;
}

function heaviestLayer(summary: ModelSummary, weight: (layer: ModelSummary['layers'][number]) => number): number | undefined {
  let best: number | undefined;
  let bestWeight = 0;
  for (const layer of summary.layers) {
    const w = weight(layer);
    if (w > bestWeight) {
      best = layer.index;
      bestWeight = w;
    }
  }
  return best;
}

export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? n.toLocaleString('en-US') : n.toExponential(2);
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * Seconds the next config's smoke run may use: its own request, capped per config and by what the whole
 * run has left. `clamped` says the request was cut, so the report can say why.
 */
export function smokeSecondsFor(requested: number, spentS: number, limits: SmokeLimits): { seconds: number; clamped: 'config' | 'run' | undefined } {
  const left = Math.max(0, limits.maxSecondsPerRun - spentS);
  const seconds = Math.min(requested, limits.maxSecondsPerConfig, left);
  const clamped = seconds >= requested ? undefined : left < Math.min(requested, limits.maxSecondsPerConfig) ? 'run' : 'config';
  return { seconds, clamped };
}
