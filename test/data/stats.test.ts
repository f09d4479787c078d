import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ColumnAccumulator } from '../../src/data/stats.ts';
import { mulberry32 } from '../../src/data/reservoir.ts';
import { DISTINCT_CAP } from '../../src/data/types.ts';
import { assertClose, naiveStats } from './fixtures.ts';

test('streaming statistics equal a two-pass computation, even with a large offset', () => {
  const random = mulberry32(3);
  const values = Array.from({ length: 20000 }, () => 1e6 + (random() - 0.5) * 3);
  const acc = new ColumnAccumulator('v');
  values.forEach((v) => acc.addNumber(v));
  const stats = acc.finish();
  const expected = naiveStats(values);
  assertClose(stats.mean, expected.mean, 1e-12, 'mean');
  assertClose(stats.std, expected.std, 1e-7, 'std');
  assert.equal(stats.min, expected.min);
  assert.equal(stats.max, expected.max);
  assert.equal(stats.numeric, 20000);
  assert.equal(stats.integer, false);
  assert.equal(stats.distinct, null, 'more distinct values than the cap');
  assert.equal(stats.values, undefined);
});

test('NaN, infinities, empty and text cells are counted apart from the numbers', () => {
  const acc = new ColumnAccumulator('c');
  for (const v of [1, 2, NaN, Infinity, -Infinity, 3]) acc.addNumber(v);
  acc.addEmpty();
  acc.addText(() => 'paris');
  acc.addText(() => 'paris');
  acc.addText(() => 'nice');
  const stats = acc.finish();
  assert.deepEqual(
    { count: stats.count, numeric: stats.numeric, nan: stats.nan, inf: stats.inf, empty: stats.empty, text: stats.text },
    { count: 10, numeric: 3, nan: 1, inf: 2, empty: 1, text: 3 },
  );
  assert.deepEqual(stats.textExamples, ['paris', 'nice']);
  assert.equal(stats.mean, 2);
  assertClose(stats.std, Math.sqrt(2 / 3));
  assert.equal(stats.integer, true);
  assert.deepEqual(stats.values, [
    { value: 1, count: 1 },
    { value: 2, count: 1 },
    { value: 3, count: 1 },
  ]);
});

test('distinct values are exact up to the cap and dropped beyond it', () => {
  const atCap = new ColumnAccumulator('a');
  for (let i = 0; i < DISTINCT_CAP; i++) atCap.addNumber(i % 2 === 0 ? i : -i);
  assert.equal(atCap.finish().distinct, DISTINCT_CAP);
  atCap.addNumber(DISTINCT_CAP * 10);
  assert.equal(atCap.finish().distinct, null);
});

test('a column with no numbers reports NaN statistics, not zeros', () => {
  const acc = new ColumnAccumulator('t');
  acc.addText(() => 'x');
  const stats = acc.finish();
  assert.ok(Number.isNaN(stats.mean) && Number.isNaN(stats.std) && Number.isNaN(stats.min));
  assert.equal(stats.integer, false);
});

test('merging two halves gives the statistics of the whole', () => {
  const random = mulberry32(11);
  const values = Array.from({ length: 3000 }, () => Math.round(random() * 50) / 2);
  const whole = new ColumnAccumulator('w');
  const left = new ColumnAccumulator('w');
  const right = new ColumnAccumulator('w');
  values.forEach((v, i) => {
    whole.addNumber(v);
    (i < 1234 ? left : right).addNumber(v);
  });
  left.merge(right);
  const a = left.finish();
  const b = whole.finish();
  assertClose(a.mean, b.mean, 1e-12, 'mean');
  assertClose(a.std, b.std, 1e-12, 'std');
  assert.deepEqual(a.values, b.values);
});

test('addRepeated(value, n) gives the statistics of n addNumber(value) calls', () => {
  const counted = new ColumnAccumulator('counted');
  const oneByOne = new ColumnAccumulator('one by one');
  for (const [value, times] of [
    [0, 5],
    [255, 3],
    [17, 1000],
    [0, 2],
    [3, 0],
  ] as const) {
    counted.addRepeated(value, times);
    for (let i = 0; i < times; i++) oneByOne.addNumber(value);
  }
  const a = counted.finish();
  const b = oneByOne.finish();
  for (const key of ['count', 'numeric', 'min', 'max', 'integer', 'distinct'] as const) assert.equal(a[key], b[key], key);
  assert.deepEqual(a.values, b.values);
  assert.ok(Math.abs(a.mean - b.mean) < 1e-9 && Math.abs(a.std - b.std) < 1e-9, `${a.mean} ${a.std} vs ${b.mean} ${b.std}`);
});
