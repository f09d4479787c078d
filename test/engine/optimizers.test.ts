import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { makeOptimizer, setLearningRate, weightDecayOf } from '../../src/engine/optimizers.ts';

before(async () => {
  await initBackend('cpu');
});

/** The change one step makes to w = [1, 2] under the loss sum(w^2) (gradient 2w). */
function oneStep(optimizer: tf.Optimizer): number[] {
  const w = tf.variable(tf.tensor1d([1, 2]));
  optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
  const after = Array.from(w.dataSync());
  w.dispose();
  return after.map((v, i) => v - [1, 2][i]);
}

describe('optimizers', () => {
  it('builds every Keras optimizer name and refuses unknown ones', () => {
    for (const name of ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax']) assert.ok(makeOptimizer({ name, args: {} }, 0.01), name);
    assert.ok(makeOptimizer({ name: 'sgd', args: { momentum: 0.9, nesterov: true } }, 0.01));
    assert.equal(makeOptimizer({ name: 'lion', args: {} }, 0.01), undefined);
  });

  it('plain SGD moves by -lr * gradient, also after the rate is changed', () => {
    const sgd = makeOptimizer({ name: 'sgd', args: {} }, 0.1)!;
    assert.deepEqual(
      oneStep(sgd).map((d) => +d.toFixed(6)),
      [-0.2, -0.4],
    );
    setLearningRate(sgd, 0.01);
    assert.deepEqual(
      oneStep(sgd).map((d) => +d.toFixed(6)),
      [-0.02, -0.04],
    );
  });

  it('Adam first step moves each weight by about the learning rate, also after the rate is changed', () => {
    const adam = makeOptimizer({ name: 'adam', args: {} }, 0.1)!;
    oneStep(adam).forEach((d) => assert.ok(Math.abs(d + 0.1) < 1e-4));
    setLearningRate(adam, 0.001);
    oneStep(adam).forEach((d) => assert.ok(Math.abs(d + 0.001) < 1e-4));
  });

  it('weight decay: the configured value, else the optimizer argument, else AdamW default', () => {
    assert.equal(weightDecayOf({ name: 'adam', args: {} }, 0.01), 0.01);
    assert.equal(weightDecayOf({ name: 'adam', args: { weight_decay: 0.02 } }, 0), 0.02);
    assert.equal(weightDecayOf({ name: 'adamw', args: {} }, 0), 0.004);
    assert.equal(weightDecayOf({ name: 'adam', args: {} }, 0), 0);
  });
});
