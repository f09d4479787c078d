import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Reservoir, mulberry32, sampledRows } from '../../src/data/reservoir.ts';

function streamSample(total: number, capacity: number, seed: number): number[] {
  const reservoir = new Reservoir(capacity, seed);
  for (let row = 0; row < total; row++) reservoir.offer(row);
  return reservoir.slotsInFileOrder().map((slot) => reservoir.slotRow[slot]);
}

test('the same seed gives the same sample; another seed gives another', () => {
  assert.deepEqual(streamSample(10000, 50, 1), streamSample(10000, 50, 1));
  assert.notDeepEqual(streamSample(10000, 50, 1), streamSample(10000, 50, 2));
});

test('the sample is in file order, without repeats, of the requested size', () => {
  const rows = streamSample(5000, 200, 9);
  assert.equal(rows.length, 200);
  assert.equal(new Set(rows).size, 200);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1] < rows[i]);
  assert.ok(rows.every((r) => r >= 0 && r < 5000));
});

test('fewer rows than the capacity keeps them all', () => {
  assert.deepEqual(streamSample(7, 100, 0), [0, 1, 2, 3, 4, 5, 6]);
});

test('knowing the row count in advance selects exactly the rows streaming would', () => {
  for (const [total, capacity, seed] of [
    [100000, 100, 4],
    [1000, 999, 5],
    [10, 3, 6],
  ]) {
    assert.deepEqual(Array.from(sampledRows(total, capacity, seed)), streamSample(total, capacity, seed));
  }
});

test('every row is equally likely to be sampled (chi-square over many seeds)', () => {
  const total = 200;
  const capacity = 20;
  const trials = 2000;
  const hits = new Array<number>(total).fill(0);
  for (let seed = 0; seed < trials; seed++) for (const row of sampledRows(total, capacity, seed)) hits[row]++;
  const expected = (trials * capacity) / total;
  const chiSquare = hits.reduce((sum, h) => sum + (h - expected) ** 2 / expected, 0);
  // 199 degrees of freedom: the 99.9th percentile is about 273; a biased sampler lands far above
  assert.ok(chiSquare < 273, `chi-square ${chiSquare.toFixed(1)}`);
  // the first and last tenth are not favoured
  const head = hits.slice(0, 20).reduce((a, b) => a + b, 0);
  const tail = hits.slice(180).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(head - tail) < 0.1 * expected * 20, `head ${head} tail ${tail}`);
});

test('mulberry32 values lie in [0, 1) and repeat for a seed', () => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  for (let i = 0; i < 1000; i++) {
    const v = a();
    assert.equal(v, b());
    assert.ok(v >= 0 && v < 1);
  }
});
