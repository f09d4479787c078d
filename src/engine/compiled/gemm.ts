// A float32 matrix product in WebAssembly SIMD (f32x4), for the compiled step's convolutions and large
// dense layers, with the few kernels around it (relu, max pooling, im2col, col2im; conv.ts uses them).
// The module is assembled in memory (wasm-assembler.ts): no .wasm file to ship or rebuild.
// Each output is summed in the order k = 0, 1, 2, ... with a float32 multiply and a float32 add per term
// (no fused multiply-add: relaxed SIMD would round differently on different CPUs), so the results are
// the same on every machine and for any blocking, and never depend on timing.

import { assembleModule, F32, I32, op, SHARED_MAX_PAGES, uleb, V128 } from './wasm-assembler.ts';
import { PRODUCT_ROWS, ProductHelper, productLoop, productThreads, splitColumns, type RowBlock } from './product-threads.ts';

// Parameters of every row-block function: reduction length, columns, A at its block's first row (bytes), A's
// stride between rows and between terms (bytes), B, B's row stride, C at the block's first row, C's row
// stride, and whether to add to C (1) or overwrite it (0).
const P_K = 0,
  P_N = 1,
  P_A = 2,
  P_SAI = 3,
  P_SAK = 4,
  P_B = 5,
  P_LDB = 6,
  P_C = 7,
  P_LDC = 8,
  P_ACC = 9;
const PARAMS = 10;

/**
 * One function computing `rows` rows of C = A B (or C += A B): the columns in blocks of `vectors` x 4,
 * then of 4, then one at a time. `rows` x `vectors` accumulators stay in registers over the whole
 * reduction; per term, `rows` broadcast loads of A and `vectors` loads of B.
 */
function rowBlockFunction(rows: number, vectors: number): { locals: number[][]; body: number[] } {
  // locals after the parameters: i32 j, k, B pointer, A pointers, C row pointers; then v128; then f32
  let next = PARAMS;
  const J = next++,
    K = next++,
    PB = next++;
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
  return {
    locals: [
      [...uleb(i32Count), I32],
      [...uleb(v128Count), V128],
      [...uleb(f32Count), F32],
    ],
    body,
  };
}

/** Row-block heights assembled: MAIN_ROWS rows at a time, then one row at a time for the rest. */
const MAIN_ROWS = PRODUCT_ROWS;
const MAIN_VECTORS = 2;

/**
 * relu over whole vectors, with the JS loops' semantics bit for bit (math.ts): forward y = x > 0 ? x : 0,
 * backward dx = x > 0 ? dy : 0, as a mask (no branch to mispredict on signs that look random).
 * Parameters: x, dy (backward only), out, end of x in bytes (a multiple of 16 after x).
 */
function reluFunction(backward: boolean): { locals: number[][]; body: number[] } {
  const X = 0,
    DY = 1,
    OUT = backward ? 2 : 1,
    END = backward ? 3 : 2;
  const V = END + 1;
  const body: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => body.push(...p));
  emit(op.block, op.loop, op.get(X), op.get(END), op.geU, op.brIf(1));
  emit(op.get(X), op.v128Load(0), op.set(V));
  emit(op.get(OUT));
  if (backward) emit(op.get(DY), op.v128Load(0));
  else emit(op.get(V));
  emit(op.get(V), op.v128Zero, op.f32x4Gt, op.v128And, op.v128Store(0));
  emit(op.get(X), op.i32(16), op.add, op.set(X), op.get(OUT), op.i32(16), op.add, op.set(OUT));
  if (backward) emit(op.get(DY), op.i32(16), op.add, op.set(DY));
  emit(op.br(0), op.end, op.end, op.end);
  return { locals: [[...uleb(1), V128]], body };
}

/**
 * Max pooling over NHWC images whose channels are a multiple of 4, four channels per vector, with
 * conv.ts's poolForward semantics: positions outside the image take no part, the first maximum in
 * row-major window order wins, a NaN wins over numbers; the argmax is the input's float index.
 */
function maxPoolFunction(): { locals: number[][]; body: number[] } {
  const [IN, OUT, ARG, ROWS, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL] = Array.from({ length: 15 }, (_, i) => i);
  let next = 15;
  const [B, OY, OX, CC, IY, IX, Y0, Y1, X0, X1, O, POS, T] = Array.from({ length: 13 }, () => next++);
  const [BEST, IDX, V, M] = Array.from({ length: 4 }, () => next++);
  const body: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => body.push(...p));
  /** for (counter = start; counter < end; counter += step) body */
  const forRange = (counter: number, start: number[], end: number, step: number[], inner: () => void) => {
    emit(start, op.set(counter), op.block, op.loop, op.get(counter), op.get(end), op.geS, op.brIf(1));
    inner();
    emit(op.get(counter), step, op.add, op.set(counter), op.br(0), op.end, op.end);
  };
  const max0 = (local: number) => emit(op.get(local), op.i32(0), op.get(local), op.i32(0), op.gtS, op.select);
  const minOf = (local: number, bound: number) => emit(op.get(local), op.get(bound), op.get(local), op.get(bound), [0x48], op.select);
  const lanes = [0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0];
  const minusInfinity = [0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff];
  forRange(B, op.i32(0), ROWS, op.i32(1), () => {
    forRange(OY, op.i32(0), OH, op.i32(1), () => {
      emit(op.get(OY), op.get(SH), op.mul, op.get(PT), op.sub, op.set(T));
      max0(T);
      emit(op.set(Y0));
      emit(op.get(T), op.get(KH), op.add, op.set(T));
      minOf(T, H);
      emit(op.set(Y1));
      forRange(OX, op.i32(0), OW, op.i32(1), () => {
        emit(op.get(OX), op.get(SW), op.mul, op.get(PL), op.sub, op.set(T));
        max0(T);
        emit(op.set(X0));
        emit(op.get(T), op.get(KW), op.add, op.set(T));
        minOf(T, W);
        emit(op.set(X1));
        emit(op.get(B), op.get(OH), op.mul, op.get(OY), op.add, op.get(OW), op.mul, op.get(OX), op.add, op.get(C), op.mul, op.set(O));
        forRange(CC, op.i32(0), C, op.i32(4), () => {
          emit(op.v128Const(minusInfinity), op.set(BEST), op.v128Const(new Array(16).fill(0xff)), op.set(IDX));
          forRange(IY, op.get(Y0), Y1, op.i32(1), () => {
            forRange(IX, op.get(X0), X1, op.i32(1), () => {
              emit(op.get(B), op.get(H), op.mul, op.get(IY), op.add, op.get(W), op.mul, op.get(IX), op.add, op.get(C), op.mul, op.get(CC), op.add, op.set(POS));
              emit(op.get(POS), op.i32(4), op.mul, op.get(IN), op.add, op.v128Load(0), op.set(V));
              // m = v > best | (v is NaN & best is not) | idx == -1
              emit(op.get(V), op.get(BEST), op.f32x4Gt);
              emit(op.get(V), op.get(V), op.f32x4Ne, op.get(BEST), op.get(BEST), op.f32x4Eq, op.v128And, op.v128Or);
              emit(op.get(IDX), op.v128Const(new Array(16).fill(0xff)), op.i32x4Eq, op.v128Or, op.set(M));
              emit(op.get(V), op.get(BEST), op.get(M), op.bitselect, op.set(BEST));
              emit(op.get(POS), op.i32x4Splat, op.v128Const(lanes), op.i32x4Add, op.get(IDX), op.get(M), op.bitselect, op.set(IDX));
            });
          });
          emit(op.get(O), op.get(CC), op.add, op.i32(4), op.mul, op.set(T));
          emit(op.get(T), op.get(OUT), op.add, op.get(BEST), op.v128Store(0));
          emit(op.get(T), op.get(ARG), op.add, op.get(IDX), op.v128Store(0));
        });
      });
    });
  });
  emit(op.end);
  return {
    locals: [
      [...uleb(13), I32],
      [...uleb(4), V128],
    ],
    body,
  };
}

/**
 * im2col (image -> columns, zeros outside the image, a 1 after each row's terms when the row stride leaves
 * room) or its adjoint col2im (columns added back into a zeroed image), channels in fours (`vector`) or
 * one at a time. Parameters: image, columns (byte offsets), rows, H, W, C, OH, OW, kh, kw, sh, sw, padTop,
 * padLeft, the columns' row stride (floats).
 */
function columnsFunction(adjoint: boolean, vector: boolean): { locals: number[][]; body: number[] } {
  const [IMG, COL, ROWS, H, W, C, OH, OW, KH, KW, SH, SW, PT, PL, STRIDE] = Array.from({ length: 15 }, (_, i) => i);
  let next = 15;
  const [B, OY, OX, KY, KX, CC, IY, IX, ROW, CAT, IAT, TERMS] = Array.from({ length: 12 }, () => next++);
  const body: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => body.push(...p));
  const forRange = (counter: number, start: number[], end: number, step: number[], inner: () => void) => {
    emit(start, op.set(counter), op.block, op.loop, op.get(counter), op.get(end), op.geS, op.brIf(1));
    inner();
    emit(op.get(counter), step, op.add, op.set(counter), op.br(0), op.end, op.end);
  };
  const step = vector ? 4 : 1;
  const load = vector ? op.v128Load(0) : op.f32Load(0);
  const store = vector ? op.v128Store(0) : op.f32Store(0);
  emit(op.get(KH), op.get(KW), op.mul, op.get(C), op.mul, op.set(TERMS));
  forRange(B, op.i32(0), ROWS, op.i32(1), () => {
    forRange(OY, op.i32(0), OH, op.i32(1), () => {
      forRange(OX, op.i32(0), OW, op.i32(1), () => {
        emit(op.get(B), op.get(OH), op.mul, op.get(OY), op.add, op.get(OW), op.mul, op.get(OX), op.add, op.get(STRIDE), op.mul, op.set(ROW));
        forRange(KY, op.i32(0), KH, op.i32(1), () => {
          emit(op.get(OY), op.get(SH), op.mul, op.get(PT), op.sub, op.get(KY), op.add, op.set(IY));
          forRange(KX, op.i32(0), KW, op.i32(1), () => {
            emit(op.get(OX), op.get(SW), op.mul, op.get(PL), op.sub, op.get(KX), op.add, op.set(IX));
            emit(
              op.get(ROW),
              op.get(KY),
              op.get(KW),
              op.mul,
              op.get(KX),
              op.add,
              op.get(C),
              op.mul,
              op.add,
              op.i32(4),
              op.mul,
              op.get(COL),
              op.add,
              op.set(CAT),
            );
            // inside the image: 0 <= iy < H and 0 <= ix < W, as unsigned comparisons
            emit(op.get(IY), op.get(H), op.ltU, op.get(IX), op.get(W), op.ltU, op.and, op.if);
            emit(
              op.get(B),
              op.get(H),
              op.mul,
              op.get(IY),
              op.add,
              op.get(W),
              op.mul,
              op.get(IX),
              op.add,
              op.get(C),
              op.mul,
              op.i32(4),
              op.mul,
              op.get(IMG),
              op.add,
              op.set(IAT),
            );
            forRange(CC, op.i32(0), C, op.i32(step), () => {
              if (adjoint) emit(op.get(IAT), op.get(IAT), load, op.get(CAT), load, vector ? op.f32x4Add : op.f32Add, store);
              else emit(op.get(CAT), op.get(IAT), load, store);
              emit(op.get(IAT), op.i32(4 * step), op.add, op.set(IAT), op.get(CAT), op.i32(4 * step), op.add, op.set(CAT));
            });
            if (!adjoint) {
              emit(op.else);
              forRange(CC, op.i32(0), C, op.i32(step), () => {
                emit(op.get(CAT), vector ? op.v128Zero : op.f32Const0, store);
                emit(op.get(CAT), op.i32(4 * step), op.add, op.set(CAT));
              });
            }
            emit(op.end);
          });
        });
        if (!adjoint) {
          emit(op.get(STRIDE), op.get(TERMS), op.gtS, op.if);
          emit(op.get(ROW), op.get(TERMS), op.add, op.i32(4), op.mul, op.get(COL), op.add, op.f32Const1, op.f32Store(0), op.end);
        }
      });
    });
  });
  emit(op.end);
  return { locals: [[...uleb(12), I32]], body };
}

function assemble(sharedMaxPages?: number): Uint8Array<ArrayBuffer> {
  const shapes: [number, number][] = [
    [MAIN_ROWS, MAIN_VECTORS],
    [1, MAIN_VECTORS],
  ];
  const functions = [
    ...shapes.map(([rows, vectors]) => ({ type: 0, name: `rows${rows}`, ...rowBlockFunction(rows, vectors) })),
    { type: 1, name: 'reluForward', ...reluFunction(false) },
    { type: 2, name: 'reluBackward', ...reluFunction(true) },
    { type: 3, name: 'maxPool', ...maxPoolFunction() },
    { type: 3, name: 'im2colVector', ...columnsFunction(false, true) },
    { type: 3, name: 'im2colScalar', ...columnsFunction(false, false) },
    { type: 3, name: 'col2imVector', ...columnsFunction(true, true) },
    { type: 3, name: 'col2imScalar', ...columnsFunction(true, false) },
  ];
  const types = [PARAMS, 3, 4, 15].map((count) => ({ params: new Array(count).fill(I32), results: [] }));
  return assembleModule(types, functions, sharedMaxPages);
}

const PAGE = 65536;

let module: WebAssembly.Module | undefined;
let sharedModule: WebAssembly.Module | undefined;

/**
 * A WebAssembly memory and the matrix product over it. Matrices are addressed by their byte offset in
 * `memory`; views made before a `reserve` that grew the memory are stale (take new ones after it).
 */
export class GemmWorkspace {
  readonly memory: WebAssembly.Memory;
  private readonly main: RowBlock;
  private readonly single: RowBlock;
  /** relu over floats at byte offsets, up to `end` bytes after x (whole vectors) */
  readonly reluForwardAt: (x: number, y: number, end: number) => void;
  readonly reluBackwardAt: (x: number, dy: number, dx: number, end: number) => void;
  /** max pooling (in, out, argmax byte offsets; rows, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft); C % 4 === 0 */
  readonly maxPoolAt: (...args: number[]) => void;
  /** [channels one at a time, in fours]: (image, columns, rows, H, W, C, OH, OW, kh, kw, sh, sw, padTop, padLeft, row stride) */
  readonly im2colAt: ((...args: number[]) => void)[];
  readonly col2imAt: ((...args: number[]) => void)[];

  /** the second thread large products are split with, when the workspace was made for two */
  private readonly helper?: ProductHelper;
  /** products split only while its first value is 1 (when given) */
  private readonly gate?: Int32Array;
  private readonly compiled: WebAssembly.Module;

  constructor({ threads, gate } = productThreads()) {
    if (threads > 1) {
      sharedModule ??= new WebAssembly.Module(assemble(SHARED_MAX_PAGES));
      this.compiled = sharedModule;
      this.memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
      this.helper = ProductHelper.forThisThread();
      this.gate = gate;
    } else {
      module ??= new WebAssembly.Module(assemble());
      this.compiled = module;
      this.memory = new WebAssembly.Memory({ initial: 1 });
    }
    const exports = new WebAssembly.Instance(this.compiled, { env: { memory: this.memory } }).exports;
    this.main = exports[`rows${MAIN_ROWS}`] as RowBlock;
    this.single = exports.rows1 as RowBlock;
    this.reluForwardAt = exports.reluForward as (x: number, y: number, end: number) => void;
    this.reluBackwardAt = exports.reluBackward as (x: number, dy: number, dx: number, end: number) => void;
    this.maxPoolAt = exports.maxPool as (...args: number[]) => void;
    this.im2colAt = [exports.im2colScalar, exports.im2colVector] as ((...args: number[]) => void)[];
    this.col2imAt = [exports.col2imScalar, exports.col2imVector] as ((...args: number[]) => void)[];
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
    // Two threads take a column range each: every output is still one thread's sum in term order.
    const open = this.helper !== undefined && (this.gate === undefined || Atomics.load(this.gate, 0) === 1);
    const split = open ? splitColumns(m, n, k) : 0;
    if (
      split > 0 &&
      this.helper?.start(this.compiled, this.memory, [m, n - split, k, a, sai, sak, b + 4 * split, ldb, c + 4 * split, ldc, accumulate ? 1 : 0])
    ) {
      productLoop(this.main, this.single, MAIN_ROWS, m, split, k, a, sai, sak, b, ldb, c, ldc, accumulate);
      this.helper.finish(this.main, this.single, MAIN_ROWS);
      return;
    }
    productLoop(this.main, this.single, MAIN_ROWS, m, n, k, a, sai, sak, b, ldb, c, ldc, accumulate);
  }
}
