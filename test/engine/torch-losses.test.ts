// Each torch.nn loss name, resolved the way the config resolves it, against PyTorch's documented formula
// (reduction 'mean') written in plain JS.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { makeLoss } from '../../src/engine/losses.ts';
import { torchLoss } from '../../src/config/torch.ts';

before(async () => {
  await initBackend('cpu');
});

/** The loss a config under framework pytorch trains with, for a written torch name. */
function torchLossValue(name: string, target: number[][], input: number[][], args: { beta?: number; delta?: number } = {}, loss?: string): number {
  const resolved = torchLoss(name);
  assert.ok(resolved, name);
  const fn = makeLoss(loss ?? resolved.loss, resolved.fromLogits, { framework: 'pytorch', ...args });
  assert.ok(fn, name);
  return tf.tidy(() => fn(tf.tensor2d(target), tf.tensor2d(input)).dataSync()[0]);
}

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const logSoftmax = (row: number[]) => {
  const max = Math.max(...row);
  const logSum = Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0)) + max;
  return row.map((x) => x - logSum);
};

const LOGITS = [
  [2, -1, 0.5],
  [0, 3, -2],
  [-1, -1, 4],
];
const CLASSES = [2, 1, 0];
const PREDICTION = [
  [1.5, 0],
  [0.2, 2],
  [-3, 0.1],
];
const TARGET = [
  [1, 2],
  [0, -1],
  [0.4, 0.1],
];
const errors = PREDICTION.flatMap((row, r) => row.map((x, c) => x - TARGET[r][c]));

describe('PyTorch losses (reduction mean)', () => {
  it('CrossEntropyLoss / cross_entropy with class indices: -mean(log_softmax(x)[y])', () => {
    const expected = -mean(LOGITS.map((row, r) => logSoftmax(row)[CLASSES[r]]));
    close(
      torchLossValue(
        'CrossEntropyLoss',
        CLASSES.map((c) => [c]),
        LOGITS,
      ),
      expected,
    );
    close(
      torchLossValue(
        'cross_entropy',
        CLASSES.map((c) => [c]),
        LOGITS,
      ),
      expected,
    );
  });

  it('CrossEntropyLoss with class probabilities: -mean over rows of sum(p * log_softmax(x))', () => {
    const probabilities = [
      [0.2, 0.3, 0.5],
      [0, 1, 0],
      [0.6, 0.4, 0],
    ];
    const expected = -mean(LOGITS.map((row, r) => logSoftmax(row).reduce((a, l, c) => a + probabilities[r][c] * l, 0)));
    close(torchLossValue('CrossEntropyLoss', probabilities, LOGITS, {}, 'categorical_crossentropy'), expected);
  });

  it('NLLLoss / nll_loss takes log-probabilities exactly: -mean(input[y])', () => {
    const logProbabilities = LOGITS.map(logSoftmax);
    const expected = -mean(logProbabilities.map((row, r) => row[CLASSES[r]]));
    close(
      torchLossValue(
        'NLLLoss',
        CLASSES.map((c) => [c]),
        logProbabilities,
      ),
      expected,
    );
    // On raw outputs it is just -x[y], unbounded below (what makes NLLLoss without LogSoftmax diverge).
    close(
      torchLossValue(
        'nll_loss',
        CLASSES.map((c) => [c]),
        LOGITS,
      ),
      -mean(LOGITS.map((row, r) => row[CLASSES[r]])),
    );
  });

  it('BCELoss clamps each log at -100; BCEWithLogitsLoss is the stable form on logits', () => {
    const p = [
      [0.9, 0.2],
      [1, 0.5],
    ];
    const y = [
      [1, 0],
      [0, 1],
    ];
    const term = (yy: number, pp: number) => -(yy * Math.max(Math.log(pp), -100) + (1 - yy) * Math.max(Math.log(1 - pp), -100));
    close(torchLossValue('BCELoss', y, p), mean(p.flatMap((row, r) => row.map((pp, c) => term(y[r][c], pp)))));
    const logits = [
      [2, -1],
      [0.3, -4],
    ];
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    close(torchLossValue('BCEWithLogitsLoss', y, logits), mean(logits.flatMap((row, r) => row.map((x, c) => term(y[r][c], sigmoid(x))))));
    close(torchLossValue('binary_cross_entropy_with_logits', y, logits), mean(logits.flatMap((row, r) => row.map((x, c) => term(y[r][c], sigmoid(x))))));
  });

  it('MSELoss and L1Loss average over every element', () => {
    close(torchLossValue('MSELoss', TARGET, PREDICTION), mean(errors.map((e) => e * e)));
    close(torchLossValue('l1_loss', TARGET, PREDICTION), mean(errors.map(Math.abs)));
  });

  it('SmoothL1Loss with beta and HuberLoss with delta', () => {
    const smooth = (e: number, beta: number) => (Math.abs(e) < beta ? (0.5 * e * e) / beta : Math.abs(e) - 0.5 * beta);
    const huber = (e: number, delta: number) => (Math.abs(e) < delta ? 0.5 * e * e : delta * (Math.abs(e) - 0.5 * delta));
    close(torchLossValue('SmoothL1Loss', TARGET, PREDICTION), mean(errors.map((e) => smooth(e, 1))));
    close(torchLossValue('SmoothL1Loss', TARGET, PREDICTION, { beta: 0.5 }), mean(errors.map((e) => smooth(e, 0.5))));
    close(torchLossValue('smooth_l1_loss', TARGET, PREDICTION, { beta: 0 }), mean(errors.map(Math.abs)));
    close(torchLossValue('HuberLoss', TARGET, PREDICTION), mean(errors.map((e) => huber(e, 1))));
    close(torchLossValue('huber_loss', TARGET, PREDICTION, { delta: 2.5 }), mean(errors.map((e) => huber(e, 2.5))));
  });

  it("KLDivLoss takes log-probabilities and averages over every element (PyTorch's mean, not batchmean)", () => {
    const target = [
      [0.2, 0.3, 0.5],
      [0, 1, 0],
      [0.6, 0.4, 0],
    ];
    const input = LOGITS.map(logSoftmax);
    const expected = mean(target.flatMap((row, r) => row.map((t, c) => (t > 0 ? t * Math.log(t) : 0) - t * input[r][c])));
    close(torchLossValue('KLDivLoss', target, input), expected);
  });
});
