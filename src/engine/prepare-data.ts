// Applies the declared preprocessing to the sampled rows exactly as the user's pipeline would:
// statistics come from the whole training file (never from validation), per feature or per channel.
import type { InputPreprocessing, PreflightConfig, TargetPreprocessing } from '../config/types.ts';
import type { ColumnStats, DataSample, LoadedSplit } from '../data/types.ts';
import type { ModelSummary } from '../model/types.ts';
import { columnTransform, isPerColumn } from '../config/column-preprocessing.ts';
import { canonicalLossName, takesClassIds } from './losses.ts';

export interface PreparedSplit {
  rows: number;
  x: Float32Array;
  y: Float32Array;
}

export interface PreparedData {
  inputShape: number[];
  targetWidth: number;
  train: PreparedSplit;
  validation?: PreparedSplit;
}

export type PrepareResult = { ok: true; data: PreparedData } | { ok: false; reason: string };

/** What preparing the rows reads: the config's preprocessing and training, the model's output, the loaded splits. */
export interface PrepareSource {
  config: Pick<PreflightConfig, 'preprocessing' | 'training' | 'model'>;
  summary: Pick<ModelSummary, 'outputUnits' | 'outputShape'>;
  /** absent when the training data could not be loaded */
  train?: LoadedSplit;
  validation?: LoadedSplit;
}

export function prepareData(source: PrepareSource): PrepareResult {
  const train = source.train;
  if (train === undefined) return { ok: false, reason: 'the training data could not be loaded' };
  if (train.sample.rows === 0) return { ok: false, reason: 'the training sample holds no rows' };

  const { preprocessing, training, model } = source.config;
  const outputUnits = source.summary.outputUnits;
  const classIds = takesClassIds(training.loss);
  const oneHotWidth = preprocessing.targets === 'one_hot' ? Math.max(outputUnits, classCount(train.targets)) : 0;

  const prepareSplit = (sample: DataSample): PreparedSplit => ({
    rows: sample.rows,
    x: preprocessInputs(sample.x, preprocessing.inputs, train.features),
    y: preprocessTargets(sample.y, sample.targetWidth, preprocessing.targets, train.targets, oneHotWidth),
  });
  const prepared: PreparedData = {
    inputShape: inputShapeFor(model.input_shape, train.sample.featureShape),
    targetWidth: oneHotWidth > 0 ? oneHotWidth : train.sample.targetWidth,
    train: prepareSplit(train.sample),
  };
  const validation = source.validation?.sample;
  if (validation !== undefined && validation.rows > 0 && validation.targetWidth === train.sample.targetWidth) {
    prepared.validation = prepareSplit(validation);
  }

  const nonFinite = nonFiniteReason(prepared.train);
  if (nonFinite !== undefined) return { ok: false, reason: nonFinite };
  const mismatch = targetMismatch(prepared, outputUnits, source.summary.outputShape, classIds, preprocessing.targets, training);
  return mismatch === undefined ? { ok: true, data: prepared } : { ok: false, reason: mismatch };
}

/** The model's declared input shape when it holds the same number of values, else the data's own shape. */
function inputShapeFor(declared: number[] | undefined, featureShape: number[]): number[] {
  if (declared !== undefined && product(declared) === product(featureShape)) return declared;
  return featureShape;
}

export function preprocessInputs(x: Float32Array, how: InputPreprocessing, stats: ColumnStats[]): Float32Array {
  if (how === 'none') return x;
  if (typeof how === 'object' && !isPerColumn(how)) return x.map((v) => v * how.scale + how.shift);
  const out = new Float32Array(x.length);
  const width = Math.max(1, stats.length);
  const perColumn = stats.map((s) => columnTransform(how, s.name));
  for (let i = 0; i < x.length; i++) {
    // Features are the innermost axis for tables and the channel axis for images, so i % width indexes both.
    const s = stats[i % width];
    const own = perColumn[i % width] ?? 'none';
    if (typeof own === 'object') {
      out[i] = x[i] * own.scale + own.shift;
    } else if (s === undefined || own === 'none' || !Number.isFinite(s.mean)) {
      out[i] = x[i];
    } else if (own === 'standardize') {
      out[i] = (x[i] - s.mean) / (s.std > 0 ? s.std : 1);
    } else {
      const range = s.max - s.min;
      out[i] = (x[i] - s.min) / (range > 0 ? range : 1);
    }
  }
  return out;
}

export function preprocessTargets(y: Float32Array, width: number, how: TargetPreprocessing, stats: ColumnStats[], oneHotWidth: number): Float32Array {
  if (how === 'none') return y;
  if (how === 'one_hot') {
    const rows = y.length / width;
    const out = new Float32Array(rows * oneHotWidth);
    for (let r = 0; r < rows; r++) {
      const id = y[r * width];
      if (Number.isInteger(id) && id >= 0 && id < oneHotWidth) out[r * oneHotWidth + id] = 1;
    }
    return out;
  }
  return preprocessInputs(y, how, stats);
}

function classCount(targets: ColumnStats[]): number {
  const max = targets[0]?.max;
  return Number.isFinite(max) && max >= 0 ? Math.floor(max) + 1 : 0;
}

/** Missing values reach the model as NaN and poison the loss at the first step, whatever else is wrong. */
function nonFiniteReason(split: PreparedSplit): string | undefined {
  const count = (values: Float32Array) => values.reduce((n, v) => (Number.isFinite(v) ? n : n + 1), 0);
  const inputs = count(split.x);
  const targets = count(split.y);
  if (inputs === 0 && targets === 0) return undefined;
  const parts = [inputs > 0 ? `${inputs} input values` : '', targets > 0 ? `${targets} target values` : ''].filter(Boolean).join(' and ');
  return `the training sample holds ${parts} that are missing or not finite after preprocessing; training on them gives a NaN loss from the first step`;
}

// Keras computes these losses element by element, so a single target column broadcasts against any
// number of outputs (and one output against many columns): quietly wrong, but it trains, so the smoke run does too.
const BROADCASTING_LOSSES = new Set([
  'mean_squared_error',
  'mean_absolute_error',
  'mean_absolute_percentage_error',
  'mean_squared_logarithmic_error',
  'huber',
  'log_cosh',
  'poisson',
  'hinge',
  'squared_hinge',
  'smooth_l1',
]);

function broadcasts(training: PreflightConfig['training'], targetWidth: number, outputUnits: number): boolean {
  if (targetWidth !== 1 && outputUnits !== 1) return false;
  const name = canonicalLossName(training.loss);
  return BROADCASTING_LOSSES.has(name) || (name === 'binary_crossentropy' && !training.from_logits);
}

function targetMismatch(
  data: PreparedData,
  outputUnits: number,
  outputShape: number[],
  classIds: boolean,
  how: TargetPreprocessing,
  training: PreflightConfig['training'],
): string | undefined {
  if (outputShape.length !== 1) return undefined;
  if (classIds) {
    if (data.targetWidth !== 1)
      return `${training.torch_loss ?? canonicalLossName(training.loss)} needs one column of class ids, the data has ${data.targetWidth} target columns`;
    const bad = data.train.y.find((id) => !(Number.isInteger(id) && id >= 0 && id < outputUnits));
    if (bad !== undefined) return `class id ${bad} is outside the model's ${outputUnits} output units (valid ids 0..${outputUnits - 1})`;
    return undefined;
  }
  if (data.targetWidth !== outputUnits && !broadcasts(training, data.targetWidth, outputUnits)) {
    const cause = how === 'one_hot' ? 'one-hot targets have' : 'the data has';
    return `the model has ${outputUnits} output units but ${cause} ${data.targetWidth} target columns`;
  }
  return undefined;
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
