import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { runSmoke } from '../../src/engine/smoke.ts';
import { dense, makeEvidence, makeTable } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { configSmokeOptions } from './fixtures.ts';

const mlp = () => [dense(32, 'relu'), { type: 'dropout' as const, name: 'drop', rate: 0.1 }, dense(16, 'relu'), dense(1)];

describe('runSmoke', () => {
  it('fills the trace for a clean regression setup, controls included', async () => {
    const table = makeTable({ rows: 200, features: 4, featureScale: 50 });
    const validation = makeTable({ rows: 60, features: 4, featureScale: 50, seed: 9 });
    const evidence = makeEvidence({ ...table, validation, layers: mlp(), steps: 30, inputs: 'standardize', targets: 'standardize' });
    const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu' });
    assert.equal(trace.backend, 'cpu');
    assert.deepEqual(trace.skipped, []);
    assert.equal(trace.steps, 30);
    assert.equal(trace.loss.length, 30);
    assert.deepEqual(trace.probeSteps, [0, 10, 20, 29]);
    assert.equal(trace.valLoss.length, 4);
    assert.equal(trace.initialLoss, trace.loss[0]);
    assert.ok(trace.stepsPerSecond > 0 && trace.seconds > 0);
    // Standardized targets: predicting the mean costs 1, and so should a fresh model, roughly.
    assert.ok(Math.abs(trace.expectedInitialLoss! - 1) < 1e-3);
    assert.ok(Math.abs(trace.controls.baseline.loss - 1) < 1e-3);
    assert.deepEqual(
      trace.layers.map((l) => [l.index, l.activation]),
      [
        [0, 'relu'],
        [2, 'relu'],
        [3, 'linear'],
      ],
    );
    assert.ok(trace.layers.every((l) => l.gradNorm.length === 4 && l.updateRatio.every((r) => r > 0)));
    assert.equal(typeof trace.layers[0].deadFraction, 'number');
    assert.deepEqual(
      trace.init.layerNames,
      trace.layers.map((l) => l.name),
    );
    assert.ok(trace.init.activationStd.every((s) => s > 0));
    assert.ok(trace.controls.overfit?.fitted);
    assert.ok(trace.controls.zeroedInputs!.pValue < 0.05);
    assert.ok(trace.controls.lrRange!.lrs.length > 10);
    assert.equal(trace.controls.widened, undefined, 'the widened run only follows a failed overfit');
  });

  it('repeats exactly with the same seed', async () => {
    const table = makeTable({ rows: 100, features: 3 });
    const evidence = makeEvidence({ ...table, layers: mlp(), steps: 15 });
    const a = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    const b = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    assert.deepEqual(a.loss, b.loss);
    assert.deepEqual(a.layers, b.layers);
    const c = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false, seed: 1 });
    assert.notDeepEqual(a.loss, c.loss);
  });

  it('leaves no tensors behind', async () => {
    const table = makeTable({ rows: 60, features: 3 });
    const evidence = makeEvidence({ ...table, validation: makeTable({ rows: 20, features: 3, seed: 4 }), layers: mlp(), steps: 12 });
    await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    const before = tf.memory().numTensors;
    await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu' });
    assert.equal(tf.memory().numTensors, before);
  });

  it('expects ln C at initialization for C classes and starts near it', async () => {
    const table = makeTable({ rows: 150, features: 4, task: 'multiclass', classes: 3 });
    const evidence = makeEvidence({
      ...table,
      task: 'multiclass',
      layers: [dense(16, 'relu'), dense(3, 'softmax')],
      loss: 'sparse_categorical_crossentropy',
      steps: 5,
    });
    const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    assert.ok(Math.abs(trace.expectedInitialLoss! - Math.log(3)) < 1e-9);
    assert.ok(Math.abs(trace.initialLoss - Math.log(3)) < 0.5, `initial loss ${trace.initialLoss}`);
  });

  it('names the first non-finite step when the learning rate is absurd', async () => {
    const table = makeTable({ rows: 100, features: 3, featureScale: 100 });
    const evidence = makeEvidence({ ...table, layers: mlp(), optimizer: 'sgd', learningRate: 1e3, steps: 100 });
    const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    assert.ok(trace.firstNonFinite);
    assert.ok(trace.steps < 100 && trace.loss.length === trace.steps);
  });

  it('stops at the time budget and records what was cut', async () => {
    const table = makeTable({ rows: 100, features: 3 });
    const evidence = makeEvidence({ ...table, layers: mlp(), steps: 1_000_000 });
    const started = performance.now();
    const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', timeBudgetS: 1 });
    assert.ok(performance.now() - started < 6000);
    assert.ok(trace.steps < trace.plannedSteps);
    assert.ok(trace.skipped.some((s) => s.what.startsWith('main run') && /budget/.test(s.reason)));
    // Each control either ran in what was left or is recorded as cut (which ones fit depends on the engine's speed).
    const cut = (name: string) => trace.skipped.some((s) => s.what.startsWith(`control: ${name}`));
    assert.ok(trace.controls.overfit !== undefined || cut('small-batch overfit'));
    assert.ok(trace.controls.zeroedInputs !== undefined || cut('zeroed inputs'));
    assert.ok(trace.controls.lrRange !== undefined || cut('learning-rate range test'));
    // A cut overfit run that has not fitted yet is no evidence of anything.
    assert.ok(trace.controls.overfit === undefined || trace.controls.overfit.fitted);
  });

  it('reports unsupported layers and data that does not fit the model instead of training', async () => {
    const table = makeTable({ rows: 50, features: 3, task: 'multiclass', classes: 3 });
    const base = makeEvidence({ ...table, task: 'multiclass', layers: [dense(8, 'relu'), dense(3, 'softmax')], loss: 'sparse_categorical_crossentropy' });
    const lambda = {
      ...base,
      config: { ...base.config, model: { ...base.config.model, unsupported: [{ name: 'lambda_1', className: 'Lambda', reason: 'custom code' }] } },
    };
    const skipped = await runSmoke(smokeInputOf(lambda), { ...configSmokeOptions(lambda), backend: 'cpu' });
    assert.equal(skipped.steps, 0);
    assert.match(skipped.skipped[0].reason, /lambda_1/);

    const shifted = makeEvidence({
      ...table,
      y: table.y.map((v) => v + 1),
      task: 'multiclass',
      layers: [dense(8, 'relu'), dense(3, 'softmax')],
      loss: 'sparse_categorical_crossentropy',
    });
    const mismatch = await runSmoke(smokeInputOf(shifted), { ...configSmokeOptions(shifted), backend: 'cpu' });
    assert.equal(mismatch.steps, 0);
    assert.match(mismatch.skipped[0].reason, /class id 3/);
  });
});
