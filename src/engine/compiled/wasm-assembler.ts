// A tiny WebAssembly assembler: the binary format's encodings (https://webassembly.github.io/spec/core/binary/)
// and the instructions the compiled step's kernels use, so a kernel module is built in memory from TS
// (gemm.ts, optimizer-kernels.ts): no .wasm file to ship or rebuild, and the source is the TS.

export const I32 = 0x7f;
export const V128 = 0x7b;
export const F32 = 0x7d;
export const F64 = 0x7c;

export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const name = (text: string): number[] => vec([...Buffer.from(text, 'utf8')].map((b) => [b]));
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** The few instructions the kernels use (https://webassembly.github.io/spec/core/binary/instructions.html). */
export const op = {
  get: (l: number) => [0x20, ...uleb(l)],
  set: (l: number) => [0x21, ...uleb(l)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  gtS: [0x4a],
  eqz: [0x45],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  ifV128: [0x04, V128],
  ifF32: [0x04, 0x7d],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  f32Load: (offset: number) => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset: number) => [0x38, 2, ...uleb(offset)],
  f32Const0: [0x43, 0, 0, 0, 0],
  f32Add: [0x92],
  f32Mul: [0x94],
  v128Load: (offset: number) => [0xfd, ...uleb(0), 4, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(11), 4, ...uleb(offset)],
  splatLoad: [0xfd, ...uleb(9), 2, 0],
  v128Zero: [0xfd, ...uleb(12), ...new Array(16).fill(0)],
  f32x4Add: [0xfd, ...uleb(228)],
  f32x4Gt: [0xfd, ...uleb(68)],
  v128And: [0xfd, ...uleb(78)],
  geU: [0x4f],
  geS: [0x4e],
  ltU: [0x49],
  and: [0x71],
  if: [0x04, 0x40],
  f32Const1: [0x43, 0, 0, 0x80, 0x3f],
  select: [0x1b],
  f32x4Ne: [0xfd, ...uleb(66)],
  f32x4Eq: [0xfd, ...uleb(65)],
  i32x4Eq: [0xfd, ...uleb(55)],
  v128Or: [0xfd, ...uleb(80)],
  bitselect: [0xfd, ...uleb(82)],
  i32x4Splat: [0xfd, ...uleb(17)],
  i32x4Add: [0xfd, ...uleb(174)],
  v128Const: (bytes: number[]) => [0xfd, ...uleb(12), ...bytes],
  f32x4Mul: [0xfd, ...uleb(230)],
  // the optimizer kernels' (optimizer-kernels.ts)
  tee: (l: number) => [0x22, ...uleb(l)],
  f32Sub: [0x93],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  f64Add: [0xa0],
  f64PromoteF32: [0xbb],
  f64Const0: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Store: (offset: number) => [0x39, 3, ...uleb(offset)],
  f32x4Sub: [0xfd, ...uleb(229)],
  f32x4Div: [0xfd, ...uleb(231)],
  f32x4Sqrt: [0xfd, ...uleb(227)],
  f32x4Splat: [0xfd, ...uleb(19)],
  f64x2Add: [0xfd, ...uleb(240)],
  f64x2PromoteLow: [0xfd, ...uleb(95)],
  f64x2ExtractLane: (lane: number) => [0xfd, ...uleb(33), lane],
  shuffle: (lanes: number[]) => [0xfd, ...uleb(13), ...lanes],
};

/** A shared memory must declare its largest size: 4 GB, all a 32-bit WebAssembly memory can address. */
export const SHARED_MAX_PAGES = 65536;

/** A function of a module: its type index, export name, locals (count, type) and body (ending in `end`). */
export interface KernelFunction {
  type: number;
  name: string;
  locals: number[][];
  body: number[];
}

/**
 * A module importing one memory (env.memory) and exporting its functions by name. `types` are the
 * function signatures: parameter types and result types.
 */
export function assembleModule(
  types: { params: number[]; results: number[] }[],
  functions: KernelFunction[],
  /** import a shared memory of at most this many 64 KB pages (for threads), instead of a plain one */
  sharedMaxPages?: number,
): Uint8Array<ArrayBuffer> {
  const memoryLimits = sharedMaxPages === undefined ? [0x00, ...uleb(1)] : [0x03, ...uleb(1), ...uleb(sharedMaxPages)];
  const typeSection = types.map((t) => [0x60, ...vec(t.params.map((p) => [p])), ...vec(t.results.map((r) => [r]))]);
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(typeSection)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]])),
    ...section(3, vec(functions.map((f) => [f.type]))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(
      10,
      vec(
        functions.map((f) => {
          const code = [...vec(f.locals), ...f.body];
          return [...uleb(code.length), ...code];
        }),
      ),
    ),
  ];
  return new Uint8Array(bytes);
}
