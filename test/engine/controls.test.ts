import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import {
  baselineLoss,
  climbing,
  LR_RANGE,
  OVERFIT_CLIMB_STEPS,
  lrRangeTest,
  OVERFIT_LOSS_SHARE,
  OVERFIT_STEPS,
  overfitSmallBatch,
  readRange,
  scanRange,
  widenSpec,
  zeroedInputs,
} from '../../src/engine/controls.ts';
import { makeLoss } from '../../src/engine/losses.ts';
import { trainFresh, type RunContext } from '../../src/engine/session.ts';
import { studentTwoSidedP, welchTTest } from '../../src/engine/stats.ts';
import { dense, makeTable } from './fixtures.ts';

const FAR_FUTURE = () => performance.now() + 60_000;

function regression(overrides: Partial<RunContext> = {}): RunContext {
  const table = makeTable({ rows: 128, features: 4 });
  return {
    spec: { layers: [dense(32, 'relu'), dense(1)].map((l, i) => ({ ...l, name: `${l.name}_${i}` })), origin: { kind: 'layers' }, unsupported: [] },
    inputShape: [4],
    seed: 2,
    task: 'regression',
    lossName: 'mean_squared_error',
    fromLogits: false,
    outputUnits: 1,
    loss: makeLoss('mse', false)!,
    optimizer: { name: 'adam', args: {} },
    learningRate: 0.01,
    batchSize: 16,
    weightDecay: 0,
    x: tf.tensor2d(table.x, [128, 4]),
    y: tf.tensor2d(table.y, [128, 1]),
    ...overrides,
  };
}

before(async () => {
  await initBackend('cpu');
});

describe('statistics', () => {
  it('Student t p-values match the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [0.1, 0.8, 1.9, 5]) {
      assert.ok(Math.abs(studentTwoSidedP(t, 1) - (1 - (2 / Math.PI) * Math.atan(t))) < 1e-9);
      assert.ok(Math.abs(studentTwoSidedP(t, 2) - (1 - t / Math.sqrt(2 + t * t))) < 1e-9);
    }
  });

  it("Welch's test separates different means and not equal ones", () => {
    const a = [1, 2, 3, 4, 5];
    const result = welchTTest(a, [2, 4, 6, 8, 10]);
    assert.ok(Math.abs(result.t - -3 / Math.sqrt(2.5)) < 1e-9);
    assert.ok(result.pValue > 0.05 && result.pValue < 0.2);
    assert.equal(welchTTest(a, a).pValue, 1);
    assert.ok(welchTTest([1, 1.1, 0.9, 1.05], [5, 5.1, 4.9, 5.05]).pValue < 1e-4);
  });
});

describe('control runs', () => {
  it('baseline: predicting the target mean costs the target variance under MSE', () => {
    const ctx = regression();
    const y = Array.from(ctx.y.dataSync());
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
    const baseline = baselineLoss(ctx, 'linear');
    assert.equal(baseline.kind, 'mean');
    assert.ok(Math.abs(baseline.loss - variance) < 1e-4 * variance);
    tf.dispose([ctx.x, ctx.y]);
  });

  it('baseline: the class prior costs its entropy under crossentropy, with or without logits', () => {
    const labels = [1, 0, 0, 0, 1, 0, 0, 0];
    const p = 0.25;
    const entropy = -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    for (const fromLogits of [false, true]) {
      const ctx = regression({
        task: 'binary',
        lossName: 'binary_crossentropy',
        fromLogits,
        loss: makeLoss('binary_crossentropy', fromLogits)!,
        y: tf.tensor2d(labels, [8, 1]),
      });
      const baseline = baselineLoss(ctx, fromLogits ? 'linear' : 'sigmoid');
      assert.equal(baseline.kind, 'prior');
      assert.ok(Math.abs(baseline.loss - entropy) < 1e-4, `fromLogits=${fromLogits}: ${baseline.loss} vs ${entropy}`);
      tf.dispose([ctx.x, ctx.y]);
    }
    const sparse = regression({
      task: 'multiclass',
      lossName: 'sparse_categorical_crossentropy',
      outputUnits: 3,
      loss: makeLoss('sparse_categorical_crossentropy', false)!,
      y: tf.tensor2d([0, 1, 2, 2], [4, 1]),
    });
    const expected = -(0.25 * Math.log(0.25) * 2 + 0.5 * Math.log(0.5));
    assert.ok(Math.abs(baselineLoss(sparse, 'softmax').loss - expected) < 1e-4);
    tf.dispose([sparse.x, sparse.y]);
  });

  it('a sound model overfits a small batch; a crushing weight penalty keeps it from fitting', () => {
    const ctx = regression();
    const fitted = overfitSmallBatch(ctx, FAR_FUTURE());
    assert.equal(fitted.samples, 32);
    assert.ok(fitted.fitted, `final ${fitted.finalLoss} from ${fitted.startLoss}`);
    // it stopped once the training loss had settled below the fitted share, and the evaluation agrees
    assert.ok(fitted.steps < OVERFIT_STEPS, `${fitted.steps} steps`);
    assert.ok(fitted.finalLoss < OVERFIT_LOSS_SHARE * fitted.startLoss);
    const penalized = { ...ctx.spec, layers: ctx.spec.layers.map((l) => ({ ...l, kernel_regularizer: { l1: 0, l2: 5 } })) };
    const stuck = overfitSmallBatch(ctx, FAR_FUTURE(), penalized);
    assert.equal(stuck.fitted, false);
    tf.dispose([ctx.x, ctx.y]);
  });

  it('an overfit run with dropout or batch normalization runs all its steps: its training loss is not the loss asked about', () => {
    const ctx = regression();
    const withDropout = { ...ctx.spec, layers: [ctx.spec.layers[0], { type: 'dropout' as const, name: 'drop', rate: 0.1 }, ...ctx.spec.layers.slice(1)] };
    const run = overfitSmallBatch(ctx, FAR_FUTURE(), withDropout);
    assert.equal(run.steps, OVERFIT_STEPS);
    tf.dispose([ctx.x, ctx.y]);
  });

  it('a raised-rate overfit run is set aside only once its loss has climbed above its start for long enough', () => {
    const rising = Array.from({ length: OVERFIT_CLIMB_STEPS }, (_, i) => 1 + i / 10);
    assert.equal(climbing(rising), true);
    assert.equal(climbing(rising.slice(0, OVERFIT_CLIMB_STEPS - 1)), false, 'too few steps to tell');
    // a spike that has come back below the start is not a climb
    const recovered = [1, 5, 9, ...Array.from({ length: OVERFIT_CLIMB_STEPS - 3 }, () => 0.9)];
    assert.equal(climbing(recovered), false);
    const falling = Array.from({ length: 40 }, (_, i) => 1 / (i + 1));
    assert.equal(climbing(falling), false);
  });

  it("a raised overfit rate that blows up is retried at the config's own rate: the model fits there", () => {
    // Inputs of scale 30 under plain SGD: the raised overfit rate (0.1) diverges, the config's 0.003 fits.
    const scaled = (learningRate: number) => {
      const base = regression({ optimizer: { name: 'sgd', args: {} }, learningRate });
      return { ...base, x: tf.mul(base.x, 30) };
    };
    const atRaisedRate = scaled(0.1);
    assert.equal(overfitSmallBatch(atRaisedRate, FAR_FUTURE()).fitted, false, 'the raised rate alone does not fit');
    const own = scaled(0.003);
    const result = overfitSmallBatch(own, FAR_FUTURE());
    assert.ok(result.fitted, `final ${result.finalLoss} from ${result.startLoss}`);
    assert.ok(Number.isFinite(result.finalLoss));
    tf.dispose([atRaisedRate.x, atRaisedRate.y, own.x, own.y]);
  });

  it('zeroed inputs: a model that learns from its input ends lower than on zeros', () => {
    const ctx = regression();
    const real = trainFresh(ctx, { steps: 60, deadline: FAR_FUTURE() });
    const result = zeroedInputs(ctx, FAR_FUTURE(), real.loss).control!;
    assert.ok(result.realFinal < result.zeroedFinal);
    assert.ok(result.pValue < 0.01, `p = ${result.pValue}`);
    // Inputs that are already zero: both runs are the same run, so nothing tells them apart.
    const blind = { ...ctx, x: tf.zerosLike(ctx.x) };
    const blindReal = trainFresh(blind, { steps: 30, deadline: FAR_FUTURE() });
    assert.equal(zeroedInputs(blind, FAR_FUTURE(), blindReal.loss).control!.pValue, 1);
    assert.ok(zeroedInputs(ctx, FAR_FUTURE(), real.loss.slice(0, 5)).skipped);
    assert.ok(zeroedInputs(ctx, FAR_FUTURE(), [...real.loss.slice(0, 30), NaN]).skipped);
    tf.dispose([ctx.x, ctx.y, blind.x]);
  });

  it('learning-rate range test: exponential sweep, divergence point above the suggestion', () => {
    const ctx = regression({ optimizer: { name: 'sgd', args: {} } });
    const range = lrRangeTest(ctx, FAR_FUTURE());
    assert.ok(range.lrs.every((lr, i) => i === 0 || lr > range.lrs[i - 1]));
    assert.ok(Math.abs(range.lrs[0] - 1e-6) < 1e-12);
    assert.ok(range.divergedAt !== undefined, 'plain SGD at lr up to 10 should diverge');
    assert.ok(range.suggestedLr < range.divergedAt!);
    assert.ok(range.bestLr < range.divergedAt!);
    tf.dispose([ctx.x, ctx.y]);
  });

  it('the range test suggests the middle of the steepest smoothed decade, through batch noise', () => {
    // A curve like the one measured on regression-clean: a plateau near 0.75 with ±0.3 batch noise,
    // a fall to 0.1 between 1e-3 and 1e-2, then a blow-up. Single-step slopes picked 1.5e-6 there.
    const { lrs, noise } = rangeAxis(7);
    const losses = lrs.map((lr, i) => 0.1 + 0.65 / (1 + (lr / 3e-3) ** 2) + (lr > 1 ? (lr - 1) * 5 : 0) + 0.3 * noise[i]);
    losses[1] = 0.4; // a lucky early batch: the old single-step rule's trap
    const { suggestedLr } = readRange(lrs, losses);
    assert.ok(suggestedLr >= 1e-3 && suggestedLr <= 1e-2, `suggested ${suggestedLr}`);
  });

  it('the range test suggests nothing when the curve never clearly falls', () => {
    const { lrs, noise } = rangeAxis(11);
    const flat = lrs.map((_, i) => 3.2 + 0.4 * noise[i]);
    flat[0] = 3.9; // a high first batch, as on regression-zeros-init
    assert.ok(Number.isNaN(readRange(lrs, flat).suggestedLr));
    // A real but small fall (a model that only learns the mean): 12% is not a rate worth suggesting.
    const shallow = lrs.map((lr, i) => 3.0 + 0.4 / (1 + lr / 1e-3) + 0.05 * noise[i]);
    assert.ok(Number.isNaN(readRange(lrs, shallow).suggestedLr));
  });

  it('the range test falls back to a tenth of the best rate when it diverges within two decades', () => {
    const { lrs, noise } = rangeAxis(5);
    const rates = lrs.slice(0, 24);
    const losses = rates.map((_, i) => (i < 12 ? 1 + 0.02 * noise[i] : i < 20 ? 0.3 : 50));
    const range = readRange(rates, losses);
    assert.ok(range.divergedAt !== undefined);
    assert.ok(Math.abs(range.suggestedLr - range.bestLr / 10) < 1e-15, `${range.suggestedLr} vs ${range.bestLr}`);
  });

  it('scanRange measures divergence against the running best, not the global one', () => {
    assert.deepEqual(scanRange([4, 3, 1, 0.5]), { bestIndex: 3 });
    assert.deepEqual(scanRange([4, 1, 2, 5]), { bestIndex: 1, divergedIndex: 3 });
    assert.deepEqual(scanRange([1, NaN]), { bestIndex: 0, divergedIndex: 1 });
  });

  it('widening multiplies hidden layers and keeps the output layer', () => {
    const spec = { layers: [dense(8, 'relu'), dense(4, 'relu'), dense(1)], origin: { kind: 'layers' as const }, unsupported: [] };
    assert.deepEqual(
      widenSpec(spec, 4, 2).layers.map((l) => l.units),
      [32, 16, 1],
    );
  });

  it('widening keeps the width of every layer that feeds a residual add, through the weightless layers between', () => {
    const layers = [
      { ...dense(8, 'relu'), inbound: [-1] },
      { ...dense(4), inbound: [0] },
      { type: 'batch_normalization' as const, name: 'bn', inbound: [1] },
      { type: 'add' as const, name: 'add', inbound: [2, -1] },
      { ...dense(6, 'relu'), inbound: [3] },
      { ...dense(1), inbound: [4] },
    ];
    const spec = { layers, origin: { kind: 'layers' as const }, unsupported: [] };
    assert.deepEqual(
      widenSpec(spec, 4, 5).layers.map((l) => l.units),
      [32, 4, undefined, undefined, 24, 1],
    );
  });
});

/** The range test's rate axis and reproducible noise in [-1, 1] (a small LCG, so no test depends on Math.random). */
function rangeAxis(seed: number): { lrs: number[]; noise: number[] } {
  const { start, end, steps } = LR_RANGE;
  const lrs = Array.from({ length: steps }, (_, i) => start * (end / start) ** (i / (steps - 1)));
  let state = seed;
  const noise = lrs.map(() => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  });
  return { lrs, noise };
}
