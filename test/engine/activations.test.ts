import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { InitializerSpec, LayerSpec, ModelSpec } from '../../src/config/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { buildModel, UnsupportedModelError } from '../../src/engine/build-model.ts';

const spec = (layers: LayerSpec[]): ModelSpec => ({ layers, origin: { kind: 'layers' }, unsupported: [] });
const ones: InitializerSpec = { name: 'ones' };
const zeros: InitializerSpec = { name: 'zeros' };

// Reference formulas written independently of the engine (Keras 3 definitions).
function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const reference: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  leaky_relu: (x) => (x > 0 ? x : 0.2 * x),
  sigmoid,
  tanh: Math.tanh,
  softmax: () => 1, // a single unit
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1)),
  softplus: (x) => Math.log(1 + Math.exp(x)),
  softsign: (x) => x / (1 + Math.abs(x)),
  swish: (x) => x * sigmoid(x),
  silu: (x) => x * sigmoid(x),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  hard_sigmoid: (x) => Math.min(1, Math.max(0, x / 6 + 0.5)),
  exponential: Math.exp,
};
const inputs = [-7, -2.5, -0.4, 0, 0.3, 1.7, 4, 8];

before(async () => {
  await initBackend('cpu');
});

describe('activations', () => {
  for (const [name, formula] of Object.entries(reference)) {
    it(`${name} matches its Keras formula`, () => {
      const model = buildModel(tf, spec([{ type: 'dense', name: 'd', units: 1, activation: name, kernel_initializer: ones, bias_initializer: zeros }]), [1], 0);
      const out = tf.tidy(() => Array.from((model.predict(tf.tensor2d(inputs, [inputs.length, 1])) as tf.Tensor).dataSync()));
      out.forEach((value, i) =>
        assert.ok(
          Math.abs(value - formula(inputs[i])) < 1e-4 * Math.max(1, Math.abs(formula(inputs[i]))),
          `${name}(${inputs[i]}) = ${value}, expected ${formula(inputs[i])}`,
        ),
      );
      model.dispose();
    });
  }

  it('an unknown activation is an UnsupportedModelError naming the layer', () => {
    assert.throws(
      () => buildModel(tf, spec([{ type: 'dense', name: 'weird', units: 2, activation: 'mish2' }]), [3], 0),
      (e: unknown) => e instanceof UnsupportedModelError && e.layer === 'weird',
    );
  });
});
