// Turns a loaded config and its data into the one Evidence value the checks read.
import { withTargetWidth } from '../config/framework.ts';
import type { ConfigSource, InputPreprocessing, PreflightConfig, Task } from '../config/types.ts';
import type { ColumnStats, LoadedSplit } from '../data/types.ts';
import type { ModelSummary } from '../model/types.ts';
import { columnTransform } from '../config/column-preprocessing.ts';
import { ownEntry } from '../own-entry.ts';
import { maxOf, minOf } from '../extremes.ts';
import type { DataEvidence, Evidence, LabelSummary, ProcessedFeature, SplitEvidence } from './types.ts';

const CLASSIFICATION_LOSSES: Record<string, Task> = {
  binary_crossentropy: 'binary',
  binary_focal_crossentropy: 'binary',
  hinge: 'binary',
  squared_hinge: 'binary',
  categorical_crossentropy: 'multiclass',
  sparse_categorical_crossentropy: 'multiclass',
  categorical_hinge: 'multiclass',
  categorical_focal_crossentropy: 'multiclass',
  kl_divergence: 'multiclass',
  nll_loss: 'multiclass',
  kl_div: 'multiclass',
};

export interface EvidenceInput {
  configFile: string;
  source: ConfigSource;
  config: PreflightConfig;
  model: ModelSummary;
  train?: LoadedSplit;
  validation?: LoadedSplit;
}

export function buildEvidence(input: EvidenceInput): Evidence {
  // PyTorch's CrossEntropyLoss reads class indices or class probabilities: the data says which.
  const config = input.train ? withTargetWidth(input.config, input.train.sample.targetWidth) : input.config;
  const data = input.train ? buildDataEvidence(config, input.train, input.validation, input.model.outputUnits) : undefined;
  const declared = config.task;
  const task = declared ?? inferTask(config, data?.seenLabels ?? data?.labels);
  return {
    configFile: input.configFile,
    source: input.source,
    config,
    task,
    taskInferred: declared === undefined,
    model: input.model,
    data,
  };
}

/** The loss says what the user means to do; the labels settle binary vs multilabel. */
export function inferTask(config: PreflightConfig, labels?: LabelSummary): Task {
  const fromLoss = ownEntry(CLASSIFICATION_LOSSES, config.training.loss);
  if (fromLoss === 'binary' && labels && labels.width > 1) return labels.encoding === 'one-hot' ? 'multiclass' : 'multilabel';
  return fromLoss ?? 'regression';
}

function buildDataEvidence(config: PreflightConfig, train: LoadedSplit, validation: LoadedSplit | undefined, outputUnits: number): DataEvidence {
  const trainEvidence: SplitEvidence = { split: train, processed: processFeatures(train.features, train.features, config.preprocessing.inputs) };
  const validationEvidence = validation
    ? { split: validation, processed: processFeatures(validation.features, train.features, config.preprocessing.inputs) }
    : undefined;
  const labels = summarizeLabels(train);
  return {
    train: trainEvidence,
    validation: validationEvidence,
    labels,
    seenLabels: labelsAsSeen(labels, train.targets, config, outputUnits),
    overlap: validation ? findOverlap(train, validation) : undefined,
    textFeatures: train.features.filter((f) => f.text > 0),
  };
}

/**
 * Statistics after the declared preprocessing. A real pipeline fits its scaler on the training split and
 * applies it to every split, so validation features are transformed with the *training* statistics.
 */
export function processFeatures(columns: ColumnStats[], fitOn: ColumnStats[], inputs: InputPreprocessing): ProcessedFeature[] {
  return columns.map((c, i) => {
    const fit = fitOn[i] ?? c;
    const how = columnTransform(inputs, c.name);
    let scale = 1;
    let shift = 0;
    if (how === 'standardize') {
      scale = fit.std > 0 ? 1 / fit.std : Number.POSITIVE_INFINITY;
      shift = -fit.mean * scale;
    } else if (how === 'minmax') {
      const range = fit.max - fit.min;
      scale = range > 0 ? 1 / range : Number.POSITIVE_INFINITY;
      shift = -fit.min * scale;
    } else if (typeof how === 'object') {
      scale = how.scale;
      shift = how.shift;
    }
    if (!Number.isFinite(scale)) return { name: c.name, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
    const a = c.min * scale + shift;
    const b = c.max * scale + shift;
    return { name: c.name, mean: c.mean * scale + shift, std: c.std * Math.abs(scale), min: Math.min(a, b), max: Math.max(a, b) };
  });
}

/** How the targets are encoded, read from the whole-file stats and the sample rows. */
export function summarizeLabels(train: LoadedSplit): LabelSummary {
  const { y, targetWidth, rows } = train.sample;
  const targets = train.targets;
  const min = minOf(targets.map((t) => t.min));
  const max = maxOf(targets.map((t) => t.max));
  if (targetWidth === 1) {
    const t = targets[0];
    const isClassIds = t !== undefined && t.integer && t.values !== undefined && t.values.length <= 1000 && t.values.length < Math.max(3, t.numeric / 2);
    if (!isClassIds || !t.values) return { encoding: 'continuous', width: 1, min, max };
    const classCounts: Record<string, number> = {};
    for (const v of t.values) classCounts[String(v.value)] = v.count;
    const classes = t.values.map((v) => v.value);
    const total = t.values.reduce((s, v) => s + v.count, 0);
    const majority = maxOf(t.values.map((v) => v.count));
    const binary = classes.every((c) => c === 0 || c === 1);
    return { encoding: binary ? 'binary' : 'class-ids', width: 1, classes, classCounts, majorityFraction: total > 0 ? majority / total : undefined, min, max };
  }
  const zeroOne = targets.every((t) => t.values !== undefined && t.values.every((v) => v.value === 0 || v.value === 1));
  if (!zeroOne) return { encoding: 'continuous', width: targetWidth, min, max };
  let multiHotRows = 0;
  const classCounts: Record<string, number> = {};
  for (let r = 0; r < rows; r++) {
    let ones = 0;
    for (let c = 0; c < targetWidth; c++) {
      if (y[r * targetWidth + c] === 1) {
        ones++;
        classCounts[String(c)] = (classCounts[String(c)] ?? 0) + 1;
      }
    }
    if (ones > 1) multiHotRows++;
  }
  const counts = Object.values(classCounts);
  const total = counts.reduce((s, n) => s + n, 0);
  return {
    encoding: multiHotRows > 0 ? 'multi-hot' : 'one-hot',
    width: targetWidth,
    classes: Array.from({ length: targetWidth }, (_, i) => i),
    classCounts,
    majorityFraction: total > 0 ? maxOf(counts) / total : undefined,
    multiHotRows,
    min,
    max,
  };
}

/**
 * The label summary after the declared target preprocessing, as prepare-data.ts builds the targets:
 * `one_hot` turns one column of class ids into rows of width max(output units, largest id + 1),
 * `minmax` maps each column to [0, 1] and `standardize` to zero mean and unit std (0/1 labels stay 0/1
 * under minmax). Labels the preprocessing cannot apply to (one_hot on non-integer values) stay as they are.
 */
export function labelsAsSeen(
  raw: LabelSummary,
  targets: ColumnStats[],
  config: Pick<PreflightConfig, 'preprocessing' | 'model'>,
  outputUnits?: number,
): LabelSummary {
  const how = config.preprocessing.targets;
  if (how === 'none') return raw;
  if (how === 'one_hot') {
    const ids = (raw.encoding === 'class-ids' || raw.encoding === 'binary') && raw.width === 1 && raw.min >= 0;
    if (!ids) return raw;
    const units = outputUnits ?? lastUnits(config.model);
    const width = Math.max(units, Math.floor(raw.max) + 1);
    return {
      encoding: 'one-hot',
      width,
      classes: Array.from({ length: width }, (_, i) => i),
      ...(raw.classCounts ? { classCounts: raw.classCounts } : {}),
      ...(raw.majorityFraction !== undefined ? { majorityFraction: raw.majorityFraction } : {}),
      multiHotRows: 0,
      min: 0,
      max: 1,
    };
  }
  if (how === 'minmax') {
    if (raw.encoding === 'binary' || raw.encoding === 'one-hot' || raw.encoding === 'multi-hot') return raw;
    return { encoding: 'continuous', width: raw.width, min: 0, max: 1 };
  }
  const scaled = targets.filter((t) => t.std > 0 && Number.isFinite(t.std)).map((t) => ({ min: (t.min - t.mean) / t.std, max: (t.max - t.mean) / t.std }));
  if (scaled.length === 0) return raw;
  return { encoding: 'continuous', width: raw.width, min: Math.min(...scaled.map((s) => s.min)), max: Math.max(...scaled.map((s) => s.max)) };
}

function lastUnits(model: PreflightConfig['model']): number {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const units = model.layers[i].units ?? model.layers[i].filters;
    if (units !== undefined) return units;
  }
  return 1;
}

/** Rows of the validation sample that also appear, feature for feature and target for target, in the train sample. */
export function findOverlap(train: LoadedSplit, validation: LoadedSplit): DataEvidence['overlap'] {
  const trainRows = new Set<string>();
  for (let r = 0; r < train.sample.rows; r++) trainRows.add(rowKey(train, r));
  const examples: number[] = [];
  let rows = 0;
  for (let r = 0; r < validation.sample.rows; r++) {
    if (trainRows.has(rowKey(validation, r))) {
      rows++;
      if (examples.length < 5) examples.push(validation.sample.rowIndex[r] + 1);
    }
  }
  return { rows, validationRows: validation.sample.rows, examples };
}

function rowKey(split: LoadedSplit, r: number): string {
  const { x, y, featureShape, targetWidth } = split.sample;
  const width = featureShape.reduce((a, b) => a * b, 1);
  return Array.from(x.subarray(r * width, (r + 1) * width)).join(',') + '|' + Array.from(y.subarray(r * targetWidth, (r + 1) * targetWidth)).join(',');
}
