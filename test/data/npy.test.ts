import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readArrayPair } from '../../src/data/arrays.ts';
import { float16ToNumber, parseNpyHeader } from '../../src/data/npy.ts';
import { limits, loadOk, loadProblem, naiveStats, npy, tempRepo, zip, type Dtype } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());
const pair = (x: string, y: string) => ({ kind: 'arrays' as const, x, y });

/** Values every dtype can hold exactly (float16 included). */
function valuesFor(dtype: Dtype, count: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    if (dtype === 'b1') return i % 2;
    if (dtype.startsWith('u')) return (i * 7) % 120;
    if (dtype.startsWith('i')) return ((i * 7) % 120) - 60;
    return ((i * 7) % 64) / 4 - 8;
  });
}

const DTYPES: Dtype[] = ['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1'];

test('every dtype in both byte orders and both memory orders reads the same values', async () => {
  const rows = 30;
  const cols = 3;
  for (const dtype of DTYPES) {
    const values = valuesFor(dtype, rows * cols);
    const labels = Array.from({ length: rows }, (_, i) => i % 4);
    for (const bigEndian of [false, true]) {
      for (const fortran of [false, true]) {
        const name = `${dtype}-${bigEndian ? 'be' : 'le'}-${fortran ? 'f' : 'c'}`;
        repo.write(`${name}.x.npy`, npy(values, [rows, cols], dtype, { bigEndian, fortran }));
        repo.write(`${name}.y.npy`, npy(labels, [rows], 'i8', { bigEndian }));
        const split = await loadOk(repo.root, pair(`${name}.x.npy`, `${name}.y.npy`), { sample: 1000 });
        assert.equal(split.rows, rows, name);
        assert.deepEqual(split.featureNames, ['x[0]', 'x[1]', 'x[2]'], name);
        assert.deepEqual(Array.from(split.sample.x), values, name);
        assert.deepEqual(Array.from(split.sample.y), labels, name);
        for (let c = 0; c < cols; c++) {
          const column = values.filter((_, i) => i % cols === c);
          const expected = naiveStats(column);
          assert.ok(Math.abs(split.features[c].mean - expected.mean) < 1e-9, `${name} mean of column ${c}`);
          assert.equal(split.features[c].min, expected.min, name);
          assert.equal(split.features[c].distinct, expected.distinct, name);
        }
      }
    }
  }
});

test('large 64-bit integers and float16 special values decode', async () => {
  repo.write('i8.x.npy', npy([2 ** 40 + 3, -(2 ** 40) - 5, 0, -1], [4, 1], 'i8', { bigEndian: true }));
  repo.write('i8.y.npy', npy([0, 1, 0, 1], [4], 'u1'));
  const split = await loadOk(repo.root, pair('i8.x.npy', 'i8.y.npy'));
  assert.equal(split.features[0].max, 2 ** 40 + 3);
  assert.equal(split.features[0].min, -(2 ** 40) - 5);
  assert.equal(float16ToNumber(0x3c00), 1);
  assert.equal(float16ToNumber(0xc000), -2);
  assert.equal(float16ToNumber(0x0001), 2 ** -24);
  assert.equal(float16ToNumber(0x7c00), Infinity);
  assert.ok(Number.isNaN(float16ToNumber(0x7e00)));
  assert.equal(float16ToNumber(0x7bff), 65504);
});

test('format versions 2 and 3 and rank-4 image arrays in Fortran order', async () => {
  const shape = [6, 4, 4, 3];
  const values = Array.from({ length: 6 * 48 }, (_, i) => (i * 37) % 256);
  repo.write('img.x.npy', npy(values, shape, 'u1', { fortran: true, version: 2 }));
  repo.write('img.y.npy', npy([0, 1, 2, 0, 1, 2], [6], 'i4', { version: 3 }));
  const split = await loadOk(repo.root, pair('img.x.npy', 'img.y.npy'), { sample: 4 });
  assert.deepEqual(split.sample.featureShape, [4, 4, 3]);
  assert.deepEqual(split.featureNames, ['channel 0', 'channel 1', 'channel 2']);
  for (let ch = 0; ch < 3; ch++) {
    const expected = naiveStats(values.filter((_, i) => i % 3 === ch));
    assert.ok(Math.abs(split.features[ch].mean - expected.mean) < 1e-9);
    assert.equal(split.features[ch].count, 6 * 16);
  }
  for (let i = 0; i < split.sample.rows; i++) {
    const row = split.sample.rowIndex[i];
    assert.deepEqual(Array.from(split.sample.x.subarray(i * 48, i * 48 + 48)), values.slice(row * 48, row * 48 + 48));
    assert.equal(split.sample.y[i], row % 3);
  }
  repo.write('wide.x.npy', npy(new Array(2 * 3 * 3 * 5).fill(1), [2, 3, 3, 5], 'u1'));
  repo.write('wide.y.npy', npy([0, 1], [2], 'u1'));
  assert.deepEqual((await loadOk(repo.root, pair('wide.x.npy', 'wide.y.npy'))).featureNames, ['pixels']);
});

test('one-hot labels of shape [N, k] give k target columns', async () => {
  repo.write('oh.x.npy', npy([1, 2, 3], [3, 1], 'f4'));
  repo.write('oh.y.npy', npy([1, 0, 0, 1, 0, 0], [3, 2], 'f4'));
  const split = await loadOk(repo.root, pair('oh.x.npy', 'oh.y.npy'));
  assert.equal(split.sample.targetWidth, 2);
  assert.deepEqual(split.targetNames, ['y[0]', 'y[1]']);
  assert.deepEqual(Array.from(split.sample.y), [1, 0, 0, 1, 0, 0]);
});

test('broken headers, dtypes and shapes are problems naming a byte and the x or y key', async () => {
  repo.write('ok.y.npy', npy([0, 1], [2], 'u1'));
  repo.write('nomagic.npy', Buffer.from('not a numpy file at all'));
  const noMagic = await loadProblem(repo.root, pair('nomagic.npy', 'ok.y.npy'));
  assert.equal(noMagic.key, 'data.train.x');
  assert.equal(noMagic.byte, 0);
  assert.match(noMagic.message, /magic/);
  const complex = npy([0, 0], [2], 'f8');
  complex.write("'<c16'", complex.indexOf("'<f8'"), 'latin1');
  repo.write('complex.npy', complex);
  const dtype = await loadProblem(repo.root, pair('ok.y.npy', 'complex.npy'));
  assert.equal(dtype.key, 'data.train.y');
  assert.match(dtype.message, /unsupported .npy dtype "<c16"/);
  assert.equal(typeof dtype.byte, 'number');
  const full = npy([1, 2, 3, 4], [2, 2], 'f4');
  repo.write('short.npy', full.subarray(0, full.length - 3));
  const truncated = await loadProblem(repo.root, pair('short.npy', 'ok.y.npy'));
  assert.match(truncated.message, /truncated/);
  assert.equal(truncated.byte, full.length - 3);
  repo.write('three.y.npy', npy([0, 1, 2], [3], 'u1'));
  repo.write('two.x.npy', npy([1, 2], [2, 1], 'f4'));
  const mismatch = await loadProblem(repo.root, pair('two.x.npy', 'three.y.npy'));
  assert.equal(mismatch.key, 'data.train');
  assert.match(mismatch.message, /x has 2 rows .* but y has 3/);
  repo.write('cube.y.npy', npy(new Array(8).fill(0), [2, 2, 2], 'u1'));
  assert.match((await loadProblem(repo.root, pair('two.x.npy', 'cube.y.npy'))).message, /labels must be/);
  assert.match((await loadProblem(repo.root, pair('two.x.npy', 'ok.y.npy'), { limits: limits({ maxRows: 1 }) })).message, /limit/);
  assert.match((await loadProblem(repo.root, 'two.x.npy')).message, /pair/);
});

test('the header parser reads what numpy writes and refuses structured dtypes', () => {
  const header = parseNpyHeader(npy([1], [1, 1], 'f8', { fortran: true }));
  assert.deepEqual(
    { kind: header.kind, itemSize: header.itemSize, le: header.littleEndian, fortran: header.fortranOrder, shape: header.shape },
    { kind: 'f', itemSize: 8, le: true, fortran: true, shape: [1, 1] },
  );
  const structured = npy([1], [1], 'f8');
  const text = "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }";
  structured.write(text.padEnd(structured.readUInt16LE(8) - 1, ' '), 10, 'latin1');
  assert.throws(() => parseNpyHeader(structured), /structured/);
});

test('NPZ archives, stored and deflated, with x/y or x_train/y_train', async () => {
  const x = Array.from({ length: 200 * 4 }, (_, i) => Math.sin(i));
  const y = Array.from({ length: 200 }, (_, i) => i % 5);
  for (const method of ['stored', 'deflated'] as const) {
    for (const [xName, yName] of [
      ['x.npy', 'y.npy'],
      ['x_train.npy', 'y_train.npy'],
    ]) {
      const file = `${method}-${xName}.npz`;
      repo.write(
        file,
        zip(
          [
            { name: xName, data: npy(x, [200, 4], 'f8') },
            { name: yName, data: npy(y, [200], 'i8') },
          ],
          method,
        ),
      );
      const progress: number[] = [];
      const split = await loadOk(repo.root, file, { sample: 50, onProgress: (d) => progress.push(d) });
      assert.equal(split.format, 'npz');
      assert.equal(split.rows, 200);
      assert.ok(Math.abs(split.features[2].mean - naiveStats(x.filter((_, i) => i % 4 === 2)).mean) < 1e-12, file);
      assert.equal(split.targets[0].distinct, 5);
      assert.ok(progress.length > 0);
      for (let i = 0; i < split.sample.rows; i++) assert.equal(split.sample.y[i], split.sample.rowIndex[i] % 5);
    }
  }
});

test('a highly compressible deflated array (ratio far above 100:1) reads in full', async () => {
  const rows = 40000;
  const x = npy(new Array(rows * 8).fill(0), [rows, 8], 'f8');
  const y = npy(new Array(rows).fill(1), [rows], 'u1');
  repo.write(
    'zeros.npz',
    zip(
      [
        { name: 'x.npy', data: x },
        { name: 'y.npy', data: y },
      ],
      'deflated',
    ),
  );
  const split = await loadOk(repo.root, 'zeros.npz', { sample: 10 });
  assert.equal(split.rows, rows);
  assert.equal(split.features[0].count, rows);
  assert.equal(split.features[7].distinct, 1);
});

test('truncated or mislabelled NPZ archives are problems', async () => {
  const archive = zip(
    [
      { name: 'x.npy', data: npy([1, 2], [2, 1], 'f4') },
      { name: 'y.npy', data: npy([0, 1], [2], 'u1') },
    ],
    'deflated',
  );
  repo.write('cut.npz', archive.subarray(0, archive.length - 10));
  assert.match((await loadProblem(repo.root, 'cut.npz')).message, /end-of-directory|truncated/);
  repo.write('half.npz', archive.subarray(0, 20));
  assert.match((await loadProblem(repo.root, 'half.npz')).message, /too short/);
  repo.write('names.npz', zip([{ name: 'inputs.npy', data: npy([1], [1, 1], 'f4') }], 'stored'));
  assert.match((await loadProblem(repo.root, 'names.npz')).message, /x and y .* holds: inputs/);
  const bigX = npy(
    Array.from({ length: 5000 }, (_, i) => i),
    [1000, 5],
    'f8',
  );
  const good = zip(
    [
      { name: 'x.npy', data: bigX },
      { name: 'y.npy', data: npy(new Array(1000).fill(1), [1000], 'u1') },
    ],
    'deflated',
  );
  // corrupt the middle of the compressed x stream
  const corrupt = Buffer.from(good);
  for (let i = 200; i < 260; i++) corrupt[i] ^= 0x5a;
  repo.write('corrupt.npz', corrupt);
  assert.match((await loadProblem(repo.root, 'corrupt.npz')).message, /corrupt/);
});

test('elements split across chunk boundaries at odd offsets decode correctly', async () => {
  const values = Array.from({ length: 50 * 3 }, (_, i) => i * 1.25 - 40);
  const labels = Array.from({ length: 50 }, (_, i) => i % 2);
  const source = (bytes: Buffer, label: string) => {
    const header = parseNpyHeader(bytes);
    const body = bytes.subarray(header.dataOffset);
    return {
      label,
      key: `data.train.${label}`,
      header,
      fileOffset: 0,
      available: body.length,
      async *elements() {
        // chunks of 7 bytes never line up with 8-byte elements
        for (let at = 0; at < body.length; at += 7) yield body.subarray(at, Math.min(body.length, at + 7));
      },
    };
  };
  const result = await readArrayPair(
    source(npy(values, [50, 3], 'f8', { fortran: true }), 'x'),
    source(npy(labels, [50], 'i2', { bigEndian: true }), 'y'),
    100,
    0,
  );
  assert.deepEqual(
    Array.from(result.sample.x),
    values.map((v) => Math.fround(v)),
  );
  assert.deepEqual(Array.from(result.sample.y), labels);
  assert.equal(result.features[1].mean, naiveStats(values.filter((_, i) => i % 3 === 1)).mean);
});
