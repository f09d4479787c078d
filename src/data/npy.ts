// NumPy .npy: header parsing (format versions 1-3) and streaming element decoding for every plain dtype.
import { fail } from './problem.ts';

export type ElementKind = 'f' | 'i' | 'u' | 'b';

export interface NpyHeader {
  kind: ElementKind;
  itemSize: number;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** bytes before the first element */
  dataOffset: number;
  /** the dtype as written, for messages */
  descr: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
export const NPY_PREAMBLE_BYTES = 12;
const MAX_HEADER_BYTES = 1024 * 1024;
const ITEM_SIZES: Record<ElementKind, number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };

/** Header length in bytes (magic and length field included), from the first 12 bytes. `at` = file offset, for messages. */
export function npyHeaderLength(preamble: Uint8Array, at = 0): number {
  if (preamble.length < 10 || MAGIC.some((b, i) => preamble[i] !== b)) fail('not a NumPy .npy file: the magic string \\x93NUMPY is missing', { byte: at });
  const major = preamble[6];
  if (major === 1) return 10 + (preamble[8] | (preamble[9] << 8));
  if (major === 2 || major === 3) {
    if (preamble.length < 12) fail('the .npy header is truncated', { byte: at + preamble.length });
    const length = 12 + (preamble[8] | (preamble[9] << 8) | (preamble[10] << 16)) + preamble[11] * 2 ** 24;
    if (length > MAX_HEADER_BYTES) fail(`the .npy header claims ${length} bytes, more than any real header`, { byte: at + 8 });
    return length;
  }
  fail(`unsupported .npy format version ${major}.${preamble[7]} (versions 1, 2 and 3 are read)`, { byte: at + 6 });
}

/** Parses the Python-literal header dict: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } */
export function parseNpyHeader(header: Uint8Array, at = 0): NpyHeader {
  const length = npyHeaderLength(header, at);
  if (header.length < length) fail('the .npy header is truncated', { byte: at + header.length });
  const prefix = header[6] === 1 ? 10 : 12;
  const text = Buffer.from(header.buffer, header.byteOffset + prefix, length - prefix).toString(header[6] === 3 ? 'utf8' : 'latin1');
  const where = { byte: at + prefix };
  const descrMatch = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  if (!descrMatch) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) fail('structured .npy arrays (record dtypes) are not supported; save plain numeric arrays', where);
    fail(`the .npy header has no readable 'descr' (dtype): ${JSON.stringify(text.trim().slice(0, 120))}`, where);
  }
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortranMatch) fail("the .npy header has no 'fortran_order' of True or False", where);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) fail("the .npy header has no 'shape' tuple", where);
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) fail(`the .npy shape (${shapeMatch[1]}) is not a tuple of whole numbers`, where);
  const dtype = parseDescr(descrMatch[2], where);
  return { ...dtype, fortranOrder: fortranMatch[1] === 'True', shape, dataOffset: length, descr: descrMatch[2] };
}

function parseDescr(descr: string, where: { byte: number }): Pick<NpyHeader, 'kind' | 'itemSize' | 'littleEndian'> {
  const match = /^([<>|=]?)([fiub?])(\d*)$/.exec(descr);
  const unsupported = () => fail(`unsupported .npy dtype ${JSON.stringify(descr)}: float16/32/64, int8-64, uint8-64 and bool are read`, where);
  if (!match) return unsupported();
  const kind = (match[2] === '?' ? 'b' : match[2]) as ElementKind;
  const itemSize = match[3] === '' ? 1 : Number(match[3]);
  if (!ITEM_SIZES[kind].includes(itemSize)) return unsupported();
  // '=' is native order; NumPy writes it only for single bytes, and every supported platform is little-endian
  return { kind, itemSize, littleEndian: match[1] !== '>' };
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Decodes raw element bytes into float64 values; `decode(view, byteOffset)` reads one element. */
export function elementReader(header: Pick<NpyHeader, 'kind' | 'itemSize' | 'littleEndian'>): (view: DataView, at: number) => number {
  const le = header.littleEndian;
  switch (`${header.kind}${header.itemSize}`) {
    case 'f2':
      return (v, at) => float16ToNumber(v.getUint16(at, le));
    case 'f4':
      return (v, at) => v.getFloat32(at, le);
    case 'f8':
      return (v, at) => v.getFloat64(at, le);
    case 'i1':
      return (v, at) => v.getInt8(at);
    case 'i2':
      return (v, at) => v.getInt16(at, le);
    case 'i4':
      return (v, at) => v.getInt32(at, le);
    case 'i8':
      // high word signed, low word unsigned: exact below 2^53 without BigInt
      return le
        ? (v, at) => v.getInt32(at + 4, true) * 4294967296 + v.getUint32(at, true)
        : (v, at) => v.getInt32(at, false) * 4294967296 + v.getUint32(at + 4, false);
    case 'u1':
    case 'b1':
      return (v, at) => v.getUint8(at);
    case 'u2':
      return (v, at) => v.getUint16(at, le);
    case 'u4':
      return (v, at) => v.getUint32(at, le);
    case 'u8':
      return le
        ? (v, at) => v.getUint32(at + 4, true) * 4294967296 + v.getUint32(at, true)
        : (v, at) => v.getUint32(at, false) * 4294967296 + v.getUint32(at + 4, false);
    default:
      return fail(`unsupported element type ${header.kind}${header.itemSize}`);
  }
}

/** IEEE 754 half precision, decoded by hand (DataView has no getFloat16 in Node 20). */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
