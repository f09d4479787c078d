import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { HOST_ADAM_MAX_VALUES, HostAdamOptimizer } from '../../src/engine/host-adam.ts';

const HIDDEN = Math.ceil((HOST_ADAM_MAX_VALUES + 1) / 5);
import { setLearningRate } from '../../src/engine/optimizers.ts';

/**
 * Weights of a two-layer net after `steps` Adam steps on fixed data, the rate changed halfway. The first
 * kernel is above HOST_ADAM_MAX_VALUES (updated by ops), the others below (updated in the loop).
 */
function train(optimizer: tf.Optimizer, steps: number): number[][] {
  const w1 = tf.variable(tf.randomNormal([5, HIDDEN], 0, 1, 'float32', 1));
  const b1 = tf.variable(tf.zeros([HIDDEN]));
  const w2 = tf.variable(tf.randomNormal([HIDDEN, 1], 0, 1, 'float32', 2));
  const x = tf.randomNormal([16, 5], 0, 1, 'float32', 3);
  const y = tf.randomNormal([16, 1], 0, 1, 'float32', 4);
  for (let step = 0; step < steps; step++) {
    if (step === steps / 2) setLearningRate(optimizer, 0.05);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2)) as tf.Scalar, [w1, b1, w2]);
      optimizer.applyGradients(grads);
    });
  }
  const weights = [w1, b1, w2].map((w) => Array.from(w.dataSync()));
  tf.dispose([w1, b1, w2, x, y]);
  optimizer.dispose();
  return weights;
}

describe('HostAdamOptimizer', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`updates weights bit for bit as TF.js Adam does (${backend})`, async () => {
      await initBackend(backend);
      let before = tf.memory().numTensors;
      const stock = train(tf.train.adam(0.01, 0.9, 0.999, 1e-7), 20);
      const stockLeft = tf.memory().numTensors - before;
      before = tf.memory().numTensors;
      const host = train(new HostAdamOptimizer(0.01, 0.9, 0.999, 1e-7), 20);
      assert.equal(tf.memory().numTensors - before, stockLeft, 'no more tensors left behind than TF.js Adam leaves');
      assert.deepEqual(host, stock);
      assert.notDeepEqual(host, train(new HostAdamOptimizer(0.02, 0.9, 0.999, 1e-7), 20), 'the rate matters');
    });
  }
});
