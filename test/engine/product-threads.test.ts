// The matrix product split over two threads (product-threads.ts): by columns, so every output keeps its
// single-thread sum, bit for bit; only when large enough, and only while the gate is open.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GemmWorkspace } from '../../src/engine/compiled/gemm.ts';
import { ProductHelper, splitColumns } from '../../src/engine/compiled/product-threads.ts';

const FLOAT = 4;

/** C for A (m x k, transposed when asked) times B (k x n), on a workspace of `threads`, from seeded values. */
function product(workspace: GemmWorkspace, m: number, n: number, k: number, transposedA: boolean, accumulate: boolean): Float32Array {
  const a = 0;
  const b = m * k * FLOAT;
  const c = b + k * n * FLOAT;
  workspace.reserve(c + m * n * FLOAT);
  const values = workspace.floats(0, m * k + k * n + m * n);
  let seed = 7;
  for (let i = 0; i < values.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values[i] = seed / 2147483648 - 0.5;
  }
  const [sai, sak] = transposedA ? [FLOAT, m * FLOAT] : [k * FLOAT, FLOAT];
  workspace.gemm(m, n, k, a, sai, sak, b, n * FLOAT, c, n * FLOAT, accumulate);
  return Float32Array.from(workspace.floats(c, m * n));
}

describe('matrix products over two threads', () => {
  it('split by columns, give the bits of one thread (plain, transposed A, accumulating, odd shapes)', () => {
    const helper = ProductHelper.forThisThread();
    const before = helper.handedOver;
    for (const [m, n, k] of [
      [32, 1024, 1025],
      [1025, 1024, 32],
      [37, 203, 2000],
      [5, 96, 20000],
    ]) {
      for (const transposedA of [false, true]) {
        for (const accumulate of [false, true]) {
          const one = product(new GemmWorkspace({ threads: 1 }), m, n, k, transposedA, accumulate);
          const two = product(new GemmWorkspace({ threads: 2 }), m, n, k, transposedA, accumulate);
          assert.deepEqual(two, one, `${m}x${k} by ${k}x${n}${transposedA ? ', A transposed' : ''}${accumulate ? ', accumulating' : ''}`);
        }
      }
    }
    assert.ok(helper.handedOver - before >= 16, `the helper took ${helper.handedOver - before} products`);
  });

  it('stay on one thread while the gate is closed, and split once it opens', () => {
    const helper = ProductHelper.forThisThread();
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const workspace = new GemmWorkspace({ threads: 2, gate });
    const one = product(new GemmWorkspace({ threads: 1 }), 32, 512, 1024, false, false);
    const before = helper.handedOver;
    assert.deepEqual(product(workspace, 32, 512, 1024, false, false), one);
    assert.equal(helper.handedOver, before, 'closed: not handed over');
    Atomics.store(gate, 0, 1);
    assert.deepEqual(product(workspace, 32, 512, 1024, false, false), one);
    assert.equal(helper.handedOver, before + 1, 'open: handed over');
  });

  it('split only products worth a hand-over, at a multiple of 8 columns', () => {
    assert.equal(splitColumns(32, 1024, 1025), 512);
    assert.equal(splitColumns(1024, 32, 1024), 16);
    assert.equal(splitColumns(37, 203, 2000), 96);
    assert.equal(splitColumns(32, 8, 100000), 0, 'too few columns to share');
    assert.equal(splitColumns(33, 17, 5000), 0, 'too small to pay for the hand-over');
  });
});
