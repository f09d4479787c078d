// Sample images exactly as the model receives them (after the declared scaling), as PNG data: URIs.
import { PNG } from 'pngjs';
import type { LoadedSplit } from '../../data/types.ts';
import { finiteRange } from '../charts/histogram.ts';
import { formatNumber } from '../numbers.ts';

export const MAX_SAMPLE_IMAGES = 24;

export interface SampleImage {
  dataUri: string;
  width: number;
  height: number;
  /** the label as the user knows it (class folder name, class id, or target values) */
  label: string;
  /** 1-based row / image number in the file */
  row: number;
}

export interface ImageGrid {
  images: SampleImage[];
  /** the value range mapped from black to white */
  window: { low: number; high: number };
  /** why that window: the model's nominal input range, or the sample's own range */
  windowReason: string;
  /** share of drawn pixel values outside the window or not finite (drawn clipped) */
  clippedShare: number;
}

/**
 * A sample is shown as images when it is rank 3 with 1, 3 or 4 channels (height, width, channels),
 * or a rank-2 array of at least 8x8 (grayscale without a channel axis).
 */
export function imageLayout(featureShape: readonly number[]): { height: number; width: number; channels: number } | undefined {
  if (featureShape.length === 3 && [1, 3, 4].includes(featureShape[2]) && featureShape[0] > 0 && featureShape[1] > 0) {
    return { height: featureShape[0], width: featureShape[1], channels: featureShape[2] };
  }
  if (featureShape.length === 2 && featureShape[0] >= 8 && featureShape[1] >= 8) {
    return { height: featureShape[0], width: featureShape[1], channels: 1 };
  }
  return undefined;
}

/**
 * The display window is one fixed range for all images, so their relative brightness stays true:
 * [0, 1] or [-1, 1] when the processed values sit inside it, else the sample's own min..max (and the
 * caption says so, since the model then receives values far outside the usual input range).
 */
export function displayWindow(values: ArrayLike<number>): { low: number; high: number; reason: string } {
  const range = finiteRange(values);
  if (!range) return { low: 0, high: 1, reason: 'no finite values: shown against [0, 1]' };
  if (range.min >= 0 && range.max <= 1) return { low: 0, high: 1, reason: 'black = 0, white = 1' };
  if (range.min >= -1 && range.max <= 1) return { low: -1, high: 1, reason: 'black = -1, white = 1' };
  const high = range.max > range.min ? range.max : range.min + 1;
  return {
    low: range.min,
    high,
    reason: `values reach ${formatNumber(range.min)} to ${formatNumber(range.max)}, far outside [0, 1]: black = ${formatNumber(range.min)}, white = ${formatNumber(high)}`,
  };
}

/** Up to `max` images of the sample, evenly spread over it, with their labels. */
export function imageGrid(split: LoadedSplit, processed: Float32Array, max = MAX_SAMPLE_IMAGES): ImageGrid | undefined {
  const layout = imageLayout(split.sample.featureShape);
  if (!layout || split.sample.rows === 0) return undefined;
  const { height, width, channels } = layout;
  const rowFloats = height * width * channels;
  const count = Math.min(max, split.sample.rows);
  const rows = Array.from({ length: count }, (_, k) => Math.floor((k * split.sample.rows) / count));
  const shownValues = new Float32Array(count * rowFloats);
  rows.forEach((r, k) => shownValues.set(processed.subarray(r * rowFloats, (r + 1) * rowFloats), k * rowFloats));
  const window = displayWindow(shownValues);
  let clipped = 0;
  let drawn = 0;
  const images = rows.map((r, k) => {
    const pixels = shownValues.subarray(k * rowFloats, (k + 1) * rowFloats);
    const encoded = encodePng(pixels, layout, window);
    clipped += encoded.clipped;
    drawn += encoded.drawn;
    return {
      dataUri: `data:image/png;base64,${encoded.png.toString('base64')}`,
      width,
      height,
      label: labelOf(split, r),
      row: (split.sample.rowIndex[r] ?? r) + 1,
    };
  });
  return { images, window: { low: window.low, high: window.high }, windowReason: window.reason, clippedShare: drawn > 0 ? clipped / drawn : 0 };
}

function encodePng(pixels: Float32Array, layout: { height: number; width: number; channels: number }, window: { low: number; high: number }) {
  const { height, width, channels } = layout;
  const png = new PNG({ width, height });
  const span = window.high - window.low;
  let clipped = 0;
  let drawn = 0;
  const toByte = (v: number): number => {
    drawn++;
    if (!Number.isFinite(v)) {
      clipped++;
      return 0;
    }
    const t = (v - window.low) / span;
    if (t < 0 || t > 1) clipped++;
    return Math.round(255 * Math.min(1, Math.max(0, t)));
  };
  for (let p = 0; p < height * width; p++) {
    const base = p * channels;
    const r = toByte(pixels[base]);
    // gray (1 channel) repeats one value; RGBA keeps the colour and ignores alpha, which is an input like any other
    const g = channels >= 3 ? toByte(pixels[base + 1]) : r;
    const b = channels >= 3 ? toByte(pixels[base + 2]) : r;
    png.data[p * 4] = r;
    png.data[p * 4 + 1] = g;
    png.data[p * 4 + 2] = b;
    png.data[p * 4 + 3] = 255;
  }
  return { png: PNG.sync.write(png), clipped, drawn };
}

/** Class name when the split has them, the arg-max for one-hot rows, else the raw target values. */
export function labelOf(split: LoadedSplit, row: number): string {
  const { y, targetWidth } = split.sample;
  const values = Array.from(y.subarray(row * targetWidth, (row + 1) * targetWidth));
  if (values.length === 0) return '';
  const isOneHot = values.length > 1 && values.every((v) => v === 0 || v === 1) && values.filter((v) => v === 1).length === 1;
  const id = isOneHot ? values.indexOf(1) : values.length === 1 ? values[0] : undefined;
  if (id !== undefined && Number.isInteger(id)) {
    const name = split.classNames?.[id];
    return name !== undefined ? `${name} (${id})` : String(id);
  }
  return values.map((v) => formatNumber(v)).join(', ');
}
