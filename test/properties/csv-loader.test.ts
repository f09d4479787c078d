// Properties of the CSV loader: for any numeric table (with empty cells), loading never throws and the
// whole-file statistics equal a naive computation over the same cells.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadSplit } from '../../src/data/load.ts';
import { DEFAULT_DATA_LIMITS, type ColumnStats } from '../../src/data/types.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-prop-csv-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A cell: a whole number, a decimal, or empty (undefined). */
const cell = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }) },
  { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const table = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 40 }))
  .chain(([columns, rows]) => fc.array(fc.array(cell, { minLength: columns + 1, maxLength: columns + 1 }), { minLength: rows, maxLength: rows }));

function naiveStats(values: (number | undefined)[]) {
  const numbers = values.filter((v): v is number => v !== undefined).map((v) => Number(String(v)));
  const mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
  const variance = numbers.reduce((a, b) => a + (b - mean) ** 2, 0) / numbers.length;
  return {
    count: values.length,
    numeric: numbers.length,
    empty: values.length - numbers.length,
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...numbers),
    max: Math.max(...numbers),
    integer: numbers.every(Number.isInteger),
    distinct: new Set(numbers.map((n) => (Object.is(n, -0) ? 0 : n))).size,
  };
}

function assertClose(actual: number, expected: number, scale: number, what: string): void {
  if (Number.isNaN(expected)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, scale), `${what}: expected ${expected}, got ${actual}`);
}

function assertColumn(stats: ColumnStats, values: (number | undefined)[]): void {
  const naive = naiveStats(values);
  assert.equal(stats.count, naive.count, `${stats.name} count`);
  assert.equal(stats.numeric, naive.numeric, `${stats.name} numeric`);
  assert.equal(stats.empty, naive.empty, `${stats.name} empty`);
  assert.equal(stats.text, 0);
  if (naive.numeric === 0) return;
  const scale = Math.max(Math.abs(naive.min), Math.abs(naive.max));
  assert.equal(stats.min, naive.min, `${stats.name} min`);
  assert.equal(stats.max, naive.max, `${stats.name} max`);
  assertClose(stats.mean, naive.mean, scale, `${stats.name} mean`);
  assertClose(stats.std, naive.std, scale, `${stats.name} std`);
  assert.equal(stats.integer, naive.integer, `${stats.name} integer`);
  assert.equal(stats.distinct, naive.distinct, `${stats.name} distinct`);
}

let counter = 0;
test('numeric tables: the loader never throws and its statistics equal a naive computation', async () => {
  await fc.assert(
    fc.asyncProperty(table, fc.boolean(), async (rows, crlf) => {
      const width = rows[0].length;
      const names = [...Array.from({ length: width - 1 }, (_, i) => `f${i}`), 'y'];
      const newline = crlf ? '\r\n' : '\n';
      const text = [names.join(','), ...rows.map((row) => row.map((v) => (v === undefined ? '' : String(v))).join(','))].join(newline) + newline;
      const file = `t${counter++}.csv`;
      writeFileSync(path.join(root, file), text);
      const loaded = await loadSplit(
        { kind: 'path', path: file },
        { root, baseDir: root, targets: ['y'], sample: 10_000, seed: 0, limits: DEFAULT_DATA_LIMITS, key: 'data.train' },
      );
      assert.ok(loaded.ok, loaded.ok ? '' : loaded.problem.message);
      const split = loaded.split;
      assert.equal(split.rows, rows.length);
      assert.deepEqual(split.featureNames, names.slice(0, -1));
      split.features.forEach((stats, i) =>
        assertColumn(
          stats,
          rows.map((row) => row[i]),
        ),
      );
      assertColumn(
        split.targets[0],
        rows.map((row) => row[width - 1]),
      );
      // every row fits in the sample, so it holds each row once
      assert.equal(split.sample.rows, rows.length);
      assert.deepEqual(
        [...split.sample.rowIndex].sort((a, b) => a - b),
        rows.map((_, i) => i),
      );
    }),
    { numRuns: 200 },
  );
});

test('arbitrary text named .csv: a split or a problem, never a throw', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => {
      const file = `r${counter++}.csv`;
      writeFileSync(path.join(root, file), text);
      const loaded = await loadSplit(
        { kind: 'path', path: file },
        { root, baseDir: root, targets: ['y'], sample: 100, seed: 0, limits: DEFAULT_DATA_LIMITS, key: 'data.train' },
      );
      if (!loaded.ok) assert.ok(loaded.problem.message.length > 0);
      else assert.ok(loaded.split.rows >= 0);
    }),
    { numRuns: 200 },
  );
});
