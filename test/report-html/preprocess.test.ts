import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { channelCount, channelValues, preprocessSample, summarizeValues } from '../../src/report/html/preprocess.ts';
import { displayWindow, imageGrid, imageLayout, labelOf } from '../../src/report/html/images.ts';
import { sectionOfCheck } from '../../src/report/html/sections.ts';
import type { DataSample } from '../../src/data/types.ts';
import { columnStats, imageRun, IMAGE_SIZE, stream } from './fixtures.ts';

function tabularSample(columns: number[][]): DataSample {
  const rows = columns[0].length;
  const x = new Float32Array(rows * columns.length);
  columns.forEach((values, c) => values.forEach((v, r) => (x[r * columns.length + c] = v)));
  return { rows, x, featureShape: [columns.length], y: new Float32Array(rows), targetWidth: 1, rowIndex: Int32Array.from({ length: rows }, (_, i) => i) };
}

test('standardize, fitted on whole-file stats of the same rows, gives each column mean 0 and std 1', () => {
  const next = stream(3);
  const a = Array.from({ length: 200 }, () => 1000 + 500 * next());
  const b = Array.from({ length: 200 }, () => 0.01 * next());
  const sample = tabularSample([a, b]);
  const out = preprocessSample(sample, [columnStats('a', a), columnStats('b', b)], 'standardize');
  for (let c = 0; c < 2; c++) {
    const s = summarizeValues(channelValues(out, 2, c));
    assert.ok(Math.abs(s.mean) < 1e-4, `column ${c} mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 1) < 1e-3, `column ${c} std ${s.std}`);
  }
});

test('minmax maps into [0, 1]; scale/shift is applied as written; a constant column cannot be standardized', () => {
  const a = [2, 4, 6, 10];
  const flat = [5, 5, 5, 5];
  const sample = tabularSample([a, flat]);
  const stats = [columnStats('a', a), columnStats('flat', flat)];
  const mm = preprocessSample(sample, stats, 'minmax');
  assert.deepEqual(Array.from(channelValues(mm, 2, 0)), [0, 0.25, 0.5, 1]);
  const affine = preprocessSample(sample, stats, { scale: 0.5, shift: -1 });
  assert.deepEqual(Array.from(channelValues(affine, 2, 0)), [0, 1, 2, 4]);
  const standardized = preprocessSample(sample, stats, 'standardize');
  assert.ok(Array.from(channelValues(standardized, 2, 1)).every(Number.isNaN));
  assert.equal(summarizeValues(channelValues(standardized, 2, 1)).nonFinite, 4);
  assert.deepEqual(Array.from(preprocessSample(sample, stats, 'none')), Array.from(sample.x));
});

test('channels are the last axis for images and the columns for tables', () => {
  assert.equal(channelCount([5]), 5);
  assert.equal(channelCount([28, 28, 3]), 3);
  assert.deepEqual(Array.from(channelValues([1, 2, 3, 4, 5, 6], 3, 1)), [2, 5]);
  assert.deepEqual(imageLayout([28, 28, 1]), { height: 28, width: 28, channels: 1 });
  assert.deepEqual(imageLayout([28, 28]), { height: 28, width: 28, channels: 1 });
  assert.equal(imageLayout([12]), undefined);
  assert.equal(imageLayout([10, 10, 7]), undefined);
});

test('the display window is [0, 1] or [-1, 1] when values fit, else the sample range', () => {
  assert.deepEqual([displayWindow([0, 0.5, 1]).low, displayWindow([0, 0.5, 1]).high], [0, 1]);
  assert.deepEqual([displayWindow([-1, 0.5]).low, displayWindow([-1, 0.5]).high], [-1, 1]);
  const raw = displayWindow([0, 255]);
  assert.deepEqual([raw.low, raw.high], [0, 255]);
  assert.match(raw.reason, /far outside \[0, 1\]/);
});

test('sample images are PNGs of exactly the preprocessed pixels, labelled with class names', () => {
  const run = imageRun();
  const split = run.evidence!.data!.train.split;
  const processed = preprocessSample(split.sample, split.features, run.evidence!.config.preprocessing.inputs);
  const grid = imageGrid(split, processed, 4)!;
  assert.equal(grid.images.length, 4);
  assert.deepEqual(grid.window, { low: 0, high: 1 }, 'bytes scaled by 1/255 sit in [0, 1]');
  assert.equal(grid.clippedShare, 0);
  const first = grid.images[0];
  assert.equal(first.label, 'dog (1)', 'row 0 has label 1, the second class folder');
  const png = PNG.sync.read(Buffer.from(first.dataUri.replace(/^data:image\/png;base64,/, ''), 'base64'));
  assert.deepEqual([png.width, png.height], [IMAGE_SIZE, IMAGE_SIZE]);
  for (const pixel of [0, 9, 63]) {
    for (let c = 0; c < 3; c++) {
      const byte = split.sample.x[pixel * 3 + c];
      assert.equal(png.data[pixel * 4 + c], byte, `pixel ${pixel} channel ${c}: byte/255 shown back as the byte`);
    }
  }
});

test('labels: class ids, one-hot rows and continuous targets', () => {
  const split = imageRun().evidence!.data!.train.split;
  assert.equal(labelOf(split, 1), 'cat (0)');
  const oneHot = { ...split, classNames: undefined, sample: { ...split.sample, y: Float32Array.from([0, 0, 1]), targetWidth: 3 } };
  assert.equal(labelOf(oneHot, 0), '2');
  const continuous = { ...split, sample: { ...split.sample, y: Float32Array.from([0.25, 7.5]), targetWidth: 2 } };
  assert.equal(labelOf(continuous, 0), '0.25, 7.5');
});

test('each finding goes beside the chart of its evidence', () => {
  const expected: Record<string, string> = {
    'unscaled-inputs': 'scales',
    'feature-scale-spread': 'scales',
    'validation-distribution-shift': 'scales',
    'class-imbalance': 'labels',
    'label-encoding-mismatch': 'labels',
    'exploding-gradients': 'gradients',
    'vanishing-gradients': 'gradients',
    'init-scale-mismatch': 'gradients',
    'dead-relus': 'units',
    'saturated-activations': 'units',
    'loss-not-decreasing': 'loss',
    'learning-rate-too-high': 'loss',
    'input-independent': 'loss',
    'config-error': 'other',
    'data-error': 'other',
    'some-future-check': 'other',
    constructor: 'other',
    ['__proto__']: 'other',
    toString: 'other',
  };
  for (const [id, section] of Object.entries(expected)) assert.equal(sectionOfCheck(id), section, id);
});
