// Each kernel registered for WASM is checked against the reference cpu backend on random inputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { WASM_TRAINING_KERNELS } from '../../src/engine/kernels/index.ts';
import { conv2DBackpropFilter } from '../../src/engine/kernels/Conv2DBackpropFilter.ts';
import { conv2DBackpropInput } from '../../src/engine/kernels/Conv2DBackpropInput.ts';
import { asWasmBackend } from '../../src/engine/kernels/wasmData.ts';
import { swapsOperands } from '../../src/engine/kernels/BatchMatMul.ts';
import type { TensorInfo } from '@tensorflow/tfjs-core';

const TOLERANCE = 1e-4;

/** Deterministic uniform values in [-1, 1) so cpu and wasm see the same inputs. */
function randomValues(count: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    values[i] = ((state >>> 0) / 0x100000000) * 2 - 1;
  }
  return values;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** max |actual - expected| / max |expected|: the error relative to the result's scale. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length, 'result sizes differ');
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

interface KernelRun {
  inputs: Record<string, { shape: number[]; values: Float32Array | Int32Array; dtype?: 'float32' | 'int32' }>;
  attrs: Record<string, unknown>;
}

async function runKernelOn(backend: 'cpu' | 'wasm', kernelName: string, run: KernelRun): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, input] of Object.entries(run.inputs)) {
      inputs[name] = tf.tensor(input.values, input.shape, input.dtype ?? 'float32');
    }
    const output = tf.engine().runKernel(kernelName, inputs, run.attrs as never) as tf.Tensor;
    return { shape: output.shape, values: Float32Array.from(output.dataSync()) };
  });
}

async function assertWasmMatchesCpu(kernelName: string, run: KernelRun): Promise<void> {
  const expected = await runKernelOn('cpu', kernelName, run);
  const actual = await runKernelOn('wasm', kernelName, run);
  assert.deepEqual(actual.shape, expected.shape);
  const error = relativeError(actual.values, expected.values);
  assert.ok(error <= TOLERANCE, `${kernelName} ${JSON.stringify(run.attrs)}: relative error ${error}`);
}

function floats(shape: number[], seed: number) {
  return { shape, values: randomValues(size(shape), seed) };
}

function convOutputSize(inSize: number, filterSize: number, stride: number, pad: unknown): number {
  return pad === 'same' ? Math.ceil(inSize / stride) : Math.ceil((inSize - filterSize + 1) / stride);
}

await initBackend('wasm');

test('every training kernel is registered for wasm', () => {
  for (const config of WASM_TRAINING_KERNELS) {
    assert.ok(tf.getKernel(config.kernelName, 'wasm'), `${config.kernelName} missing`);
  }
});

test('Conv2DBackpropFilter matches cpu (NHWC, strides 1-2, same/valid)', async () => {
  const cases = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [3, 8, 6, 2], filter: [3, 2, 2, 5], strides: 2, pad: 'same' },
    { x: [1, 9, 7, 4], filter: [2, 3, 4, 3], strides: [2, 1], pad: 'valid' },
    { x: [4, 1, 12, 3], filter: [1, 5, 3, 6], strides: 2, pad: 'same' },
  ] as const;
  for (const [i, c] of cases.entries()) {
    const [sh, sw] = typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides;
    const dyShape = [c.x[0], convOutputSize(c.x[1], c.filter[0], sh, c.pad), convOutputSize(c.x[2], c.filter[1], sw, c.pad), c.filter[3]];
    await assertWasmMatchesCpu('Conv2DBackpropFilter', {
      inputs: { x: floats([...c.x], 10 + i), dy: floats(dyShape, 20 + i) },
      attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: [...c.filter] },
    });
  }
});

test('Conv2DBackpropFilter matches cpu with NCHW data and explicit padding', async () => {
  await assertWasmMatchesCpu('Conv2DBackpropFilter', {
    inputs: { x: floats([2, 3, 6, 5], 31), dy: floats([2, 4, 6, 5], 32) },
    attrs: { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] },
  });
  await assertWasmMatchesCpu('Conv2DBackpropFilter', {
    inputs: { x: floats([2, 5, 5, 2], 33), dy: floats([2, 6, 4, 3], 34) },
    attrs: {
      strides: 1,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      filterShape: [3, 3, 2, 3],
    },
  });
});

test('Conv2DBackpropFilter done in many small chunks matches cpu', async () => {
  const attrs = { strides: 2, pad: 'same' as const, dataFormat: 'NHWC' as const, filterShape: [3, 3, 2, 4] as [number, number, number, number] };
  const x = floats([3, 7, 6, 2], 41);
  const dy = floats([3, 4, 3, 4], 42);
  const expected = await runKernelOn('cpu', 'Conv2DBackpropFilter', { inputs: { x, dy }, attrs });
  await tf.setBackend('wasm');
  const actual = tf.tidy(() => {
    const xTensor = tf.tensor(x.values, x.shape);
    const dyTensor = tf.tensor(dy.values, dy.shape);
    // 18 floats per patch and a 40-float limit: two output positions per chunk, 18 chunks.
    const result = conv2DBackpropFilter(asWasmBackend(tf.backend()), xTensor, dyTensor, attrs, 40);
    return tf.engine().makeTensorFromTensorInfo(result).dataSync() as Float32Array;
  });
  const error = relativeError(Float32Array.from(actual), expected.values);
  assert.ok(error <= TOLERANCE, `relative error ${error}`);
});

test('Conv2DBackpropInput matches cpu (strides 1-2, same/valid/explicit padding, NCHW)', async () => {
  const cases = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid', dataFormat: 'NHWC' },
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same', dataFormat: 'NHWC' },
    { x: [3, 8, 6, 2], filter: [3, 2, 2, 5], strides: 2, pad: 'same', dataFormat: 'NHWC' },
    { x: [1, 9, 7, 4], filter: [2, 3, 4, 3], strides: [2, 1], pad: 'valid', dataFormat: 'NHWC' },
    { x: [4, 1, 12, 3], filter: [1, 5, 3, 6], strides: 2, pad: 'same', dataFormat: 'NHWC' },
  ] as const;
  for (const [i, c] of cases.entries()) {
    const [sh, sw] = typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides;
    const dyShape = [c.x[0], convOutputSize(c.x[1], c.filter[0], sh, c.pad), convOutputSize(c.x[2], c.filter[1], sw, c.pad), c.filter[3]];
    await assertWasmMatchesCpu('Conv2DBackpropInput', {
      inputs: { dy: floats(dyShape, 110 + i), filter: floats([...c.filter], 120 + i) },
      attrs: { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, inputShape: [...c.x] },
    });
  }
  await assertWasmMatchesCpu('Conv2DBackpropInput', {
    inputs: { dy: floats([2, 4, 6, 5], 131), filter: floats([3, 3, 3, 4], 132) },
    attrs: { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 6, 5] },
  });
  await assertWasmMatchesCpu('Conv2DBackpropInput', {
    inputs: { dy: floats([2, 6, 4, 3], 133), filter: floats([3, 3, 2, 3], 134) },
    attrs: {
      strides: 1,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      inputShape: [2, 5, 5, 2],
    },
  });
});

test('Conv2DBackpropInput done in many small chunks matches cpu', async () => {
  const attrs = { strides: 2, pad: 'same' as const, dataFormat: 'NHWC' as const, inputShape: [3, 7, 6, 2] as [number, number, number, number] };
  const dy = floats([3, 4, 3, 4], 141);
  const filter = floats([3, 3, 2, 4], 142);
  const expected = await runKernelOn('cpu', 'Conv2DBackpropInput', { inputs: { dy, filter }, attrs });
  await tf.setBackend('wasm');
  const actual = tf.tidy(() => {
    const result = conv2DBackpropInput(asWasmBackend(tf.backend()), tf.tensor(dy.values, dy.shape), tf.tensor(filter.values, filter.shape), attrs, 40);
    return Float32Array.from(tf.engine().makeTensorFromTensorInfo(result).dataSync());
  });
  const error = relativeError(actual, expected.values);
  assert.ok(error <= TOLERANCE, `relative error ${error}`);
});

const depthwiseCases = [
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'valid' },
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 2], strides: 1, pad: 'same' },
  { x: [1, 7, 8, 2], filter: [2, 3, 2, 3], strides: 2, pad: 'same' },
  { x: [3, 9, 5, 4], filter: [3, 2, 4, 1], strides: 2, pad: 'valid' },
] as const;

test('DepthwiseConv2dNativeBackpropFilter matches cpu', async () => {
  for (const [i, c] of depthwiseCases.entries()) {
    const dyShape = [
      c.x[0],
      convOutputSize(c.x[1], c.filter[0], c.strides, c.pad),
      convOutputSize(c.x[2], c.filter[1], c.strides, c.pad),
      c.filter[2] * c.filter[3],
    ];
    await assertWasmMatchesCpu('DepthwiseConv2dNativeBackpropFilter', {
      inputs: { x: floats([...c.x], 50 + i), dy: floats(dyShape, 60 + i) },
      attrs: { strides: c.strides, dilations: 1, pad: c.pad, filterShape: [...c.filter] },
    });
  }
});

test('DepthwiseConv2dNativeBackpropInput matches cpu', async () => {
  for (const [i, c] of depthwiseCases.entries()) {
    const dyShape = [
      c.x[0],
      convOutputSize(c.x[1], c.filter[0], c.strides, c.pad),
      convOutputSize(c.x[2], c.filter[1], c.strides, c.pad),
      c.filter[2] * c.filter[3],
    ];
    await assertWasmMatchesCpu('DepthwiseConv2dNativeBackpropInput', {
      inputs: { dy: floats(dyShape, 70 + i), filter: floats([...c.filter], 80 + i) },
      attrs: { strides: c.strides, dilations: 1, pad: c.pad, inputShape: [...c.x] },
    });
  }
});

function poolRun(x: number[], filterSize: number | [number, number], strides: number | [number, number], pad: 'same' | 'valid', seed: number): KernelRun {
  const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  const dyShape = [x[0], convOutputSize(x[1], fh, sh, pad), convOutputSize(x[2], fw, sw, pad), x[3]];
  return { inputs: { input: floats(x, seed), dy: floats(dyShape, seed + 1) }, attrs: { filterSize, strides, pad } };
}

const POOL_CASES = [
  [[1, 8, 1, 1], [2, 1], [2, 1], 'valid'],
  [[3, 8, 1, 3], [2, 1], [2, 1], 'valid'],
  [[1, 5, 5, 1], 2, 2, 'same'],
  [[2, 4, 6, 2], 2, 2, 'valid'],
  [[2, 5, 5, 3], 3, 2, 'same'],
  [[1, 6, 5, 2], 2, 1, 'valid'],
] as const;

test('MaxPoolGrad matches cpu, including windows the built-in wasm kernel got wrong', async () => {
  for (const [i, [x, filterSize, strides, pad]] of POOL_CASES.entries()) {
    const run = poolRun([...x], filterSize as never, strides as never, pad, 100 + 2 * i);
    const output = await runKernelOn('cpu', 'MaxPool', { inputs: { x: run.inputs.input }, attrs: run.attrs });
    run.inputs.output = { shape: output.shape, values: output.values };
    await assertWasmMatchesCpu('MaxPoolGrad', run);
  }
});

test('built-in AvgPoolGrad (relied on by average pooling layers) matches cpu', async () => {
  for (const [i, [x, filterSize, strides, pad]] of POOL_CASES.entries()) {
    await assertWasmMatchesCpu('AvgPoolGrad', poolRun([...x], filterSize as never, strides as never, pad, 200 + 2 * i));
  }
});

test('UnsortedSegmentSum matches cpu, dropping out-of-range ids', async () => {
  await assertWasmMatchesCpu('UnsortedSegmentSum', {
    inputs: { x: floats([7, 3], 91), segmentIds: { shape: [7], values: Int32Array.from([0, 2, 2, -1, 3, 9, 0]), dtype: 'int32' } },
    attrs: { numSegments: 5 },
  });
  await assertWasmMatchesCpu('UnsortedSegmentSum', {
    inputs: { x: floats([6, 3, 4], 92), segmentIds: { shape: [6], values: Int32Array.from([1, 0, 1, 5, 5, 2]), dtype: 'int32' } },
    attrs: { numSegments: 6 },
  });
});

test('BatchMatMul with transposes matches cpu above and below the explicit-transpose threshold', async () => {
  const cases = [
    { a: [32, 64], b: [32, 32], transposeA: true, transposeB: false },
    { a: [32, 32], b: [64, 32], transposeA: false, transposeB: true },
    { a: [40, 30], b: [50, 40], transposeA: true, transposeB: true },
    { a: [3, 20, 30], b: [3, 40, 30], transposeA: false, transposeB: true },
    { a: [2, 30, 40], b: [30, 50], transposeA: true, transposeB: false },
    { a: [8, 4], b: [8, 3], transposeA: true, transposeB: false },
    { a: [5, 7], b: [7, 6], transposeA: false, transposeB: false },
    // a . b^T with b the larger operand: computed as (b . a^T)^T
    { a: [4, 64], b: [128, 64], transposeA: false, transposeB: true },
    { a: [1, 6, 96], b: [1, 80, 96], transposeA: false, transposeB: true },
  ];
  for (const [i, c] of cases.entries()) {
    await assertWasmMatchesCpu('BatchMatMul', {
      inputs: { a: floats(c.a, 300 + i), b: floats(c.b, 400 + i) },
      attrs: { transposeA: c.transposeA, transposeB: c.transposeB },
    });
  }
});

test('the input gradient of a wide dense layer swaps the operands, and only then', () => {
  const info = (shape: number[]) => ({ shape, dtype: 'float32', dataId: {} }) as unknown as TensorInfo;
  assert.equal(swapsOperands(info([1, 32, 1024]), info([1, 1024, 1024]), false, true), true);
  assert.equal(swapsOperands(info([32, 64]), info([32, 64]), false, true), false);
  assert.equal(swapsOperands(info([1, 32, 1024]), info([1, 1024, 1024]), false, false), false);
  assert.equal(swapsOperands(info([3, 32, 1024]), info([3, 1024, 1024]), false, true), false);
});

test('BatchMatMul with swapped operands frees its intermediates and gives the explicit-transpose values', async () => {
  await tf.setBackend('wasm');
  const a = tf.tensor(randomValues(8 * 96, 511), [8, 96]);
  const b = tf.tensor(randomValues(200 * 96, 512), [200, 96]);
  const before = tf.backend().numDataIds();
  const swapped = tf.matMul(a, b, false, true);
  assert.equal(tf.backend().numDataIds(), before + 1);
  const explicit = tf.tidy(() => tf.matMul(a, tf.transpose(b)));
  assert.deepEqual(swapped.shape, [8, 200]);
  assert.deepEqual(Array.from(swapped.dataSync()), Array.from(explicit.dataSync()));
  tf.dispose([a, b, swapped, explicit]);
});

test('BatchMatMul with transposes frees its intermediate transposed copies', async () => {
  await tf.setBackend('wasm');
  const a = tf.tensor(randomValues(64 * 48, 501), [64, 48]);
  const b = tf.tensor(randomValues(64 * 40, 502), [64, 40]);
  const before = tf.backend().numDataIds();
  tf.matMul(a, b, true, false).dispose();
  assert.equal(tf.backend().numDataIds(), before);
  tf.dispose([a, b]);
});
