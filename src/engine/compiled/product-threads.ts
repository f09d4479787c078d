// The matrix product's loop over blocks, and the second thread a large product can be split with. The
// split is by columns: every output is summed by one thread, in term order, as in a single thread, so
// the results are the same bits whatever the threads do and whenever they do it.
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

let threadsForNewProducts = 1;
let gateForNewProducts: Int32Array | undefined;

/**
 * Threads the products of models built from now on in this thread use: 2 splits large products with a
 * helper thread (the main run of a heavy model, worker.ts), 1 keeps them on the calling thread. With a
 * gate, products split only once its first value is 1: the caller sets it when the other workers are
 * done and the second core is free (measured: split while the controls' worker still holds that core,
 * the hand-overs cost about what they save).
 */
export function setProductThreads(threads: number, gate?: Int32Array): void {
  threadsForNewProducts = threads > 1 ? 2 : 1;
  gateForNewProducts = threads > 1 ? gate : undefined;
}

export function productThreads(): { threads: number; gate?: Int32Array } {
  return { threads: threadsForNewProducts, gate: gateForNewProducts };
}

/** One row-block function of the product module (gemm.ts): `rows` rows of C over all its n columns. */
export type RowBlock = (k: number, n: number, a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, accumulate: number) => void;

/**
 * C (m x n) = A B or C += A B over whole row blocks, `rows` rows at a time (`main`), then one at a time
 * (`single`). Terms go in passes over C whose block of B stays in a core's L2 (about 1 MB here): at most
 * 65,536 floats (256 KB) and 256 terms. Measured on a 32 x 1025 by 1025 x 1024 product: 256 terms (1 MB
 * of B) 28 GFLOP/s, 64 terms (256 KB) 34, 512 terms (2 MB) 15. The blocking never changes a result: each
 * output is still summed k = 0, 1, 2, ... Self-contained (no outside names), because the product's
 * helper thread runs this same function from its source (ProductHelper, below).
 */
export function productLoop(
  main: RowBlock,
  single: RowBlock,
  rows: number,
  m: number,
  n: number,
  k: number,
  a: number,
  sai: number,
  sak: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
  accumulate: boolean,
): void {
  const block = Math.max(16, Math.min(256, Math.floor(65536 / n)));
  for (let t0 = 0; t0 < k; t0 += block) {
    const terms = Math.min(block, k - t0);
    const add = accumulate || t0 > 0 ? 1 : 0;
    const aAt = a + t0 * sak;
    const bAt = b + t0 * ldb;
    let i = 0;
    for (; i + rows <= m; i += rows) main(terms, n, aAt + i * sai, sai, sak, bAt, ldb, c + i * ldc, ldc, add);
    for (; i < m; i++) single(terms, n, aAt + i * sai, sai, sak, bAt, ldb, c + i * ldc, ldc, add);
  }
}

/**
 * Products below this many multiply-adds (about 0.25 ms) stay on one thread: waking the helper costs tens
 * of microseconds (a 33 x 5000 by 5000 x 17 product, 2.8M, was slower split).
 */
const MIN_SPLIT_MULTIPLY_ADDS = 1 << 23;

/** Columns the calling thread keeps (a multiple of 8, the row functions' vector block), or 0: no split. */
export function splitColumns(m: number, n: number, k: number): number {
  if (m * n * k < MIN_SPLIT_MULTIPLY_ADDS || n < 16) return 0;
  return Math.floor(n / 16) * 8;
}

// The control block shared with the helper: a job counter, the counter of the last job done, whether it
// failed, which memory, then the product's arguments (gemm.ts's, B and C already at the helper's columns).
const SEQ = 0;
const DONE = 1;
const FAILED = 2;
const MEMORY_ID = 3;
const ARGS = 4;
const ARG_COUNT = 11;
/** How long the caller waits for the helper's half before it computes that half itself. */
const HELPER_TIMEOUT_MS = 10_000;
/** The row-block height of the product module's main function (gemm.ts assembles `rows${PRODUCT_ROWS}`). */
export const PRODUCT_ROWS = 4;

/** The helper thread's program: instantiate each memory's module once, then run jobs as they come. */
const HELPER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const control = new Int32Array(workerData.control);
const port = workerData.port;
const productLoop = (${productLoop.toString()});
const instances = new Map();
const drain = () => {
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
    const { id, module, memory, forget } = message.message;
    if (forget) instances.delete(id);
    else instances.set(id, new WebAssembly.Instance(module, { env: { memory } }).exports);
  }
};
let seen = 0;
for (;;) {
  Atomics.wait(control, ${SEQ}, seen);
  seen = Atomics.load(control, ${SEQ});
  let failed = 0;
  try {
    drain();
    let exports = instances.get(control[${MEMORY_ID}]);
    for (let tries = 0; !exports && tries < 1000; tries++) {
      Atomics.wait(control, ${DONE}, Atomics.load(control, ${DONE}), 1);
      drain();
      exports = instances.get(control[${MEMORY_ID}]);
    }
    if (!exports) throw new Error('no memory');
    const a = Array.from(control.subarray(${ARGS}, ${ARGS + ARG_COUNT}));
    productLoop(exports.rows${PRODUCT_ROWS}, exports.rows1, ${PRODUCT_ROWS}, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10] === 1);
  } catch {
    failed = 1;
  }
  Atomics.store(control, ${FAILED}, failed);
  Atomics.store(control, ${DONE}, seen);
  Atomics.notify(control, ${DONE});
}
`;

/**
 * The second thread of one thread's products (one per thread, made when first asked for): it shares the
 * products' WebAssembly memory, takes a column range of a product while the caller computes the rest, and
 * waits, blocked, between products. It never keeps the process alive. When it fails or does not answer
 * in time, the caller computes its columns itself and stops using it.
 */
export class ProductHelper {
  private static current?: ProductHelper;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + ARG_COUNT)));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private readonly ids = new WeakMap<WebAssembly.Memory, number>();
  private readonly forget = new FinalizationRegistry<number>((id) => this.port.postMessage({ id, forget: true }));
  private nextId = 1;
  private seq = 0;
  /** products handed to the helper so far (its share of each) */
  handedOver = 0;
  private broken = false;
  private pending?: number[];

  static forThisThread(): ProductHelper {
    ProductHelper.current ??= new ProductHelper();
    return ProductHelper.current;
  }

  private constructor() {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { control: this.control.buffer, port: channel.port2 },
      transferList: [channel.port2],
    });
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', () => {
      this.broken = true;
    });
  }

  /** Hands the helper its part of a product (false when it cannot take one). */
  start(module: WebAssembly.Module, memory: WebAssembly.Memory, args: number[]): boolean {
    if (this.broken) return false;
    let id = this.ids.get(memory);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(memory, id);
      this.forget.register(memory, id);
      this.port.postMessage({ id, module, memory });
    }
    this.control[MEMORY_ID] = id;
    this.control.set(args, ARGS);
    this.pending = args;
    this.handedOver += 1;
    this.seq += 1;
    Atomics.store(this.control, SEQ, this.seq);
    Atomics.notify(this.control, SEQ);
    return true;
  }

  /** Waits for the helper's part; computes it here when the helper failed or did not answer. */
  finish(main: RowBlock, single: RowBlock, rows: number): void {
    const started = performance.now();
    let done = Atomics.load(this.control, DONE);
    while (done !== this.seq && performance.now() - started < HELPER_TIMEOUT_MS) {
      Atomics.wait(this.control, DONE, done, HELPER_TIMEOUT_MS);
      done = Atomics.load(this.control, DONE);
    }
    const args = this.pending!;
    this.pending = undefined;
    if (done === this.seq && Atomics.load(this.control, FAILED) === 0) return;
    // The same columns computed here give the same values, even if the helper is still writing them.
    this.broken = true;
    productLoop(main, single, rows, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[10] === 1);
  }
}
