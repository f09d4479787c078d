// The probes' L2 norm (sqrt of the sum of squares, without the Pow kernel) against tf.norm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { gradientStats, l2Norm, updateRatio } from '../../src/engine/probes.ts';

for (const backend of ['cpu', 'wasm'] as const) {
  test(`l2Norm, gradientStats and updateRatio agree with tf.norm on ${backend}`, async () => {
    await initBackend(backend);
    const x = tf.randomNormal([300, 70], 0, 3, 'float32', 7);
    const y = tf.add(x, tf.randomNormal([300, 70], 0, 0.01, 'float32', 8));
    const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(b), `${a} vs ${b}`);
    close(l2Norm(x).dataSync()[0], tf.norm(x).dataSync()[0]);
    close(gradientStats(x).dataSync()[0], tf.norm(x).dataSync()[0]);
    close(updateRatio(x, y).dataSync()[0], tf.div(tf.norm(tf.sub(y, x)), tf.norm(x)).dataSync()[0]);
    assert.equal(l2Norm(tf.zeros([4])).dataSync()[0], 0);
    assert.ok(!Number.isFinite(l2Norm(tf.tensor1d([1, Number.NaN])).dataSync()[0]));
  });
}
