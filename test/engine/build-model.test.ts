import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { InitializerSpec, LayerSpec, ModelSpec } from '../../src/config/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { buildModel, buildModelWithLayers, UnsupportedModelError } from '../../src/engine/build-model.ts';

const spec = (layers: LayerSpec[], extra: Partial<ModelSpec> = {}): ModelSpec => ({ layers, origin: { kind: 'layers' }, unsupported: [], ...extra });

before(async () => {
  await initBackend('cpu');
});

function kernelOf(init: InitializerSpec, fanIn = 200, fanOut = 100, seed = 3): Float32Array {
  const model = buildModel(tf, spec([{ type: 'dense', name: 'd', units: fanOut, kernel_initializer: init }]), [fanIn], seed);
  const values = model.layers[1].getWeights()[0].dataSync() as Float32Array;
  model.dispose();
  return values;
}

const std = (v: Float32Array) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};
const meanOf = (v: Float32Array) => v.reduce((a, b) => a + b, 0) / v.length;

describe('initializers', () => {
  // TF.js reads a Gaussian seed of 0 as "no seed" (Math.random); seed 0 is the default, and layer 0's first seed is 0.
  for (const name of ['glorot_normal', 'he_normal', 'lecun_normal', 'random_normal', 'truncated_normal', 'orthogonal']) {
    it(`${name} at seed 0 draws the same first-layer weights every time`, () => {
      assert.deepEqual(kernelOf({ name }, 20, 10, 0), kernelOf({ name }, 20, 10, 0));
    });
  }
  // Keras: variance = scale / fan, uniform limit sqrt(3 * variance); normals are truncated but keep the variance.
  const cases: [string, number][] = [
    ['glorot_uniform', Math.sqrt(2 / 300)],
    ['glorot_normal', Math.sqrt(2 / 300)],
    ['he_uniform', Math.sqrt(2 / 200)],
    ['he_normal', Math.sqrt(2 / 200)],
    ['lecun_uniform', Math.sqrt(1 / 200)],
    ['lecun_normal', Math.sqrt(1 / 200)],
  ];
  for (const [name, expectedStd] of cases) {
    it(`${name} has the Keras standard deviation`, () => {
      const w = kernelOf({ name });
      assert.ok(Math.abs(std(w) / expectedStd - 1) < 0.05, `${name}: std ${std(w)} vs ${expectedStd}`);
      if (name.endsWith('uniform')) assert.ok(Math.max(...w.map(Math.abs)) <= Math.sqrt(3) * expectedStd + 1e-6);
    });
  }

  it('zeros, ones and constant fill the kernel', () => {
    assert.ok(kernelOf({ name: 'zeros' }).every((v) => v === 0));
    assert.ok(kernelOf({ name: 'ones' }).every((v) => v === 1));
    assert.ok(kernelOf({ name: 'constant', value: 0.25 }).every((v) => v === 0.25));
  });

  it('random_normal, truncated_normal and random_uniform follow their arguments', () => {
    const normal = kernelOf({ name: 'random_normal', mean: 0.5, stddev: 2 });
    assert.ok(Math.abs(meanOf(normal) - 0.5) < 0.05 && Math.abs(std(normal) - 2) < 0.05);
    const truncated = kernelOf({ name: 'truncated_normal', mean: 0, stddev: 1 });
    assert.ok(Math.max(...truncated.map(Math.abs)) <= 2 + 1e-6);
    const uniform = kernelOf({ name: 'random_uniform', minval: 1, maxval: 3 });
    assert.ok(uniform.every((v) => v >= 1 && v <= 3) && Math.abs(meanOf(uniform) - 2) < 0.02);
    const kerasDefault = kernelOf({ name: 'random_normal' });
    assert.ok(Math.abs(std(kerasDefault) - 0.05) < 0.003);
  });

  it('the same seed gives the same weights, another seed other weights', () => {
    assert.deepEqual(kernelOf({ name: 'glorot_uniform' }, 20, 10, 7), kernelOf({ name: 'glorot_uniform' }, 20, 10, 7));
    assert.notDeepEqual(kernelOf({ name: 'glorot_uniform' }, 20, 10, 7), kernelOf({ name: 'glorot_uniform' }, 20, 10, 8));
  });
});

describe('layers', () => {
  it('builds every layer type with the shapes Keras gives', () => {
    const cases: { input: number[]; layers: LayerSpec[]; output: number[] }[] = [
      {
        input: [8, 8, 3],
        output: [10],
        layers: [
          { type: 'conv2d', name: 'c', filters: 4, kernel_size: [3, 3], activation: 'relu', padding: 'same' },
          { type: 'batch_normalization', name: 'bn' },
          { type: 'max_pooling2d', name: 'mp', pool_size: [2, 2] },
          { type: 'average_pooling2d', name: 'ap', pool_size: [2, 2] },
          { type: 'global_average_pooling2d', name: 'gap' },
          { type: 'dense', name: 'd', units: 10, activation: 'softmax' },
        ],
      },
      {
        input: [12, 2],
        output: [3],
        layers: [
          { type: 'conv1d', name: 'c1', filters: 5, kernel_size: [3], activation: 'tanh' },
          { type: 'max_pooling1d', name: 'p1', pool_size: [2] },
          { type: 'lstm', name: 'l', units: 6, return_sequences: true },
          { type: 'gru', name: 'g', units: 4, return_sequences: true },
          { type: 'simple_rnn', name: 's', units: 3 },
        ],
      },
      {
        input: [5],
        output: [2],
        layers: [
          { type: 'embedding', name: 'e', input_dim: 20, output_dim: 4 },
          { type: 'flatten', name: 'f' },
          { type: 'layer_normalization', name: 'ln' },
          { type: 'dropout', name: 'dr', rate: 0.5 },
          { type: 'reshape', name: 'r', target_shape: [4, 5] },
          { type: 'flatten', name: 'f2' },
          { type: 'activation', name: 'a', activation: 'gelu' },
          { type: 'dense', name: 'd', units: 2, kernel_regularizer: { l1: 0, l2: 0.01 } },
        ],
      },
    ];
    for (const c of cases) {
      const model = buildModel(tf, spec(c.layers), c.input, 1);
      assert.deepEqual(model.outputs[0].shape.slice(1), c.output);
      const out = tf.tidy(() => (model.predict(tf.zeros([2, ...c.input])) as tf.Tensor).shape);
      assert.deepEqual(out, [2, ...c.output]);
      model.dispose();
    }
  });

  it('refuses a description that lists unsupported layers, naming the layer', () => {
    const withLambda = spec([{ type: 'dense', name: 'd', units: 1 }], {
      unsupported: [{ name: 'lambda_1', className: 'Lambda', reason: 'arbitrary Python code' }],
    });
    assert.throws(
      () => buildModel(tf, withLambda, [3], 0),
      (e: unknown) => e instanceof UnsupportedModelError && e.layer === 'lambda_1',
    );
  });

  it('loads Keras weights when the shapes match and reports when they do not', () => {
    const layers: LayerSpec[] = [{ type: 'dense', name: 'd', units: 2 }];
    const kernel = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const good = spec(layers, {
      weights: {
        tensors: [
          { name: 'd/kernel', shape: [3, 2], values: kernel },
          { name: 'd/bias', shape: [2], values: Float32Array.from([0.5, -0.5]) },
        ],
      },
    });
    const built = buildModelWithLayers(tf, good, [3], 0);
    assert.deepEqual(Array.from(built.layers[0].kernel!.read().dataSync()), Array.from(kernel));
    built.model.dispose();
    const bad = spec(layers, {
      weights: {
        tensors: [
          { name: 'd/kernel', shape: [4, 2], values: new Float32Array(8) },
          { name: 'd/bias', shape: [2], values: new Float32Array(2) },
        ],
      },
    });
    const rebuilt = buildModelWithLayers(tf, bad, [3], 0);
    assert.match(rebuilt.notes[0], /not loaded.*d\/kernel/);
    rebuilt.model.dispose();
  });
});
