// Every layer type CONFIG.md lists must train on the WASM backend: one-layer models get the
// same gradients on wasm as on the reference cpu backend, and one optimizer step runs on wasm.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';

const TOLERANCE = 1e-4;
const BATCH = 3;

function randomValues(count: number, seed: number, low = -1, high = 1): Float32Array {
  let state = seed >>> 0 || 1;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    values[i] = low + ((state >>> 0) / 0x100000000) * (high - low);
  }
  return values;
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length, 'gradient sizes differ');
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

interface LayerCase {
  name: string;
  /** per-example input shape */
  input: number[];
  /** integer inputs in [0, vocabulary) instead of floats */
  vocabulary?: number;
  layers: () => tf.layers.Layer[];
}

const dense = (units: number) => tf.layers.dense({ units });

const LAYER_CASES: LayerCase[] = [
  { name: 'dense', input: [5], layers: () => [tf.layers.dense({ units: 4, inputShape: [5], activation: 'relu' })] },
  { name: 'batch_normalization', input: [5], layers: () => [tf.layers.batchNormalization({ inputShape: [5] })] },
  { name: 'layer_normalization', input: [5], layers: () => [tf.layers.layerNormalization({ inputShape: [5] })] },
  { name: 'flatten', input: [2, 3], layers: () => [tf.layers.flatten({ inputShape: [2, 3] }), dense(2)] },
  { name: 'reshape', input: [6], layers: () => [tf.layers.reshape({ targetShape: [3, 2], inputShape: [6] }), dense(2)] },
  { name: 'conv1d valid', input: [9, 2], layers: () => [tf.layers.conv1d({ filters: 3, kernelSize: 3, inputShape: [9, 2] })] },
  {
    name: 'conv1d same stride 2',
    input: [9, 2],
    layers: () => [tf.layers.conv1d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', inputShape: [9, 2] })],
  },
  { name: 'conv2d valid', input: [6, 5, 2], layers: () => [tf.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [6, 5, 2] })] },
  {
    name: 'conv2d same stride 2',
    input: [7, 6, 3],
    layers: () => [tf.layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2, padding: 'same', inputShape: [7, 6, 3] })],
  },
  { name: 'max_pooling1d', input: [8, 3], layers: () => [tf.layers.maxPooling1d({ poolSize: 2, inputShape: [8, 3] })] },
  { name: 'max_pooling2d same', input: [5, 5, 2], layers: () => [tf.layers.maxPooling2d({ poolSize: 2, padding: 'same', inputShape: [5, 5, 2] })] },
  { name: 'average_pooling2d', input: [6, 6, 2], layers: () => [tf.layers.averagePooling2d({ poolSize: 2, inputShape: [6, 6, 2] })] },
  { name: 'global_average_pooling2d', input: [4, 5, 3], layers: () => [tf.layers.globalAveragePooling2d({ inputShape: [4, 5, 3] })] },
  {
    name: 'depthwise_conv2d',
    input: [6, 6, 2],
    layers: () => [tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', inputShape: [6, 6, 2] })],
  },
  { name: 'embedding', input: [4], vocabulary: 7, layers: () => [tf.layers.embedding({ inputDim: 7, outputDim: 3, inputLength: 4 })] },
  { name: 'lstm', input: [4, 3], layers: () => [tf.layers.lstm({ units: 3, inputShape: [4, 3] })] },
  { name: 'gru', input: [4, 3], layers: () => [tf.layers.gru({ units: 3, returnSequences: true, inputShape: [4, 3] })] },
  { name: 'simple_rnn', input: [4, 3], layers: () => [tf.layers.simpleRNN({ units: 3, inputShape: [4, 3] })] },
  { name: 'leaky_relu', input: [5], layers: () => [tf.layers.leakyReLU({ alpha: 0.2, inputShape: [5] })] },
  { name: 'relu6', input: [5], layers: () => [tf.layers.reLU({ maxValue: 6, inputShape: [5] })] },
  ...(['elu', 'selu', 'softplus', 'softsign', 'sigmoid', 'tanh', 'softmax', 'swish', 'gelu', 'hardSigmoid', 'relu6', 'linear'] as const).map(
    (activation): LayerCase => ({ name: `activation ${activation}`, input: [5], layers: () => [tf.layers.activation({ activation, inputShape: [5] })] }),
  ),
];

/** Dropout is random, so it is only trained (below), not compared. */
const TRAIN_ONLY_CASES: LayerCase[] = [
  { name: 'dropout', input: [5], layers: () => [tf.layers.dense({ units: 4, inputShape: [5] }), tf.layers.dropout({ rate: 0.5 })] },
];

interface Fixture {
  weights: { shape: number[]; values: Float32Array }[];
  x: Float32Array;
  xShape: number[];
}

function inputTensor(layerCase: LayerCase, values: Float32Array, shape: number[]): tf.Tensor {
  return layerCase.vocabulary === undefined ? tf.tensor(values, shape) : tf.tensor(values.map(Math.floor), shape, 'int32');
}

function makeFixture(layerCase: LayerCase, seed: number): Fixture {
  const xShape = [BATCH, ...layerCase.input];
  const count = xShape.reduce((a, b) => a * b, 1);
  const x = layerCase.vocabulary === undefined ? randomValues(count, seed, -2, 2) : randomValues(count, seed, 0, layerCase.vocabulary);
  const model = tf.sequential({ layers: layerCase.layers() });
  const weights = model.getWeights().map((w, i) => ({ shape: w.shape, values: randomValues(w.size, seed * 31 + i, -0.5, 0.5) }));
  model.dispose();
  return { weights, x, xShape };
}

/** Gradients of a fixed loss with respect to every trainable weight and, for float inputs, the input. */
async function gradientsOn(backend: 'cpu' | 'wasm', layerCase: LayerCase, fixture: Fixture): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backend);
  const model = tf.sequential({ layers: layerCase.layers() });
  model.setWeights(fixture.weights.map((w) => tf.tensor(w.values, w.shape)));
  const x = inputTensor(layerCase, fixture.x, fixture.xShape);
  const xVariable = x.dtype === 'float32' ? tf.variable(x, true, `input_${backend}_${layerCase.name.replace(/\W/g, '_')}`) : undefined;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  if (xVariable) variables.push(xVariable);
  const target = tf.tidy(() => {
    const shape = (model.apply(x) as tf.Tensor).shape;
    return tf.tensor(
      randomValues(
        shape.reduce((a, b) => a * b, 1),
        7,
      ),
      shape,
    );
  });
  const { value, grads } = tf.variableGrads(() => {
    const output = model.apply(xVariable ?? x, { training: true }) as tf.Tensor;
    return tf.mean(tf.square(tf.sub(output, target))) as tf.Scalar;
  }, variables);
  const result = new Map<string, Float32Array>();
  result.set('loss', Float32Array.from(value.dataSync()));
  for (const [i, variable] of variables.entries()) {
    const name = variable === xVariable ? 'input' : `weight ${i} (${model.trainableWeights[i].originalName.split('/').pop()})`;
    result.set(name, Float32Array.from(grads[variable.name].dataSync()));
  }
  tf.dispose([value, x, target, ...Object.values(grads)]);
  xVariable?.dispose();
  model.dispose();
  return result;
}

async function oneTrainingStepOnWasm(layerCase: LayerCase, seed: number): Promise<{ loss: number; changed: boolean }> {
  await tf.setBackend('wasm');
  const model = tf.sequential({ layers: layerCase.layers() });
  if (model.outputs[0].shape.length > 2) model.add(tf.layers.flatten());
  model.add(dense(1));
  const xShape = [BATCH, ...layerCase.input];
  const count = xShape.reduce((a, b) => a * b, 1);
  const x = inputTensor(layerCase, randomValues(count, seed, 0, layerCase.vocabulary ?? 1), xShape);
  const y = tf.tensor(randomValues(BATCH, seed + 1), [BATCH, 1]);
  const before = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const optimizer = tf.train.adam(0.01);
  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true);
  const lossValue = loss?.dataSync()[0] ?? Number.NaN;
  const after = model.getWeights().map((w) => w.dataSync());
  const changed = before.some((values, i) => values.some((v, j) => v !== after[i][j]));
  tf.dispose([x, y, loss as tf.Tensor]);
  optimizer.dispose();
  model.dispose();
  return { loss: lossValue, changed };
}

await initBackend('wasm');

for (const [index, layerCase] of LAYER_CASES.entries()) {
  test(`${layerCase.name}: wasm gradients match cpu`, async () => {
    await tf.setBackend('cpu');
    const fixture = makeFixture(layerCase, 100 + index);
    const expected = await gradientsOn('cpu', layerCase, fixture);
    const actual = await gradientsOn('wasm', layerCase, fixture);
    assert.deepEqual([...actual.keys()], [...expected.keys()]);
    assert.ok(expected.size > 1, 'nothing to differentiate');
    for (const [name, values] of expected) {
      const error = relativeError(actual.get(name)!, values);
      assert.ok(error <= TOLERANCE, `${name}: relative error ${error}`);
    }
  });
}

for (const [index, layerCase] of [...LAYER_CASES, ...TRAIN_ONLY_CASES].entries()) {
  test(`${layerCase.name}: one adam step runs on wasm`, async () => {
    const { loss, changed } = await oneTrainingStepOnWasm(layerCase, 300 + index);
    assert.ok(Number.isFinite(loss), `loss ${loss}`);
    assert.ok(changed, 'no weight changed');
  });
}

const ELEMENTWISE_OPS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  erf: (x) => tf.erf(x),
  exp: (x) => tf.exp(x),
  clipByValue: (x) => tf.clipByValue(x, -0.5, 0.7),
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  selu: (x) => tf.selu(x),
  elu: (x) => tf.elu(x),
  step: (x) => tf.mul(x, tf.step(x)),
  abs: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  softplus: (x) => tf.softplus(x),
  logSoftmax: (x) => tf.logSoftmax(x),
  relu6: (x) => tf.relu6(x),
};

test('elementwise ops used by custom activations have matching gradients on wasm', async () => {
  const xValues = randomValues(24, 5, -3, 3);
  for (const [name, op] of Object.entries(ELEMENTWISE_OPS)) {
    const gradients: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      gradients.push(
        tf.tidy(() =>
          Float32Array.from(
            tf
              .grad((x) => tf.sum(tf.square(op(x))))(tf.tensor(xValues, [4, 6]))
              .dataSync(),
          ),
        ),
      );
    }
    const error = relativeError(gradients[1], gradients[0]);
    assert.ok(error <= TOLERANCE, `${name}: relative error ${error}`);
  }
});
