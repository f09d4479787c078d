import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { makeLoss } from '../../src/engine/losses.ts';

before(async () => {
  await initBackend('cpu');
});

function lossOf(name: string, yTrue: number[][], yPred: number[][], fromLogits = false): number {
  return tf.tidy(() => makeLoss(name, fromLogits)!(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync()[0]);
}

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('Keras losses', () => {
  it('regression losses follow their formulas (mean over outputs, then rows)', () => {
    const y = [
      [1, 2],
      [0, -1],
    ];
    const p = [
      [1.5, 0],
      [0.2, 2],
    ];
    const errors = [0.5, -2, 0.2, 3];
    close(lossOf('mse', y, p), errors.reduce((a, e) => a + e * e, 0) / 4);
    close(lossOf('mae', y, p), errors.reduce((a, e) => a + Math.abs(e), 0) / 4);
    const huber = (e: number) => (Math.abs(e) <= 1 ? 0.5 * e * e : Math.abs(e) - 0.5);
    close(lossOf('huber', y, p), errors.reduce((a, e) => a + huber(e), 0) / 4);
    close(lossOf('log_cosh', y, p), errors.reduce((a, e) => a + Math.log(Math.cosh(e)), 0) / 4);
  });

  it('crossentropy from logits equals crossentropy of the activated outputs', () => {
    const logits = [
      [2, -1, 0.5],
      [0, 3, -2],
    ];
    const softmax = logits.map((row) => {
      const exps = row.map(Math.exp);
      const sum = exps.reduce((a, b) => a + b);
      return exps.map((e) => e / sum);
    });
    const oneHot = [
      [0, 0, 1],
      [0, 1, 0],
    ];
    const expected = -(Math.log(softmax[0][2]) + Math.log(softmax[1][1])) / 2;
    close(lossOf('categorical_crossentropy', oneHot, softmax), expected);
    close(lossOf('categorical_crossentropy', oneHot, logits, true), expected);
    close(lossOf('sparse_categorical_crossentropy', [[2], [1]], logits, true), expected);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const bce = -(Math.log(sig(2)) + Math.log(1 - sig(-0.5))) / 2;
    close(lossOf('binary_crossentropy', [[1], [0]], [[2], [-0.5]], true), bce);
    close(lossOf('binary_crossentropy', [[1], [0]], [[sig(2)], [sig(-0.5)]]), bce, 1e-4);
  });

  it('hinge turns 0/1 labels into -1/1', () => {
    close(lossOf('hinge', [[1], [0]], [[0.3], [0.4]]), (1 - 0.3 + (1 + 0.4)) / 2);
    close(lossOf('squared_hinge', [[1], [-1]], [[2], [0.5]]), (0 + 1.5 ** 2) / 2);
  });

  it('unknown names are refused rather than guessed', () => {
    assert.equal(makeLoss('made_up_loss', false), undefined);
  });
});

it('class_weight weighs each row by its class, Keras style: mean of weight x loss over the batch', () => {
  const weighted = makeLoss('binary_crossentropy', false, {}, { 1: 4 })!;
  const plain = makeLoss('binary_crossentropy', false)!;
  const y = tf.tensor2d([[0], [1], [1], [0]]);
  const p = tf.tensor2d([[0.2], [0.6], [0.9], [0.4]]);
  const rows = [
    [0, 0.2],
    [1, 0.6],
    [1, 0.9],
    [0, 0.4],
  ].map(([t, q]) => -(t * Math.log(q) + (1 - t) * Math.log(1 - q)));
  const expected = (rows[0] + 4 * rows[1] + 4 * rows[2] + rows[3]) / 4;
  assert.ok(Math.abs(weighted(y, p).dataSync()[0] - expected) < 1e-5);
  assert.ok(Math.abs(plain(y, p).dataSync()[0] - rows.reduce((a, b) => a + b) / 4) < 1e-5);
  // one-hot rows: the class is the argmax
  const oneHot = makeLoss('categorical_crossentropy', false, {}, { 0: 2 })!;
  const value = oneHot(
    tf.tensor2d([
      [1, 0],
      [0, 1],
    ]),
    tf.tensor2d([
      [0.5, 0.5],
      [0.25, 0.75],
    ]),
  ).dataSync()[0];
  assert.ok(Math.abs(value - (2 * -Math.log(0.5) + -Math.log(0.75)) / 2) < 1e-5);
  tf.dispose([y, p]);
});
