// NPY round trip: any supported dtype, byte order, shape and memory order written the way NumPy writes it
// reads back as the same values, row by row, in C order.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadSplit } from '../../src/data/load.ts';
import { DEFAULT_DATA_LIMITS } from '../../src/data/types.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-prop-npy-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Dtype {
  kind: 'f' | 'i' | 'u' | 'b';
  size: number;
  /** values this dtype holds exactly */
  value: fc.Arbitrary<number>;
}

const DTYPES: Dtype[] = [
  { kind: 'f', size: 2, value: fc.integer({ min: -2048, max: 2048 }) },
  { kind: 'f', size: 4, value: fc.float({ noNaN: true, noDefaultInfinity: true, min: Math.fround(-1e30), max: Math.fround(1e30) }) },
  { kind: 'f', size: 8, value: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }) },
  { kind: 'i', size: 1, value: fc.integer({ min: -128, max: 127 }) },
  { kind: 'i', size: 2, value: fc.integer({ min: -32768, max: 32767 }) },
  { kind: 'i', size: 4, value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { kind: 'i', size: 8, value: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) },
  { kind: 'u', size: 1, value: fc.integer({ min: 0, max: 255 }) },
  { kind: 'u', size: 2, value: fc.integer({ min: 0, max: 65535 }) },
  { kind: 'u', size: 4, value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
  { kind: 'u', size: 8, value: fc.integer({ min: 0, max: 2 ** 40 }) },
  { kind: 'b', size: 1, value: fc.constantFrom(0, 1) },
];

/** float16 bits of a whole number in [-2048, 2048] (exactly representable). */
function halfBits(n: number): number {
  if (n === 0) return 0;
  const sign = n < 0 ? 0x8000 : 0;
  const a = Math.abs(n);
  const exponent = Math.floor(Math.log2(a));
  const mantissa = Math.round((a / 2 ** exponent - 1) * 1024);
  return sign | ((exponent + 15) << 10) | mantissa;
}

function encode(values: number[], dtype: Dtype, littleEndian: boolean): Buffer {
  const out = Buffer.alloc(values.length * dtype.size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  values.forEach((v, i) => {
    const at = i * dtype.size;
    if (dtype.kind === 'f' && dtype.size === 2) view.setUint16(at, halfBits(v), littleEndian);
    else if (dtype.kind === 'f' && dtype.size === 4) view.setFloat32(at, v, littleEndian);
    else if (dtype.kind === 'f') view.setFloat64(at, v, littleEndian);
    else if (dtype.size === 1) view.setUint8(at, v & 0xff);
    else if (dtype.size === 2) view.setUint16(at, v & 0xffff, littleEndian);
    else if (dtype.size === 4) view.setUint32(at, v >>> 0, littleEndian);
    else if (dtype.kind === 'i') view.setBigInt64(at, BigInt(v), littleEndian);
    else view.setBigUint64(at, BigInt(v), littleEndian);
  });
  return out;
}

/** A version-1 .npy file, as numpy.save writes it: header padded to a multiple of 64 bytes. */
function npyFile(descr: string, shape: number[], fortran: boolean, data: Buffer): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const padding = (64 - ((10 + dict.length + 1) % 64)) % 64;
  const header = dict + ' '.repeat(padding) + '\n';
  const preamble = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), data]);
}

/** C-order values -> the element order of a Fortran-order array of the same shape. */
function toFortran(values: number[], shape: number[]): number[] {
  const out = new Array<number>(values.length);
  const strideC = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const strideF = shape.map((_, axis) => shape.slice(0, axis).reduce((a, b) => a * b, 1));
  values.forEach((v, c) => {
    let rest = c;
    let f = 0;
    shape.forEach((_, axis) => {
      const index = Math.floor(rest / strideC[axis]);
      rest -= index * strideC[axis];
      f += index * strideF[axis];
    });
    out[f] = v;
  });
  return out;
}

const arrayCase = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    littleEndian: fc.boolean(),
    fortran: fc.boolean(),
    rows: fc.integer({ min: 1, max: 12 }),
    featureShape: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
  })
  .chain((c) => {
    const count = c.rows * c.featureShape.reduce((a, b) => a * b, 1);
    return fc.record({ c: fc.constant(c), values: fc.array(c.dtype.value, { minLength: count, maxLength: count }) });
  });

let counter = 0;
test('any dtype, byte order, shape and memory order reads back as the values written', async () => {
  await fc.assert(
    fc.asyncProperty(arrayCase, async ({ c, values }) => {
      const shape = [c.rows, ...c.featureShape];
      const order = c.dtype.size === 1 ? '|' : c.littleEndian ? '<' : '>';
      const descr = c.dtype.kind === 'b' ? '|b1' : `${order}${c.dtype.kind}${c.dtype.size}`;
      const stored = c.fortran ? toFortran(values, shape) : values;
      const id = counter++;
      writeFileSync(path.join(root, `x${id}.npy`), npyFile(descr, shape, c.fortran, encode(stored, c.dtype, c.littleEndian)));
      const labels = Array.from({ length: c.rows }, (_, i) => i % 2);
      writeFileSync(path.join(root, `y${id}.npy`), npyFile('<f4', [c.rows], false, encode(labels, DTYPES[1], true)));

      const loaded = await loadSplit(
        { kind: 'arrays', x: `x${id}.npy`, y: `y${id}.npy` },
        { root, baseDir: root, sample: 10_000, seed: 0, limits: DEFAULT_DATA_LIMITS, key: 'data.train' },
      );
      assert.ok(loaded.ok, loaded.ok ? '' : `${descr} ${JSON.stringify(shape)} fortran=${c.fortran}: ${loaded.problem.message}`);
      const { sample, rows } = loaded.split;
      assert.equal(rows, c.rows);
      const rowWidth = values.length / c.rows;
      assert.deepEqual(sample.featureShape, c.featureShape.length === 0 ? [1] : c.featureShape);
      for (let s = 0; s < sample.rows; s++) {
        const row = sample.rowIndex[s];
        for (let k = 0; k < rowWidth; k++) {
          assert.equal(sample.x[s * rowWidth + k], Math.fround(values[row * rowWidth + k]), `${descr} row ${row} element ${k}`);
        }
        assert.equal(sample.y[s], labels[row]);
      }
    }),
    { numRuns: 300 },
  );
});
