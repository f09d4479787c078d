// Parquet files written here with hyparquet-writer, read through the real loader and compared with the
// same rows written as CSV: the statistics and the seeded sample must be the same, row group or not.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { limits, load, loadOk, loadProblem, tempRepo } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());

/** a short deadline: these files are tiny, and a decoder stuck on one must not hold the test for a minute */
const QUICK = { baseSeconds: 4, secondsPerMiB: 0, maxHeapMb: 256 };
const ROWS = 57;
const a = Array.from({ length: ROWS }, (_, i) => Math.sin(i) * 1000 + i / 7);
const b = Array.from({ length: ROWS }, (_, i) => BigInt(i * 3 - 40));
const plan = Array.from({ length: ROWS }, (_, i) => ['basic', 'pro', 'team'][i % 3]);
const y = Array.from({ length: ROWS }, (_, i) => (i % 5 === 0 ? null : i % 2));

function columns(): ColumnSource[] {
  return [
    { name: 'a', data: a, type: 'DOUBLE' },
    { name: 'b', data: b, type: 'INT64' },
    { name: 'plan', data: plan, type: 'STRING' },
    { name: 'y', data: y, type: 'DOUBLE', nullable: true },
  ];
}

function parquet(extra: Record<string, unknown> = {}): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({ columnData: columns(), rowGroupSize: 10, ...extra }));
}

function csv(): string {
  const lines = ['a,b,plan,y'];
  for (let i = 0; i < ROWS; i++) lines.push(`${a[i]},${b[i]},${plan[i]},${y[i] ?? ''}`);
  return lines.join('\n') + '\n';
}

test('a snappy Parquet file in row groups gives the same statistics and seeded sample as the same rows in CSV', async () => {
  repo.write('t.parquet', parquet());
  repo.write('t.csv', csv());
  for (const sample of [10, 1000]) {
    const fromParquet = await loadOk(repo.root, 't.parquet', { sample, seed: 3 });
    const fromCsv = await loadOk(repo.root, 't.csv', { sample, seed: 3 });
    assert.equal(fromParquet.format, 'parquet');
    assert.equal(fromParquet.rows, ROWS);
    assert.deepEqual(fromParquet.featureNames, ['a', 'b', 'plan']);
    assert.deepEqual(fromParquet.features, fromCsv.features);
    assert.deepEqual(fromParquet.targets, fromCsv.targets);
    assert.deepEqual(fromParquet.sample, fromCsv.sample);
    assert.equal(fromParquet.sample.rows, Math.min(sample, ROWS));
  }
  const split = await loadOk(repo.root, 't.parquet', { features: ['b'] });
  assert.equal(split.features[0].mean, b.reduce((s, v) => s + Number(v), 0) / ROWS);
  assert.equal(split.targets[0].empty, Math.ceil(ROWS / 5), 'a null is a missing cell');
  assert.deepEqual(split.features[0].textExamples, []);
});

test('GZIP pages are read; a codec nn-preflight cannot decode is a data-error naming it', async () => {
  repo.write('g.parquet', parquet({ codec: 'GZIP', compressors: { GZIP: (input: Uint8Array) => gzipSync(input) } }));
  repo.write('t.csv', csv());
  const gz = await loadOk(repo.root, 'g.parquet');
  assert.deepEqual(gz.features, (await loadOk(repo.root, 't.csv')).features);

  repo.write('lz4.parquet', parquet({ codec: 'LZ4_RAW', compressors: { LZ4_RAW: (input: Uint8Array) => input } }));
  const problem = await loadProblem(repo.root, 'lz4.parquet');
  assert.match(problem.message, /compressed with LZ4_RAW, which nn-preflight does not decode/);
  assert.match(problem.message, /compression="snappy"/);
  assert.equal(problem.file, 'lz4.parquet');
});

test('rows and columns over the limits are refused from the footer, before any row is read', async () => {
  repo.write('t.parquet', parquet());
  assert.match((await loadProblem(repo.root, 't.parquet', { limits: limits({ maxRows: 50 }) })).message, /57 rows, more than the limit of 50/);
  assert.match((await loadProblem(repo.root, 't.parquet', { limits: limits({ maxColumns: 3 }) })).message, /4 columns, more than the limit of 3/);
  assert.match((await loadProblem(repo.root, 't.parquet', { limits: limits({ maxBytesPerFile: 100 }) })).message, /more than the limit of 100 bytes/);
  assert.match((await loadProblem(repo.root, '../t.parquet')).message, /leaves the repository/);
  assert.match(
    (await loadProblem(repo.root, 't.parquet', { targets: ['price'] })).message,
    /target column "price" is not in the file; the columns are "a", "b", "plan", "y"/,
  );
});

test('malformed Parquet is a data-error, never a crash: truncated, bad magic, lying footer, corrupted pages', async () => {
  const good = parquet({ codec: 'UNCOMPRESSED' });
  const cases: Record<string, Uint8Array> = {
    'short.parquet': good.subarray(0, 10),
    'truncated.parquet': good.subarray(0, good.length - 30),
    'magic.parquet': Uint8Array.from([...good.subarray(0, good.length - 4), 0x50, 0x41, 0x52, 0x45]),
    'text.parquet': new TextEncoder().encode('a,b,y\n1,2,3\n'),
  };
  const lying = Uint8Array.from(good);
  new DataView(lying.buffer).setUint32(lying.length - 8, 0x7fffffff, true);
  cases['footer.parquet'] = lying;
  // flip bytes through the data pages (between the header and the footer), one file per position
  const footer = new DataView(good.buffer, good.byteOffset).getUint32(good.length - 8, true);
  for (let at = 4; at < good.length - 8 - footer; at += 401) {
    const bad = Uint8Array.from(good);
    for (let k = 0; k < 6 && at + k < bad.length - 8 - footer; k++) bad[at + k] ^= 0xff;
    cases[`flip${at}.parquet`] = bad;
  }
  // and through the footer itself
  for (let at = good.length - 8 - footer; at < good.length - 8; at += 157) {
    const bad = Uint8Array.from(good);
    bad[at] ^= 0xa5;
    cases[`meta${at}.parquet`] = bad;
  }
  for (const [name, bytes] of Object.entries(cases)) {
    repo.write(name, bytes);
    const result = await load(repo.root, name, { parquetWorker: QUICK });
    if (!result.ok) {
      assert.equal(result.problem.file, name);
      assert.ok(result.problem.message.length > 0);
    }
  }
  for (const name of ['short.parquet', 'truncated.parquet', 'magic.parquet', 'text.parquet', 'footer.parquet']) {
    assert.equal((await load(repo.root, name, { parquetWorker: QUICK })).ok, false, name);
  }
});

test('a file that makes the decoder loop is stopped by the worker deadline and reported, not a hang', async () => {
  // found by flipping bytes: this page header makes hyparquet 1.33.0 loop without end
  const good = new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'a', data: [1.5, 2, 3], type: 'DOUBLE' },
        { name: 'y', data: ['x', 'y', 'z'], type: 'STRING' },
      ],
      codec: 'SNAPPY',
    }),
  );
  const bad = Uint8Array.from(good);
  bad[12] ^= 0x80;
  repo.write('loop.parquet', bad);
  const result = await load(repo.root, 'loop.parquet', { parquetWorker: QUICK });
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.problem.message, /did not finish within 4 s|cannot be decoded|more than 256 MB/);
});
