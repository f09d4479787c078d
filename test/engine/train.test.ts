import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { makeLoss } from '../../src/engine/losses.ts';
import { trainFresh, type RunContext } from '../../src/engine/session.ts';
import { dense, makeTable } from './fixtures.ts';

const FAR_FUTURE = () => performance.now() + 60_000;

function context(overrides: Partial<RunContext> & { featureScale?: number } = {}): RunContext {
  const table = makeTable({ rows: 128, features: 4, featureScale: overrides.featureScale });
  return {
    spec: { layers: [dense(16, 'relu'), dense(1)].map((l, i) => ({ ...l, name: `${l.name}_${i}` })), origin: { kind: 'layers' }, unsupported: [] },
    inputShape: [4],
    seed: 5,
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

function dispose(ctx: RunContext): void {
  tf.dispose([ctx.x, ctx.y]);
}

before(async () => {
  await initBackend('cpu');
});

describe('training loop', () => {
  it('is deterministic: the same seed gives identical losses and probes', () => {
    const ctx = context({
      spec: { layers: [dense(16, 'relu'), { type: 'dropout', name: 'drop', rate: 0.3 }, dense(1)], origin: { kind: 'layers' }, unsupported: [] },
    });
    const a = trainFresh(ctx, { steps: 25, deadline: FAR_FUTURE(), probeEvery: 10 });
    const b = trainFresh(ctx, { steps: 25, deadline: FAR_FUTURE(), probeEvery: 10 });
    const c = trainFresh({ ...ctx, seed: 6 }, { steps: 25, deadline: FAR_FUTURE(), probeEvery: 10 });
    assert.equal(a.loss.length, 25);
    assert.deepEqual(a.loss, b.loss);
    assert.deepEqual(a.kernels, b.kernels);
    assert.notDeepEqual(a.loss, c.loss);
    dispose(ctx);
  });

  it('lowers the loss on a clean regression setup', () => {
    const ctx = context();
    const result = trainFresh(ctx, { steps: 60, deadline: FAR_FUTURE(), probeEvery: 10 });
    const head = result.loss.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = result.loss.slice(-5).reduce((a, b) => a + b) / 5;
    assert.ok(tail < 0.5 * head, `loss went from ${head} to ${tail}`);
    assert.equal(result.firstNonFinite, undefined);
    assert.deepEqual(result.probeSteps, [0, 10, 20, 30, 40, 50, 59]);
    dispose(ctx);
  });

  it('detects a non-finite loss at a learning rate of 1e3 and stops there', () => {
    const ctx = context({ learningRate: 1e3, optimizer: { name: 'sgd', args: {} }, featureScale: 100 });
    const result = trainFresh(ctx, { steps: 100, deadline: FAR_FUTURE(), probeEvery: 10 });
    assert.ok(result.firstNonFinite, 'no non-finite value detected');
    const { step, where } = result.firstNonFinite!;
    assert.equal(result.loss.length, step + 1);
    assert.ok(result.stepsRun < 100);
    // Every loss before the first flagged step is finite.
    assert.ok(result.loss.slice(0, step).every(Number.isFinite));
    if (where === 'loss') assert.ok(!Number.isFinite(result.loss[step]));
    else assert.ok(result.firstNonFinite!.layer);
    dispose(ctx);
  });

  it('measures an SGD update ratio of lr * ||g|| / ||w||', () => {
    const ctx = context({ optimizer: { name: 'sgd', args: {} }, learningRate: 0.05 });
    const kernelNorms: number[] = [];
    const result = trainFresh(ctx, {
      steps: 1,
      deadline: FAR_FUTURE(),
      probeEvery: 1,
      beforeTraining: (built) => built.layers.forEach((l) => l.kernel && kernelNorms.push(tf.norm(l.kernel.read()).dataSync()[0])),
    });
    assert.equal(result.kernels.length, 2);
    result.kernels.forEach((k, i) => {
      const expected = (0.05 * k.gradNorm[0]) / kernelNorms[i];
      assert.ok(Math.abs(k.updateRatio[0] - expected) < 1e-3 * expected + 1e-7, `layer ${i}: ${k.updateRatio[0]} vs ${expected}`);
      // mean |g| can never exceed the norm, and is at least norm / sqrt(n)
      assert.ok(k.gradMeanAbs[0] <= k.gradNorm[0]);
    });
    dispose(ctx);
  });

  it('reports dead ReLU units when the biases push every pre-activation below zero', () => {
    const layers = [{ ...dense(16, 'relu'), bias_initializer: { name: 'constant', value: -50 } }, dense(1)];
    const ctx = context({ spec: { layers, origin: { kind: 'layers' }, unsupported: [] }, optimizer: { name: 'sgd', args: {} }, learningRate: 1e-4 });
    const result = trainFresh(ctx, { steps: 3, deadline: FAR_FUTURE(), probeEvery: 1 });
    assert.equal(result.activations[0].deadFraction, 1);
    const healthy = trainFresh(context(), { steps: 3, deadline: FAR_FUTURE(), probeEvery: 1 });
    assert.ok(healthy.activations[0].deadFraction! < 0.5);
    dispose(ctx);
  });

  it('reports saturated tanh units when the inputs are huge', () => {
    const ctx = context({
      featureScale: 1000,
      spec: { layers: [dense(8, 'tanh'), dense(1)], origin: { kind: 'layers' }, unsupported: [] },
      learningRate: 1e-5,
    });
    const result = trainFresh(ctx, { steps: 2, deadline: FAR_FUTURE(), probeEvery: 1 });
    assert.ok(result.activations[0].saturatedFraction! > 0.5);
    dispose(ctx);
  });

  it('stops at the deadline and says so', () => {
    const ctx = context();
    const started = performance.now();
    const result = trainFresh(ctx, { steps: 100_000, deadline: performance.now() + 300, probeEvery: 10 });
    assert.ok(result.cutByBudget);
    assert.ok(result.stepsRun < 100_000 && result.stepsRun === result.loss.length);
    assert.ok(performance.now() - started < 3000);
    dispose(ctx);
  });
});
