// PyTorch's default initialization of YAML layers under framework pytorch, as the smoke run draws it.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from '../../src/config/types.ts';
import { buildLayerSpec } from '../../src/config/layers.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { buildModelWithLayers } from '../../src/engine/build-model.ts';
import { initializerVariance } from '../../src/checks/init-scale-mismatch.ts';

before(async () => {
  await initBackend('cpu');
});

const std = (v: Float32Array) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};
const maxAbs = (v: Float32Array) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);

function weightsOf(layer: LayerSpec, inputShape: number[]): Float32Array[] {
  const built = buildModelWithLayers(tf, { layers: [layer], origin: { kind: 'layers' }, unsupported: [] }, inputShape, 5);
  const weights = built.layers[0].core.getWeights().map((w) => w.dataSync() as Float32Array);
  built.model.dispose();
  return weights;
}

describe('PyTorch default initialization', () => {
  it('nn.Linear: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
    const [kernel, bias] = weightsOf(buildLayerSpec('dense', 'fc', { units: 400 }, undefined, 'pytorch'), [100]);
    const bound = 1 / Math.sqrt(100);
    assert.ok(maxAbs(kernel) <= bound + 1e-7 && maxAbs(kernel) > 0.95 * bound, `kernel max ${maxAbs(kernel)}`);
    assert.ok(Math.abs(std(kernel) / (bound / Math.sqrt(3)) - 1) < 0.03, `kernel std ${std(kernel)}`);
    assert.ok(maxAbs(bias) <= bound + 1e-7 && maxAbs(bias) > 0.8 * bound, `bias max ${maxAbs(bias)}`);
    assert.ok(Math.abs(std(bias) / (bound / Math.sqrt(3)) - 1) < 0.15, `bias std ${std(bias)}`);
  });

  it('nn.Conv2d: fan_in is in_channels x kernel height x kernel width, for the weight and the bias', () => {
    const [kernel, bias] = weightsOf(buildLayerSpec('conv2d', 'conv', { filters: 64, kernel_size: 3 }, undefined, 'pytorch'), [8, 8, 4]);
    const bound = 1 / Math.sqrt(4 * 9);
    assert.ok(maxAbs(kernel) <= bound + 1e-7 && maxAbs(kernel) > 0.95 * bound);
    assert.ok(maxAbs(bias) <= bound + 1e-7 && maxAbs(bias) > 0.7 * bound, `bias max ${maxAbs(bias)}`);
  });

  it('nn.LSTM: every weight and bias U(-1/sqrt(hidden), 1/sqrt(hidden)); nn.Embedding N(0, 1)', () => {
    const weights = weightsOf(buildLayerSpec('lstm', 'rnn', { units: 16 }, undefined, 'pytorch'), [5, 3]);
    for (const w of weights) assert.ok(maxAbs(w) <= 0.25 + 1e-7 && maxAbs(w) > 0.2, `max ${maxAbs(w)}`);
    const [embeddings] = weightsOf(buildLayerSpec('embedding', 'emb', { input_dim: 100, output_dim: 50 }, undefined, 'pytorch'), [4]);
    assert.ok(Math.abs(std(embeddings) - 1) < 0.05, `embedding std ${std(embeddings)}`);
  });

  it('Keras defaults stay Keras: zero bias, glorot kernel', () => {
    const [, bias] = weightsOf(buildLayerSpec('dense', 'fc', { units: 10 }), [100]);
    assert.equal(maxAbs(bias), 0);
  });

  it('init-scale-mismatch judges the PyTorch initializer by its own variance, 1/(3 fan_in)', () => {
    assert.equal(initializerVariance({ name: 'torch_fan_in_uniform' }, 100, 400), 1 / 300);
  });
});
