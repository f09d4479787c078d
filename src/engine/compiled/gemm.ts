// A float32 matrix product in WebAssembly SIMD (f32x4), for the compiled step's convolutions.
// The module is assembled here, in memory, from the instructions below (a few dozen opcodes of the
// WebAssembly binary format): no .wasm file to ship or rebuild, and the source is this file.
// Each output is summed in the order k = 0, 1, 2, ... with a float32 multiply and a float32 add per term
// (no fused multiply-add: relaxed SIMD would round differently on different CPUs), so the results are
// the same on every machine and for any blocking, and never depend on timing.

const I32 = 0x7f;
const V128 = 0x7b;
const F32 = 0x7d;

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
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

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => vec([...Buffer.from(text, 'utf8')].map((b) => [b]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** The few instructions the kernels use (https://webassembly.github.io/spec/core/binary/instructions.html). */
const op = {
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
  f32x4Mul: [0xfd, ...uleb(230)],
};

// Parameters of every row-block function: reduction length, columns, A at its block's first row (bytes), A's
// stride between rows and between terms (bytes), B, B's row stride, C at the block's first row, C's row
// stride, and whether to add to C (1) or overwrite it (0).
const P_K = 0, P_N = 1, P_A = 2, P_SAI = 3, P_SAK = 4, P_B = 5, P_LDB = 6, P_C = 7, P_LDC = 8, P_ACC = 9;
const PARAMS = 10;

/**
 * One function computing `rows` rows of C = A B (or C += A B): the columns in blocks of `vectors` x 4,
 * then of 4, then one at a time. `rows` x `vectors` accumulators stay in registers over the whole
 * reduction; per term, `rows` broadcast loads of A and `vectors` loads of B.
 */
function rowBlockFunction(rows: number, vectors: number): { locals: number[][]; body: number[] } {
  // locals after the parameters: i32 j, k, B pointer, A pointers, C row pointers; then v128; then f32
  let next = PARAMS;
  const J = next++, K = next++, PB = next++;
  const aBase = Array.from({ length: rows }, () => next++);
  const aPtr = Array.from({ length: rows }, () => next++);
  const cRow = Array.from({ length: rows }, () => next++);
  const i32Count = next - PARAMS;
  const accV = Array.from({ length: rows }, () => Array.from({ length: vectors }, () => next++));
  const bV = Array.from({ length: vectors }, () => next++);
  const aV = next++;
  const v128Count = next - PARAMS - i32Count;
  const accS = Array.from({ length: rows }, () => [next++]);
  const bS = [next++];
  const aS = next++;
  const f32Count = next - PARAMS - i32Count - v128Count;
  const body: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => body.push(...p));
  for (let r = 0; r < rows; r++) {
    emit(op.get(P_A), op.get(P_SAI), op.i32(r), op.mul, op.add, op.set(aBase[r]));
    emit(op.get(P_C), op.get(P_LDC), op.i32(r), op.mul, op.add, op.set(cRow[r]));
  }
  emit(op.i32(0), op.set(J));
  // three column passes: `vectors` vectors, one vector, one float
  const passes = [
    { width: 16 * vectors, vector: true, count: vectors },
    { width: 16, vector: true, count: 1 },
    { width: 4, vector: false, count: 1 },
  ];
  for (const { width, vector, count } of passes) {
    const acc = vector ? accV : accS;
    const b = vector ? bV : bS;
    const a = vector ? aV : aS;
    emit(op.block, op.loop);
    // while (j + width <= N * 4)
    emit(op.get(J), op.i32(width), op.add, op.get(P_N), op.i32(4), op.mul, op.gtS, op.brIf(1));
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < count; v++) {
        emit(op.get(P_ACC), vector ? op.ifV128 : op.ifF32);
        emit(op.get(cRow[r]), op.get(J), op.add, vector ? op.v128Load(16 * v) : op.f32Load(0));
        emit(op.else, vector ? op.v128Zero : op.f32Const0, op.end, op.set(acc[r][v]));
      }
      emit(op.get(aBase[r]), op.set(aPtr[r]));
    }
    emit(op.get(P_B), op.get(J), op.add, op.set(PB), op.get(P_K), op.set(K));
    // do { ... } while (--k) (K >= 1)
    emit(op.loop);
    for (let v = 0; v < count; v++) emit(op.get(PB), vector ? op.v128Load(16 * v) : op.f32Load(0), op.set(b[v]));
    for (let r = 0; r < rows; r++) {
      emit(op.get(aPtr[r]), vector ? op.splatLoad : op.f32Load(0), op.set(a));
      for (let v = 0; v < count; v++) {
        emit(op.get(acc[r][v]), op.get(a), op.get(b[v]), vector ? op.f32x4Mul : op.f32Mul, vector ? op.f32x4Add : op.f32Add, op.set(acc[r][v]));
      }
      emit(op.get(aPtr[r]), op.get(P_SAK), op.add, op.set(aPtr[r]));
    }
    emit(op.get(PB), op.get(P_LDB), op.add, op.set(PB));
    emit(op.get(K), op.i32(1), op.sub, op.set(K), op.get(K), op.brIf(0), op.end);
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < count; v++) {
        emit(op.get(cRow[r]), op.get(J), op.add, op.get(acc[r][v]), vector ? op.v128Store(16 * v) : op.f32Store(0));
      }
    }
    emit(op.get(J), op.i32(width), op.add, op.set(J), op.br(0), op.end, op.end);
  }
  emit(op.end);
  return { locals: [[...uleb(i32Count), I32], [...uleb(v128Count), V128], [...uleb(f32Count), F32]], body };
}

/** Row-block heights assembled: MAIN_ROWS rows at a time, then one row at a time for the rest. */
const MAIN_ROWS = 4;
const MAIN_VECTORS = 2;

function assemble(): Uint8Array<ArrayBuffer> {
  const shapes: [number, number][] = [[MAIN_ROWS, MAIN_VECTORS], [1, MAIN_VECTORS]];
  const functions = shapes.map(([rows, vectors]) => rowBlockFunction(rows, vectors));
  const type = [0x60, ...vec(new Array(PARAMS).fill([I32])), ...vec([])];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(functions.map(() => [0]))),
    ...section(7, vec(functions.map((_, i) => [...name(`rows${i}`), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => {
      const code = [...vec(f.locals), ...f.body];
      return [...uleb(code.length), ...code];
    }))),
  ];
  return new Uint8Array(bytes);
}

type RowBlock = (k: number, n: number, a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, accumulate: number) => void;

/** Terms per pass over C: a block of A's columns and B's rows that stays in the caches. */
const K_BLOCK = 256;
const PAGE = 65536;

let module: WebAssembly.Module | undefined;

/**
 * A WebAssembly memory and the matrix product over it. Matrices are addressed by their byte offset in
 * `memory`; views made before a `reserve` that grew the memory are stale (take new ones after it).
 */
export class GemmWorkspace {
  readonly memory: WebAssembly.Memory;
  private readonly main: RowBlock;
  private readonly single: RowBlock;

  constructor() {
    module ??= new WebAssembly.Module(assemble());
    this.memory = new WebAssembly.Memory({ initial: 1 });
    const exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports;
    this.main = exports.rows0 as RowBlock;
    this.single = exports.rows1 as RowBlock;
  }

  /** Makes the memory at least `bytes` long. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  floats(offset: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, length);
  }

  /**
   * C (m x n) = A (m x k) B (k x n), or C += A B. A's element (i, t) is at a + i * sai + t * sak (bytes:
   * a transposed A is sai = 4), B's (t, j) at b + t * ldb + 4 j, C's (i, j) at c + i * ldc + 4 j.
   */
  gemm(m: number, n: number, k: number, a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, accumulate: boolean): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) for (let i = 0; i < m; i++) this.floats(c + i * ldc, n).fill(0);
      return;
    }
    for (let t0 = 0; t0 < k; t0 += K_BLOCK) {
      const terms = Math.min(K_BLOCK, k - t0);
      const add = accumulate || t0 > 0 ? 1 : 0;
      const aAt = a + t0 * sak;
      const bAt = b + t0 * ldb;
      let i = 0;
      for (; i + MAIN_ROWS <= m; i += MAIN_ROWS) this.main(terms, n, aAt + i * sai, sai, sak, bAt, ldb, c + i * ldc, ldc, add);
      for (; i < m; i++) this.single(terms, n, aAt + i * sai, sai, sak, bAt, ldb, c + i * ldc, ldc, add);
    }
  }
}
