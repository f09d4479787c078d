// A pair of NumPy arrays (x: [N, ...], y: [N] or [N, k]) -> exact statistics and a reservoir sample.
import { sampledRows } from './reservoir.ts';
import { ColumnAccumulator } from './stats.ts';
import { elementCount, elementReader, type NpyHeader } from './npy.ts';
import { fail } from './problem.ts';
import type { DataLimits, SplitContent } from './types.ts';

/** The sample of an image array is capped in bytes too, so a folder of large images cannot exhaust memory. */
export const SAMPLE_BYTE_BUDGET = 256 * 1024 * 1024;
/** For rank > 2, a last axis this small is read as channels (grayscale, RGB, RGBA). */
const MAX_CHANNELS = 4;

/** One array inside a file or a zip entry: its header, and its element bytes as a stream. */
export interface ArraySource {
  /** path as written in the config (plus `:x.npy` inside an npz), for messages */
  label: string;
  key: string;
  header: NpyHeader;
  /** file offset of the header, so that problems name real bytes (-1 inside a compressed entry) */
  fileOffset: number;
  /** bytes after the header that the source holds */
  available: number;
  /** the element bytes, exactly `header` elements long */
  elements(): AsyncIterable<Uint8Array>;
}

export type ArraysResult = Omit<SplitContent, 'classNames'>;

/** How the elements of one row map to statistics columns. */
export function columnGroups(rowShape: number[], prefix: string): { names: string[]; groupOf: (offset: number) => number } {
  if (rowShape.length <= 1) {
    const width = rowShape[0] ?? 1;
    const names = rowShape.length === 0 ? [prefix] : Array.from({ length: width }, (_, i) => `${prefix}[${i}]`);
    return { names, groupOf: (offset) => offset };
  }
  const last = rowShape[rowShape.length - 1];
  if (last <= MAX_CHANNELS) return { names: Array.from({ length: last }, (_, i) => `channel ${i}`), groupOf: (offset) => offset % last };
  return { names: ['pixels'], groupOf: () => 0 };
}

export function checkArrayShapes(x: ArraySource, y: ArraySource, limits: DataLimits, key: string): void {
  const xs = x.header.shape;
  const ys = y.header.shape;
  if (xs.length === 0) fail(`${x.label} holds a single number (shape ()), expected one row per example: shape [N, ...]`, { key: x.key, byte: x.fileOffset });
  if (ys.length === 0 || ys.length > 2) fail(`${y.label} has shape (${ys.join(', ')}); labels must be [N] or [N, k]`, { key: y.key, byte: y.fileOffset });
  if (xs[0] !== ys[0]) fail(`x has ${xs[0]} rows (${x.label}, shape (${xs.join(', ')})) but y has ${ys[0]} (${y.label}, shape (${ys.join(', ')}))`, { key });
  if (xs[0] === 0) fail(`${x.label} has no rows (shape (${xs.join(', ')}))`, { key: x.key });
  // Checked from the headers alone, before anything is allocated for the rows.
  for (const source of [x, y]) {
    const rowShape = source.header.shape.slice(1);
    if (rowShape.some((d) => d === 0)) {
      fail(`${source.label} has shape (${source.header.shape.join(', ')}): each example holds no values, so there is nothing to train on`, {
        key: source.key,
        byte: source.fileOffset >= 0 ? source.fileOffset : undefined,
      });
    }
  }
  if (ys.length === 2 && ys[1] > limits.maxColumns) {
    fail(`${y.label} has ${ys[1]} label columns (shape (${ys.join(', ')})), more than the limit of ${limits.maxColumns}`, {
      key: y.key,
      byte: y.fileOffset >= 0 ? y.fileOffset : undefined,
    });
  }
  if (xs[0] > limits.maxRows) fail(`${x.label} has ${xs[0]} rows, more than the limit of ${limits.maxRows}`, { key: x.key });
  const rowShape = xs.slice(1);
  if (rowShape.length === 1 && rowShape[0] > limits.maxColumns)
    fail(`${x.label} has ${rowShape[0]} columns, more than the limit of ${limits.maxColumns}`, { key: x.key });
  const pixels = rowShape.length > 1 ? elementCount(rowShape.slice(0, rowShape[rowShape.length - 1] <= MAX_CHANNELS ? -1 : undefined)) : 0;
  if (pixels > limits.maxPixelsPerImage)
    fail(`each example of ${x.label} has ${pixels} pixels, more than the limit of ${limits.maxPixelsPerImage}`, { key: x.key });
  for (const source of [x, y]) {
    const needed = elementCount(source.header.shape) * source.header.itemSize;
    if (source.available < needed) {
      const at = source.fileOffset >= 0 ? source.fileOffset + source.header.dataOffset + source.available : undefined;
      fail(
        `${source.label} is truncated: shape (${source.header.shape.join(', ')}) of ${source.header.descr} needs ${needed} bytes of data but only ${source.available} follow the header`,
        { key: source.key, byte: at },
      );
    }
  }
}

/** (C, H, W) rows of a channels-first array: C in 1..4 and an image wider than it is deep. */
export function isChannelsFirst(shape: readonly number[]): boolean {
  return shape.length === 4 && shape[1] >= 1 && shape[1] <= MAX_CHANNELS && shape[3] > MAX_CHANNELS;
}

/** Where each element of a (C, H, W) row goes in the (H, W, C) row. */
function channelsLastPlaces(channels: number, height: number, width: number): Int32Array {
  const plane = height * width;
  return Int32Array.from({ length: channels * plane }, (_, offset) => (offset % plane) * channels + Math.floor(offset / plane));
}

export async function readArrayPair(x: ArraySource, y: ArraySource, sample: number, seed: number, channelsFirst = false): Promise<ArraysResult> {
  const rows = x.header.shape[0];
  const transpose = channelsFirst && isChannelsFirst(x.header.shape);
  const [, channels, height, width] = x.header.shape;
  const featureShape = transpose ? [height, width, channels] : x.header.shape.length === 1 ? [1] : x.header.shape.slice(1);
  const targetWidth = y.header.shape.length === 1 ? 1 : y.header.shape[1];
  const rowFloats = Math.max(1, elementCount(featureShape) + targetWidth);
  const capacity = Math.max(1, Math.min(sample, Math.floor(SAMPLE_BYTE_BUDGET / (rowFloats * 4))));
  const picked = sampledRows(rows, capacity, seed);

  const xGroups = transpose
    ? { names: Array.from({ length: channels }, (_, i) => `channel ${i}`), groupOf: (offset: number) => Math.floor(offset / (height * width)) }
    : columnGroups(x.header.shape.length === 1 ? [] : featureShape, 'x');
  const yGroups = columnGroups(y.header.shape.slice(1), 'y');
  const features = xGroups.names.map((n) => new ColumnAccumulator(n));
  const targets = yGroups.names.map((n) => new ColumnAccumulator(n));
  const xSample = new Float32Array(picked.length * elementCount(featureShape));
  const ySample = new Float32Array(picked.length * targetWidth);
  await streamArray(x, picked, xSample, features, xGroups.groupOf, transpose ? channelsLastPlaces(channels, height, width) : undefined);
  await streamArray(y, picked, ySample, targets, yGroups.groupOf);
  return {
    rows,
    featureNames: xGroups.names,
    targetNames: yGroups.names,
    features: features.map((f) => f.finish()),
    targets: targets.map((t) => t.finish()),
    sample: { rows: picked.length, x: xSample, featureShape, y: ySample, targetWidth, rowIndex: picked },
  };
}

/**
 * Visits every element once in storage order. C order walks row by row; Fortran order walks the
 * first axis fastest, so the row restarts at 0 for every position inside a row and the sampled-row
 * pointer restarts with it.
 */
async function streamArray(
  source: ArraySource,
  picked: Int32Array,
  sample: Float32Array,
  stats: ColumnAccumulator[],
  groupOf: (offset: number) => number,
  /** where each element of a source row goes in the sample row (a transpose); in place when absent */
  places?: Int32Array,
): Promise<void> {
  const { shape, itemSize, fortranOrder } = source.header;
  const rows = shape[0];
  const rowShape = shape.slice(1);
  const rowSize = elementCount(rowShape);
  const total = rows * rowSize;
  const read = elementReader(source.header);
  const group = rowSize <= 1 << 20 ? Int32Array.from({ length: rowSize }, (_, i) => groupOf(i)) : undefined;
  const groupAt = (offset: number) => (group ? group[offset] : groupOf(offset));
  const fortranToC = fortranOffsets(rowShape);

  let element = 0;
  let row = 0;
  let offset = 0; // position inside the row, C order
  let trailing = 0; // Fortran: index over the row axes
  let pointer = 0;
  let slot = picked.length > 0 && picked[0] === 0 ? 0 : -1;
  if (slot === 0) pointer = 1;
  let carry = new Uint8Array(0);

  for await (const chunk of source.elements()) {
    let bytes = chunk;
    if (carry.length > 0) {
      bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const whole = Math.min(Math.floor(bytes.length / itemSize), total - element);
    for (let k = 0; k < whole; k++) {
      const value = read(view, k * itemSize);
      stats[groupAt(offset)].addNumber(value);
      if (slot >= 0) sample[slot * rowSize + (places ? places[offset] : offset)] = value;
      if (fortranOrder) {
        row++;
        if (row === rows) {
          row = 0;
          trailing++;
          offset = fortranToC(trailing);
          pointer = 0;
        }
        slot = pointer < picked.length && picked[pointer] === row ? pointer++ : -1;
      } else if (++offset === rowSize) {
        offset = 0;
        row++;
        slot = pointer < picked.length && picked[pointer] === row ? pointer++ : -1;
      }
    }
    element += whole;
    carry = bytes.slice(whole * itemSize);
    if (element >= total) break;
  }
  if (element < total)
    fail(`${source.label} ends after ${element} of ${total} elements`, {
      key: source.key,
      byte: source.fileOffset >= 0 ? source.fileOffset + source.header.dataOffset + element * itemSize : undefined,
    });
}

/** Fortran index over the row axes -> C offset inside the row. */
function fortranOffsets(rowShape: number[]): (index: number) => number {
  if (rowShape.length <= 1) return (index) => index;
  const cStrides = rowShape.map((_, axis) => elementCount(rowShape.slice(axis + 1)));
  return (index) => {
    let offset = 0;
    for (let axis = 0; axis < rowShape.length; axis++) {
      offset += (index % rowShape[axis]) * cStrides[axis];
      index = Math.floor(index / rowShape[axis]);
    }
    return offset;
  };
}
