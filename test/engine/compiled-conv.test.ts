// The compiled step's convolution and pooling kernels (src/engine/compiled/conv.ts, gemm.ts) against TF.js,
// their reference, on random shapes with odd sizes, strides and both paddings: forward, input gradient,
// filter and bias gradients, max / average / global average pooling and their gradients.
// Tolerances, relative to the largest reference value of each output (float32 sums in another order):
// 1e-5 for forwards and input gradients (sums of at most a few hundred terms), 1e-4 for the filter and
// bias gradients (sums over every position of the batch, thousands of terms); max pooling's forward is
// exact, the average's and the gradients (where windows overlap) 1e-6.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import type { BuiltLayer } from '../../src/engine/build-model.ts';
import { GemmWorkspace } from '../../src/engine/compiled/gemm.ts';
import {
  averageWindowsCut,
  MatrixKernels,
  poolBackward,
  poolForward,
  poolStage,
  windowGeometry,
  type ConvStage,
  type DenseMatrix,
} from '../../src/engine/compiled/conv.ts';
import { activationBackward, activationForward } from '../../src/engine/compiled/math.ts';
import { mulberry32 } from '../../src/data/reservoir.ts';

before(async () => {
  await initBackend('cpu');
});

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

/** max |a - b| over max |b|: the error relative to the output's scale */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / scale;
}

describe('gemm: the WebAssembly SIMD matrix product against float64 sums (rel 1e-5)', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [5, 11, 3],
    [8, 16, 9],
    [7, 3, 300],
    [13, 37, 1],
    [4, 8, 600],
    [33, 20, 17],
  ];
  for (const [m, n, k] of shapes) {
    it(`${m}x${k} by ${k}x${n}, plain and with A transposed, overwrite and accumulate`, () => {
      const ws = new GemmWorkspace();
      const a = 0,
        b = m * k * 4,
        c = b + k * n * 4;
      ws.reserve(c + m * n * 4);
      const A = ws.floats(a, m * k);
      A.set(randomArray(m * k, m * 7 + k));
      ws.floats(b, k * n).set(randomArray(k * n, n * 3 + 1));
      const B = ws.floats(b, k * n);
      for (const transposed of [false, true]) {
        const expected = new Float64Array(m * n);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++)
            for (let t = 0; t < k; t++) {
              // transposed: A holds (k x m), element (i, t) at t * m + i
              expected[i * n + j] += (transposed ? A[t * m + i] : A[i * k + t]) * B[t * n + j];
            }
        ws.gemm(m, n, k, a, transposed ? 4 : k * 4, transposed ? m * 4 : 4, b, n * 4, c, n * 4, false);
        assert.ok(scaledError(ws.floats(c, m * n), expected) < 1e-5, `transposed ${transposed}: ${scaledError(ws.floats(c, m * n), expected)}`);
        ws.gemm(m, n, k, a, transposed ? 4 : k * 4, transposed ? m * 4 : 4, b, n * 4, c, n * 4, true);
        assert.ok(
          scaledError(
            ws.floats(c, m * n),
            expected.map((v) => 2 * v),
          ) < 1e-5,
          'accumulated twice',
        );
      }
    });
  }
  it('repeats bit for bit (no dependence on timing or blocking)', () => {
    const ws = new GemmWorkspace();
    ws.reserve(3 * 4 * 1000 * 4);
    ws.floats(0, 2000 * 2).set(randomArray(4000, 5));
    ws.gemm(10, 10, 700, 0, 4, 40, 28000, 40, 40000, 40, false);
    const first = Float32Array.from(ws.floats(40000, 100));
    ws.gemm(10, 10, 700, 0, 4, 40, 28000, 40, 40000, 40, false);
    assert.deepEqual(ws.floats(40000, 100), first);
  });
});

interface ConvCase {
  rows: number;
  shape: [number, number, number];
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  bias: boolean;
}

const convCases: ConvCase[] = [
  { rows: 2, shape: [7, 7, 1], filters: 4, kernel: [3, 3], strides: [1, 1], padding: 'valid', bias: true },
  { rows: 3, shape: [6, 5, 3], filters: 5, kernel: [3, 3], strides: [1, 1], padding: 'same', bias: true },
  { rows: 2, shape: [9, 8, 2], filters: 7, kernel: [3, 2], strides: [2, 2], padding: 'same', bias: false },
  { rows: 1, shape: [11, 9, 4], filters: 16, kernel: [5, 3], strides: [2, 3], padding: 'valid', bias: true },
  { rows: 4, shape: [5, 5, 6], filters: 9, kernel: [1, 1], strides: [1, 1], padding: 'valid', bias: true },
  { rows: 5, shape: [10, 10, 8], filters: 32, kernel: [3, 3], strides: [1, 1], padding: 'valid', bias: true },
  { rows: 2, shape: [4, 6, 3], filters: 3, kernel: [4, 4], strides: [3, 1], padding: 'same', bias: true },
  // a kernel larger than dy and the input columns: the input gradient transposes those instead of the kernel
  { rows: 1, shape: [5, 5, 16], filters: 32, kernel: [5, 5], strides: [1, 1], padding: 'valid', bias: true },
];

function convStageOf(c: ConvCase, seed: number): ConvStage {
  const geometry = windowGeometry(c.shape, c.kernel, c.strides, c.padding)!;
  const outShape = [geometry.outH, geometry.outW, c.filters];
  const kernel = randomArray(c.kernel[0] * c.kernel[1] * c.shape[2] * c.filters, seed, 0.5);
  return {
    kind: 'conv',
    built: {} as BuiltLayer,
    inShape: c.shape,
    outShape,
    geometry,
    kernel,
    bias: c.bias ? randomArray(c.filters, seed + 1, 0.5) : undefined,
    kernelGrad: new Float32Array(kernel.length),
    biasGrad: c.bias ? new Float32Array(c.filters) : undefined,
    width: outShape[0] * outShape[1] * outShape[2],
  };
}

describe('conv2d: forward (rel 1e-5), input gradient (rel 1e-5), filter and bias gradients (rel 1e-4) against TF.js', () => {
  convCases.forEach((c, index) => {
    const label = `${c.rows}x${c.shape.join('x')}, ${c.filters} filters ${c.kernel.join('x')}, strides ${c.strides.join(',')}, ${c.padding}${c.bias ? '' : ', no bias'}`;
    it(label, () => {
      const stage = convStageOf(c, 100 + index);
      const kernels = new MatrixKernels([stage]);
      const x = randomArray(c.rows * c.shape[0] * c.shape[1] * c.shape[2], 200 + index);
      const out = new Float32Array(c.rows * stage.width);
      kernels.forward(x, stage, out, c.rows);
      const xt = tf.tensor4d(x, [c.rows, ...c.shape]);
      const wt = tf.tensor4d(stage.kernel, [c.kernel[0], c.kernel[1], c.shape[2], c.filters]);
      const forward = (input: tf.Tensor4D, filter: tf.Tensor4D) => {
        const y = tf.conv2d(input, filter, c.strides, c.padding);
        return stage.bias ? tf.add(y, tf.tensor1d(stage.bias)) : y;
      };
      const expected = forward(xt, wt);
      assert.deepEqual(expected.shape, [c.rows, ...stage.outShape]);
      assert.ok(scaledError(out, expected.dataSync()) < 1e-5, `forward: ${scaledError(out, expected.dataSync())}`);

      const dy = randomArray(out.length, 300 + index);
      const dyt = tf.tensor(dy, expected.shape);
      const [dxExpected, dwExpected] = tf.grads((input: tf.Tensor, filter: tf.Tensor) => forward(input as tf.Tensor4D, filter as tf.Tensor4D))([xt, wt], dyt);
      const dx = new Float32Array(x.length).fill(Number.NaN);
      kernels.backward(stage, dy, dx, c.rows);
      assert.ok(scaledError(dx, dxExpected.dataSync()) < 1e-5, `input gradient: ${scaledError(dx, dxExpected.dataSync())}`);
      assert.ok(scaledError(stage.kernelGrad, dwExpected.dataSync()) < 1e-4, `filter gradient: ${scaledError(stage.kernelGrad, dwExpected.dataSync())}`);
      if (stage.biasGrad) {
        const dbExpected = tf.sum(dyt, [0, 1, 2]).dataSync();
        assert.ok(scaledError(stage.biasGrad, dbExpected) < 1e-4, `bias gradient: ${scaledError(stage.biasGrad, dbExpected)}`);
      }
      // without dx (the first layer) the filter gradient is the same
      const again = Float32Array.from(stage.kernelGrad);
      kernels.forward(x, stage, out, c.rows);
      kernels.backward(stage, dy, undefined, c.rows);
      assert.deepEqual(stage.kernelGrad, again);
    });
  });

  it('two convolutions in one workspace, and a larger batch after a smaller one (the memory grows)', () => {
    const first = convStageOf(convCases[1], 1);
    const second = convStageOf({ ...convCases[2], shape: [first.outShape[0], first.outShape[1], first.outShape[2]] }, 2);
    const kernels = new MatrixKernels([first, second]);
    for (const rows of [1, 6]) {
      const x = randomArray(rows * first.inShape.reduce((a, b) => a * b, 1), rows);
      const middle = new Float32Array(rows * first.width);
      const out = new Float32Array(rows * second.width);
      kernels.forward(x, first, middle, rows);
      kernels.forward(middle, second, out, rows);
      const xt = tf.tensor4d(x, [rows, ...first.inShape] as [number, number, number, number]);
      const m = tf.add(tf.conv2d(xt, tf.tensor4d(first.kernel, [3, 3, 3, 5]), 1, 'same'), tf.tensor1d(first.bias!));
      const expected = tf.conv2d(m as tf.Tensor4D, tf.tensor4d(second.kernel, [3, 2, 5, 7]), 2, 'same');
      assert.ok(scaledError(out, expected.dataSync()) < 1e-5, `rows ${rows}: ${scaledError(out, expected.dataSync())}`);
    }
  });
});

describe('dense layers as matrix products against TF.js (forward and input gradient rel 1e-5, kernel gradient rel 1e-4)', () => {
  for (const [rows, inWidth, outWidth] of [
    [32, 800, 10],
    [7, 65, 70],
    [32, 300, 200],
    [1, 3, 5],
  ]) {
    it(`${rows} rows, ${inWidth} -> ${outWidth}`, () => {
      const kernel = randomArray(inWidth * outWidth, inWidth, 0.2);
      const stage: DenseMatrix = {
        kind: 'dense',
        inWidth,
        outWidth,
        kernel,
        bias: randomArray(outWidth, 3),
        kernelGrad: new Float32Array(kernel.length),
        biasGrad: new Float32Array(outWidth),
      };
      const kernels = new MatrixKernels([stage]);
      const x = randomArray(rows * inWidth, rows);
      const out = new Float32Array(rows * outWidth);
      kernels.forward(x, stage, out, rows);
      const xt = tf.tensor2d(x, [rows, inWidth]);
      const wt = tf.tensor2d(kernel, [inWidth, outWidth]);
      const f = (a: tf.Tensor, w: tf.Tensor) => tf.add(tf.matMul(a as tf.Tensor2D, w as tf.Tensor2D), tf.tensor1d(stage.bias!));
      assert.ok(scaledError(out, f(xt, wt).dataSync()) < 1e-5);
      const dy = randomArray(rows * outWidth, 9);
      const [dxExpected, dwExpected] = tf.grads(f)([xt, wt], tf.tensor2d(dy, [rows, outWidth]));
      const dx = new Float32Array(x.length);
      kernels.backward(stage, dy, dx, rows);
      assert.ok(scaledError(dx, dxExpected.dataSync()) < 1e-5);
      assert.ok(scaledError(stage.kernelGrad, dwExpected.dataSync()) < 1e-4);
      assert.ok(scaledError(stage.biasGrad!, tf.sum(tf.tensor2d(dy, [rows, outWidth]), 0).dataSync()) < 1e-4);
    });
  }
});

describe("parameters placed in the products' memory (the optimizer store of a training run)", () => {
  const denseStage = (inWidth: number, outWidth: number): DenseMatrix => {
    const kernel = randomArray(inWidth * outWidth, 5, 0.2);
    return {
      kind: 'dense',
      inWidth,
      outWidth,
      kernel,
      bias: randomArray(outWidth, 6),
      kernelGrad: new Float32Array(kernel.length),
      biasGrad: new Float32Array(outWidth),
    };
  };

  it('reads the kernel and writes the gradients in place, with the same bits as from copies', () => {
    // the first two read the kernel in place (few rows beside the terms), the last carries its bias in the product
    for (const [rows, inWidth, outWidth] of [
      [4, 300, 50],
      [16, 700, 24],
      [32, 300, 200],
    ]) {
      const copied = denseStage(inWidth, outWidth);
      const placed = denseStage(inWidth, outWidth);
      const own = new MatrixKernels([copied]);
      const kernels = new MatrixKernels([placed]);
      const { memory, at } = kernels.parameterPlace(rows, Math.max(inWidth, outWidth));
      const n = inWidth * outWidth;
      memory.grow(Math.ceil((at + 4 * (2 * n + 2 * outWidth)) / 65536));
      const view = (offset: number, length: number) => new Float32Array(memory.buffer, at + 4 * offset, length);
      const [kernel, kernelGrad, bias, biasGrad] = [view(0, n), view(n, n), view(2 * n, outWidth), view(2 * n + outWidth, outWidth)];
      kernel.set(placed.kernel);
      bias.set(placed.bias!);
      Object.assign(placed, { kernel, kernelGrad, bias, biasGrad });
      const x = randomArray(rows * inWidth, 7);
      const dy = randomArray(rows * outWidth, 8);
      const outputs = [new Float32Array(rows * outWidth), new Float32Array(rows * outWidth)];
      const dxs = [new Float32Array(rows * inWidth), new Float32Array(rows * inWidth)];
      own.forward(x, copied, outputs[0], rows);
      own.backward(copied, dy, dxs[0], rows);
      kernels.forward(x, placed, outputs[1], rows);
      kernels.backward(placed, dy, dxs[1], rows);
      assert.deepEqual(outputs[1], outputs[0]);
      assert.deepEqual(dxs[1], dxs[0]);
      assert.deepEqual(placed.kernelGrad, copied.kernelGrad);
      assert.deepEqual(placed.biasGrad, copied.biasGrad);
    }
  });

  it('a pass larger than the memory was sized for throws instead of growing it under the store', () => {
    const stage = denseStage(64, 64);
    const kernels = new MatrixKernels([stage]);
    kernels.parameterPlace(8, 64);
    const out = new Float32Array(16 * 64);
    assert.doesNotThrow(() => kernels.forward(randomArray(8 * 64, 1), stage, out, 8));
    assert.throws(() => kernels.forward(randomArray(16 * 64, 1), stage, out, 16), /sized for less/);
  });
});

describe('pooling: forward (max exact, average rel 1e-6) and gradient (rel 1e-6) against TF.js', () => {
  const cases: { type: string; rows: number; shape: [number, number, number]; pool?: number[]; strides?: number[]; padding?: 'valid' | 'same' }[] = [
    { type: 'max_pooling2d', rows: 2, shape: [8, 8, 3], pool: [2] },
    { type: 'max_pooling2d', rows: 3, shape: [7, 5, 2], pool: [3, 2], strides: [2, 1], padding: 'same' },
    { type: 'max_pooling2d', rows: 1, shape: [9, 9, 5], pool: [3], strides: [2], padding: 'valid' },
    { type: 'average_pooling2d', rows: 2, shape: [8, 6, 4], pool: [2] },
    { type: 'average_pooling2d', rows: 2, shape: [7, 7, 3], pool: [3], strides: [2], padding: 'valid' },
    { type: 'average_pooling2d', rows: 2, shape: [8, 6, 2], pool: [2, 3], strides: [2, 3], padding: 'same' },
    { type: 'global_average_pooling2d', rows: 3, shape: [5, 7, 6] },
  ];
  for (const c of cases) {
    it(`${c.type} ${c.rows}x${c.shape.join('x')} pool ${c.pool ?? 'all'} strides ${c.strides ?? 'pool'} ${c.padding ?? 'valid'}`, () => {
      const stage = poolStage(c.type, c.shape, c.pool, c.strides, c.padding)!;
      assert.equal(averageWindowsCut(stage), false);
      stage.argmax = new Int32Array(c.rows * stage.width);
      const x = randomArray(c.rows * c.shape[0] * c.shape[1] * c.shape[2], c.shape[0] * 13 + c.rows);
      const xt = tf.tensor4d(x, [c.rows, ...c.shape]);
      const pool = [stage.geometry.kh, stage.geometry.kw] as [number, number];
      const strides = [stage.geometry.sh, stage.geometry.sw] as [number, number];
      const reference = (t: tf.Tensor) =>
        c.type === 'global_average_pooling2d'
          ? tf.mean(t, [1, 2])
          : c.type === 'max_pooling2d'
            ? tf.maxPool(t as tf.Tensor4D, pool, strides, c.padding ?? 'valid')
            : tf.avgPool(t as tf.Tensor4D, pool, strides, c.padding ?? 'valid');
      const expected = reference(xt).dataSync();
      const out = new Float32Array(c.rows * stage.width);
      poolForward(x, stage, out, c.rows);
      const tolerance = c.type === 'max_pooling2d' ? 0 : 1e-6;
      assert.ok(scaledError(out, expected) <= tolerance, `forward: ${scaledError(out, expected)}`);
      const dy = randomArray(out.length, 77);
      const dxExpected = tf
        .grad(reference)(xt, tf.tensor(dy, reference(xt).shape))
        .dataSync();
      const dx = new Float32Array(x.length).fill(Number.NaN);
      poolBackward(stage, dy, dx, c.rows);
      // overlapping windows add their gradients to a position in another order than TF.js: 1e-6
      assert.ok(scaledError(dx, dxExpected) <= 1e-6, `gradient: ${scaledError(dx, dxExpected)}`);
    });
  }
  it('average pooling with windows past the image is left to TF.js, whose gradient there does not match its forward pass', () => {
    const stage = poolStage('average_pooling2d', [7, 5, 2], [3, 2], [2, 1], 'same')!;
    assert.equal(averageWindowsCut(stage), true);
    // the reason, shown: TF.js's gradient of its own average pooling differs from the one of the values it computes
    const xt = tf.tensor4d(randomArray(70, 1), [1, 7, 5, 2]);
    const grad = tf
      .grad((t: tf.Tensor) => tf.sum(tf.avgPool(t as tf.Tensor4D, [3, 2], [2, 1], 'same')))(xt)
      .dataSync();
    const numeric = (() => {
      const base = tf.sum(tf.avgPool(xt, [3, 2], [2, 1], 'same')).dataSync()[0];
      const bumped = xt.dataSync().slice();
      bumped[0] += 0.5;
      return (tf.sum(tf.avgPool(tf.tensor4d(bumped, [1, 7, 5, 2]), [3, 2], [2, 1], 'same')).dataSync()[0] - base) / 0.5;
    })();
    assert.ok(Math.abs(grad[0] - numeric) > 0.01, `TF.js gradient ${grad[0]}, slope ${numeric}`);
  });
});

describe('WebAssembly relu and max pooling: the same values, bit for bit, as the JS loops they replace', () => {
  it('relu forward and gradient (NaN, -0, infinities, a length that is not a multiple of 4)', () => {
    const n = 1027;
    const x = randomArray(n, 5, 2);
    x.set([Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-40, -1e-40], 0);
    x[n - 1] = Number.NaN;
    x[n - 2] = 3;
    const dy = randomArray(n, 6);
    dy[3] = Number.NaN;
    const kernels = new MatrixKernels([]);
    const [y, expectedY, dx, expectedDx] = [0, 1, 2, 3].map(() => new Float32Array(n));
    kernels.relu(x, y, n);
    activationForward('relu', x, expectedY, 1, n);
    assert.deepEqual(y, expectedY);
    kernels.reluBackward(x, dy, dx, n);
    activationBackward('relu', x, expectedY, dy, expectedDx, 1, n);
    assert.deepEqual(dx, expectedDx);
  });
  const cases: { rows: number; shape: [number, number, number]; pool: number[]; strides?: number[]; padding?: 'valid' | 'same' }[] = [
    { rows: 3, shape: [26, 26, 16], pool: [2] },
    { rows: 2, shape: [7, 5, 8], pool: [3, 2], strides: [2, 1], padding: 'same' },
    { rows: 2, shape: [9, 9, 4], pool: [3], strides: [2], padding: 'valid' },
  ];
  for (const c of cases) {
    it(`max pooling ${c.rows}x${c.shape.join('x')} pool ${c.pool} strides ${c.strides ?? 'pool'} ${c.padding ?? 'valid'}, with NaN, ties and -Infinity`, () => {
      const stage = poolStage('max_pooling2d', c.shape, c.pool, c.strides, c.padding)!;
      const x = randomArray(c.rows * c.shape[0] * c.shape[1] * c.shape[2], c.shape[0]);
      for (let i = 0; i < x.length; i += 37) x[i] = Number.NaN;
      for (let i = 5; i < x.length; i += 11) x[i] = 0;
      x.fill(Number.NEGATIVE_INFINITY, 0, 3 * c.shape[2]);
      stage.argmax = new Int32Array(c.rows * stage.width);
      const out = new Float32Array(c.rows * stage.width);
      assert.equal(new MatrixKernels([]).maxPool(x, stage, out, c.rows), true);
      const argmax = Int32Array.from(stage.argmax);
      const expected = new Float32Array(out.length);
      poolForward(x, stage, expected, c.rows);
      assert.deepEqual(out, expected);
      assert.deepEqual(argmax, stage.argmax);
      // and TF.js on the values without NaN
      const clean = x.map((v) => (Number.isNaN(v) ? 0.5 : v));
      poolForward(clean, stage, expected, c.rows);
      const reference = tf
        .maxPool(tf.tensor4d(clean, [c.rows, ...c.shape]), [stage.geometry.kh, stage.geometry.kw], [stage.geometry.sh, stage.geometry.sw], c.padding ?? 'valid')
        .dataSync();
      assert.deepEqual(expected, reference);
    });
  }
  it('leaves channels that are not a multiple of 4, and average pooling, to the JS loops', () => {
    const kernels = new MatrixKernels([]);
    assert.equal(kernels.maxPool(new Float32Array(18), poolStage('max_pooling2d', [3, 2, 3], [2], undefined, 'valid')!, new Float32Array(3), 1), false);
    assert.equal(kernels.maxPool(new Float32Array(16), poolStage('average_pooling2d', [2, 2, 4], [2], undefined, 'valid')!, new Float32Array(4), 1), false);
  });
});
