import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findOverlap, processFeatures, summarizeLabels } from '../src/evidence/build.ts';
import type { ColumnStats, LoadedSplit } from '../src/data/types.ts';

function column(name: string, values: number[]): ColumnStats {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return {
    name,
    count: values.length,
    numeric: values.length,
    empty: 0,
    nan: 0,
    inf: 0,
    text: 0,
    textExamples: [],
    mean,
    std,
    min: Math.min(...values),
    max: Math.max(...values),
    integer: values.every(Number.isInteger),
    distinct: counts.size,
    values: [...counts].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count })),
  };
}

function split(features: number[][], targets: number[][]): LoadedSplit {
  const rows = features[0].length;
  const x = new Float32Array(rows * features.length);
  const y = new Float32Array(rows * targets.length);
  for (let r = 0; r < rows; r++) {
    features.forEach((f, c) => (x[r * features.length + c] = f[r]));
    targets.forEach((t, c) => (y[r * targets.length + c] = t[r]));
  }
  return {
    file: 'train.csv',
    format: 'csv',
    bytes: 0,
    rows,
    featureNames: features.map((_, i) => `f${i}`),
    targetNames: targets.map((_, i) => `y${i}`),
    features: features.map((f, i) => column(`f${i}`, f)),
    targets: targets.map((t, i) => column(`y${i}`, t)),
    sample: { rows, x, featureShape: [features.length], y, targetWidth: targets.length, rowIndex: Int32Array.from({ length: rows }, (_, i) => i) },
  };
}

test('standardize maps train features to mean 0, std 1 and validation through the train scaler', () => {
  const train = [column('a', [0, 10, 20, 30])];
  const validation = [column('a', [100, 110, 120, 130])];
  const [t] = processFeatures(train, train, 'standardize');
  assert.ok(Math.abs(t.mean) < 1e-12);
  assert.ok(Math.abs(t.std - 1) < 1e-12);
  const [v] = processFeatures(validation, train, 'standardize');
  assert.ok(Math.abs(v.mean - 100 / train[0].std) < 1e-9, 'validation is shifted by the train mean, in train std units');
  assert.ok(Math.abs(v.std - 1) < 1e-12);
});

test('scale and shift, and minmax, transform ranges; a constant column under standardize becomes NaN', () => {
  const bytes = [column('p', [0, 128, 255])];
  const [scaled] = processFeatures(bytes, bytes, { scale: 1 / 255, shift: 0 });
  assert.equal(scaled.min, 0);
  assert.ok(Math.abs(scaled.max - 1) < 1e-12);
  const [centred] = processFeatures(bytes, bytes, { scale: 0.0078125, shift: -1 });
  assert.equal(centred.min, -1);
  const [mm] = processFeatures(bytes, bytes, 'minmax');
  assert.deepEqual([mm.min, mm.max], [0, 1]);
  const constant = [column('c', [3, 3, 3])];
  assert.ok(Number.isNaN(processFeatures(constant, constant, 'standardize')[0].std));
});

test('label encodings: class ids, binary, one-hot, multi-hot, continuous', () => {
  const ids = summarizeLabels(split([[1, 2, 3, 4, 5, 6, 7, 8]], [[1, 2, 3, 1, 2, 3, 1, 1]]));
  assert.equal(ids.encoding, 'class-ids');
  assert.deepEqual(ids.classes, [1, 2, 3]);
  assert.equal(ids.majorityFraction, 4 / 8);
  assert.equal(summarizeLabels(split([[1, 2, 3, 4]], [[0, 1, 1, 0]])).encoding, 'binary');
  const oneHot = summarizeLabels(
    split(
      [[1, 2, 3]],
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    ),
  );
  assert.equal(oneHot.encoding, 'one-hot');
  assert.equal(oneHot.width, 3);
  const multi = summarizeLabels(
    split(
      [[1, 2, 3]],
      [
        [1, 1, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    ),
  );
  assert.equal(multi.encoding, 'multi-hot');
  assert.equal(multi.multiHotRows, 1);
  const prices = summarizeLabels(split([[1, 2, 3, 4, 5, 6]], [[1.5, 2.25, 3.1, 9.9, 10.2, 7.7]]));
  assert.equal(prices.encoding, 'continuous');
});

test('overlap counts validation rows identical to a train row', () => {
  const train = split([[1, 2, 3, 4]], [[0, 1, 0, 1]]);
  const validation = split([[2, 3, 9]], [[1, 1, 0]]);
  const overlap = findOverlap(train, validation)!;
  assert.equal(overlap.rows, 1, 'only (2,1) is shared; (3,1) differs in its target');
  assert.equal(overlap.validationRows, 3);
  assert.deepEqual(overlap.examples, [1]);
});
