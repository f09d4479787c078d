// Small writers and option builders shared by the data tests: every file is made here, in a temp dir.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { loadSplit } from '../../src/data/load.ts';
import { DEFAULT_DATA_LIMITS, type DataLimits, type LoadOptions, type LoadResult, type LoadedSplit } from '../../src/data/types.ts';
import type { DataSource } from '../../src/config/types.ts';

export function tempRepo(): { root: string; write: (rel: string, data: string | Uint8Array) => string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-data-'));
  return {
    root,
    write(rel, data) {
      const file = path.join(root, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, data);
      return file;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function options(root: string, extra: Partial<LoadOptions> = {}): LoadOptions {
  return { root, baseDir: root, targets: ['y'], sample: 100, seed: 7, limits: DEFAULT_DATA_LIMITS, key: 'data.train', ...extra };
}

export function limits(extra: Partial<DataLimits>): DataLimits {
  return { ...DEFAULT_DATA_LIMITS, ...extra };
}

export async function load(root: string, source: DataSource | string, extra: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const src: DataSource = typeof source === 'string' ? { kind: 'path', path: source } : source;
  return loadSplit(src, options(root, extra));
}

export async function loadOk(root: string, source: DataSource | string, extra: Partial<LoadOptions> = {}): Promise<LoadedSplit> {
  const result = await load(root, source, extra);
  if (!result.ok) throw new Error(`expected the data to load, got: ${JSON.stringify(result.problem)}`);
  return result.split;
}

export async function loadProblem(root: string, source: DataSource | string, extra: Partial<LoadOptions> = {}) {
  const result = await load(root, source, extra);
  if (result.ok) throw new Error('expected a problem, but the data loaded');
  return result.problem;
}

export type Dtype = 'f2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

/** Encodes values (given in C order) as a .npy file, the way numpy.save does (version 1 unless asked). */
export function npy(values: number[], shape: number[], dtype: Dtype, opts: { bigEndian?: boolean; fortran?: boolean; version?: 1 | 2 | 3 } = {}): Buffer {
  const size = Number(dtype.slice(1));
  const order = size === 1 ? '|' : opts.bigEndian ? '>' : '<';
  const descr = dtype === 'b1' ? '|b1' : `${order}${dtype}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const version = opts.version ?? 1;
  const prefix = version === 1 ? 10 : 12;
  const padded = dict.padEnd(Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  const ordered = opts.fortran ? toFortran(values, shape) : values;
  const data = Buffer.alloc(ordered.length * size);
  const le = !opts.bigEndian;
  ordered.forEach((v, i) => {
    const at = i * size;
    switch (dtype) {
      case 'f2':
        le ? data.writeUInt16LE(toFloat16(v), at) : data.writeUInt16BE(toFloat16(v), at);
        break;
      case 'f4':
        le ? data.writeFloatLE(v, at) : data.writeFloatBE(v, at);
        break;
      case 'f8':
        le ? data.writeDoubleLE(v, at) : data.writeDoubleBE(v, at);
        break;
      case 'i1':
        data.writeInt8(v, at);
        break;
      case 'i2':
        le ? data.writeInt16LE(v, at) : data.writeInt16BE(v, at);
        break;
      case 'i4':
        le ? data.writeInt32LE(v, at) : data.writeInt32BE(v, at);
        break;
      case 'i8':
        le ? data.writeBigInt64LE(BigInt(v), at) : data.writeBigInt64BE(BigInt(v), at);
        break;
      case 'u1':
      case 'b1':
        data.writeUInt8(v, at);
        break;
      case 'u2':
        le ? data.writeUInt16LE(v, at) : data.writeUInt16BE(v, at);
        break;
      case 'u4':
        le ? data.writeUInt32LE(v, at) : data.writeUInt32BE(v, at);
        break;
      case 'u8':
        le ? data.writeBigUInt64LE(BigInt(v), at) : data.writeBigUInt64BE(BigInt(v), at);
        break;
    }
  });
  return Buffer.concat([head, Buffer.from(padded, 'latin1'), data]);
}

function toFortran(values: number[], shape: number[]): number[] {
  const out = new Array<number>(values.length);
  const cStrides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  for (let f = 0; f < values.length; f++) {
    let rest = f;
    let c = 0;
    for (let axis = 0; axis < shape.length; axis++) {
      c += (rest % shape[axis]) * cStrides[axis];
      rest = Math.floor(rest / shape[axis]);
    }
    out[f] = values[c];
  }
  return out;
}

/** Only for values exactly representable in half precision (what the tests use). */
function toFloat16(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const exponent = Math.floor(Math.log2(a));
  const fraction = Math.round((a / 2 ** exponent - 1) * 1024);
  return sign | ((exponent + 15) << 10) | fraction;
}

/** A zip archive (what numpy.savez writes), entries stored or deflated. */
export function zip(entries: { name: string; data: Buffer }[], method: 'stored' | 'deflated'): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const body = method === 'stored' ? entry.data : deflateRawSync(entry.data);
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method === 'stored' ? 0 : 8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(20, 4);
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(method === 'stored' ? 0 : 8, 10);
    record.writeUInt32LE(body.length, 20);
    record.writeUInt32LE(entry.data.length, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(record, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Mean and population std the slow, obvious way, over the finite values. */
export function naiveStats(values: number[]) {
  const finite = values.filter((v) => Number.isFinite(v));
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length;
  return {
    mean,
    std: Math.sqrt(variance),
    min: finite.reduce((a, b) => Math.min(a, b), Infinity),
    max: finite.reduce((a, b) => Math.max(a, b), -Infinity),
    count: finite.length,
    distinct: new Set(finite).size,
  };
}

export function assertClose(actual: number, expected: number, tolerance = 1e-9, what = ''): void {
  const scale = Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tolerance * scale)) throw new Error(`${what}: ${actual} is not close to ${expected}`);
}
