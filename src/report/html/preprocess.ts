// The data sample as the model receives it: the declared input preprocessing applied value by value,
// fitted on the training split's whole-file statistics (as a real pipeline fits its scaler on train).
import type { InputPreprocessing } from '../../config/types.ts';
import type { ColumnStats, DataSample } from '../../data/types.ts';
import { formatNumber } from '../numbers.ts';
import { columnTransform as transformOf, describeInputs, isPerColumn } from '../../config/column-preprocessing.ts';

/**
 * Statistics come per feature column for tables, and per channel (the last axis) for arrays of rank
 * 2 or more, so value `i` of a row belongs to column `i % channelCount`.
 */
export function channelCount(featureShape: readonly number[]): number {
  const last = featureShape.length > 0 ? featureShape[featureShape.length - 1] : 1;
  return Number.isInteger(last) && last > 0 ? last : 1;
}

/** The affine map `value * scale + shift` for one column; NaN scale when the fit divides by zero. */
export function columnTransform(fit: ColumnStats | undefined, inputs: InputPreprocessing): { scale: number; shift: number } {
  if (isPerColumn(inputs)) return fit ? columnTransform(fit, transformOf(inputs, fit.name)) : { scale: 1, shift: 0 };
  if (inputs === 'none' || !fit) return { scale: 1, shift: 0 };
  if (typeof inputs === 'object') return { scale: inputs.scale, shift: inputs.shift };
  if (inputs === 'standardize') {
    // A constant column divides by zero in a real pipeline too: its values become NaN/Infinity.
    return fit.std > 0 ? { scale: 1 / fit.std, shift: -fit.mean / fit.std } : { scale: Number.NaN, shift: Number.NaN };
  }
  const range = fit.max - fit.min;
  return range > 0 ? { scale: 1 / range, shift: -fit.min / range } : { scale: Number.NaN, shift: Number.NaN };
}

/** A copy of `sample.x` with the declared preprocessing applied, fitted on `fitOn` (the train columns). */
export function preprocessSample(sample: DataSample, fitOn: readonly ColumnStats[], inputs: InputPreprocessing): Float32Array {
  const channels = channelCount(sample.featureShape);
  const transforms = Array.from({ length: channels }, (_, c) => columnTransform(fitOn[c], inputs));
  const out = new Float32Array(sample.x.length);
  for (let i = 0; i < sample.x.length; i++) {
    const { scale, shift } = transforms[i % channels];
    out[i] = sample.x[i] * scale + shift;
  }
  return out;
}

/** Every value of one column/channel across the sample. */
export function channelValues(x: ArrayLike<number>, channels: number, channel: number): Float32Array {
  const out = new Float32Array(Math.max(0, Math.ceil((x.length - channel) / channels)));
  let k = 0;
  for (let i = channel; i < x.length; i += channels) out[k++] = x[i];
  return out.subarray(0, k);
}

export interface ValueSummary {
  min: number;
  max: number;
  mean: number;
  std: number;
  /** values that are NaN or Infinity */
  nonFinite: number;
}

/** Min, max, mean and population std of the finite values; NaN fields when there are none. */
export function summarizeValues(values: ArrayLike<number>): ValueSummary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN, std: Number.NaN, nonFinite };
  return { min, max, mean, std: Math.sqrt(m2 / n), nonFinite };
}

/** How the declared preprocessing reads in captions: `standardize`, `scale 0.003922, shift 0`. */
export function describeInputPreprocessing(inputs: InputPreprocessing): string {
  if (isPerColumn(inputs)) return describeInputs(inputs);
  return typeof inputs === 'object' ? `scale ${formatNumber(inputs.scale)}, shift ${formatNumber(inputs.shift)}` : inputs;
}
