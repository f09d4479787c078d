import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { combineLowerRate, mergeSmokeParts, compareZeroed, type SmokePart } from '../../src/engine/parts.ts';
import { runSmoke } from '../../src/engine/smoke.ts';
import type { SmokeTrace } from '../../src/engine/types.ts';
import { defaultLanes, HEAVY_STEP_MULTIPLY_ADDS, idleWorkerCount, planLanes, runSmokeInWorker, stopIdleWorkers } from '../../src/engine/worker.ts';
import { estimateStepMultiplyAdds, summarizeModel } from '../../src/model/summarize.ts';
import type { LayerSpec, ModelSpec } from '../../src/config/types.ts';

const modelOf = (layers: Omit<LayerSpec, 'name'>[]): ModelSpec => ({
  layers: layers.map((layer, i) => ({ ...layer, name: `layer_${i}` })),
  origin: { kind: 'layers' },
  unsupported: [],
});
import { dense, makeEvidence, makeTable } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { configSmokeOptions } from './fixtures.ts';

/** The trace without what depends on the clock. */
function numbers(trace: SmokeTrace): Omit<SmokeTrace, 'seconds' | 'stepsPerSecond'> {
  const { seconds: _s, stepsPerSecond: _r, ...rest } = trace;
  return rest;
}

describe('smoke run split over workers', () => {
  it('gives the same numbers as one run after another, however the runs are split', async () => {
    const table = makeTable({ rows: 120, features: 3 });
    const evidence = makeEvidence({ ...table, layers: [dense(8, 'relu'), dense(1)], steps: 30 });
    const sequential = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu' });
    assert.ok(sequential.controls.zeroedInputs && sequential.controls.lrRange && sequential.controls.overfit);
    for (const lanes of [2, 4]) {
      const outcome = await runSmokeInWorker(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu' }, { lanes });
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
      assert.deepEqual(numbers(outcome.trace), numbers(sequential), `${lanes} lanes`);
    }
  });

  it('a rate problem: the lower-rate runs side by side give the control the sequential run gives', async () => {
    const table = makeTable({ rows: 120, features: 3 });
    // plain SGD at 0.5 on a deep tanh stack: the main run looks like a rate problem (rateSuspect)
    const evidence = makeEvidence({ ...table, layers: [dense(16, 'tanh'), dense(16, 'tanh'), dense(1)], steps: 40, optimizer: 'sgd', learningRate: 5 });
    const sequential = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu' });
    assert.ok(sequential.controls.lowerRate, 'the sequential run made the lower-rate control');
    const outcome = await runSmokeInWorker(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu' }, { lanes: 2 });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.deepEqual(outcome.trace.controls.lowerRate, sequential.controls.lowerRate);
    assert.deepEqual(numbers(outcome.trace), numbers(sequential));
  });

  it('combines lower-rate runs as the sequential control: up to the first clearly better one; a cut run ends it', () => {
    const main = Array.from({ length: 20 }, () => 1);
    const run = (final: number) => ({ learningRate: 0.1, steps: 20, losses: [final], final });
    assert.deepEqual(
      combineLowerRate(main, 20, [
        { run: run(0.5), cut: false },
        { run: run(0.2), cut: false },
      ]).runs.length,
      1,
    );
    assert.deepEqual(
      combineLowerRate(main, 20, [
        { run: run(0.9), cut: false },
        { run: run(0.2), cut: false },
      ]).runs.length,
      2,
    );
    const cut = combineLowerRate(main, 20, [{ run: run(0.9), cut: false }, { cut: true }]);
    assert.equal(cut.cut, true);
    assert.equal(cut.runs.length, 1);
    assert.equal(combineLowerRate(main, 20, [{ run: run(0.9), cut: false }]).mainFinal, 1);
  });

  it('a worker that finished a run takes the next one, with the same numbers as a fresh worker', async () => {
    const table = makeTable({ rows: 120, features: 3 });
    const first = smokeInputOf(makeEvidence({ ...table, layers: [dense(8, 'relu'), dense(1)], steps: 30 }));
    const second = smokeInputOf(makeEvidence({ ...table, layers: [dense(6, 'tanh'), dense(1)], steps: 25, seed: 4 }));
    const opts = (input: typeof first, steps: number) => ({ backend: 'cpu' as const, steps, seed: input === first ? 0 : 4, timeBudgetS: 60 });
    await stopIdleWorkers();
    const fresh = await runSmokeInWorker(second, opts(second, 25), { lanes: 1 });
    await stopIdleWorkers();
    // one lane: the first run leaves its worker idle, and the second run gets it
    const warmUp = await runSmokeInWorker(first, opts(first, 30), { lanes: 1 });
    assert.equal(idleWorkerCount(), 1);
    const reused = await runSmokeInWorker(second, opts(second, 25), { lanes: 1 });
    assert.equal(idleWorkerCount(), 1, 'the same worker went back to the pool');
    assert.ok(warmUp.ok && fresh.ok && reused.ok);
    assert.deepEqual(numbers(reused.trace), numbers(fresh.trace));
    await stopIdleWorkers();
    assert.equal(idleWorkerCount(), 0);
  });

  it('a worker stopped at its time budget is not reused', async () => {
    const table = makeTable({ rows: 120, features: 3 });
    const input = smokeInputOf(makeEvidence({ ...table, layers: [dense(8, 'relu'), dense(1)], steps: 30 }));
    await stopIdleWorkers();
    // no margin and a budget far shorter than the worker's start-up: the timer stops it
    const outcome = await runSmokeInWorker(input, { backend: 'cpu', steps: 30, seed: 0, timeBudgetS: 0.001 }, { lanes: 1, marginS: 0 });
    assert.equal(outcome.ok, false);
    assert.equal(idleWorkerCount(), 0);
  });

  it('plans the main run first and every control once', () => {
    for (const lanes of [1, 2, 3, 4, 8]) {
      const plan = planLanes(lanes, true);
      assert.equal(plan[0][0], 'main');
      assert.deepEqual(plan.flat().sort(), ['lrRange', 'main', 'overfit', 'zeroed']);
      assert.ok(plan.length <= Math.max(1, lanes));
    }
    assert.deepEqual(planLanes(4, false), [['main']]);
    assert.deepEqual(
      [1, 2, 4, 16].map((cores) => defaultLanes(cores)),
      [1, 1, 4, 4],
    );
    // on 2-3 cores a second worker only for a model whose steps take milliseconds
    assert.deepEqual(
      [1, 2, 3, 4].map((cores) => defaultLanes(cores, HEAVY_STEP_MULTIPLY_ADDS)),
      [1, 2, 2, 4],
    );
    assert.equal(defaultLanes(2, HEAVY_STEP_MULTIPLY_ADDS - 1), 1);
  });

  it("estimates a step's multiply-adds from the layers: dense once per row, convolutions per output pixel", () => {
    const dense = summarizeModel(
      modelOf([
        { type: 'dense', units: 1024 },
        { type: 'dense', units: 4 },
      ]),
      [6],
    );
    assert.equal(estimateStepMultiplyAdds(dense, 32), 32 * (6 * 1024 + 1024 + 1024 * 4 + 4));
    const conv = summarizeModel(modelOf([{ type: 'conv2d', filters: 8, kernel_size: [3, 3], padding: 'same' }]), [10, 10, 1]);
    assert.equal(estimateStepMultiplyAdds(conv, 2), 2 * (9 * 8 + 8) * 100);
    // the 3x1024 stack of multiclass-no-regularization counts as heavy, the 6-64-32-1 MLP does not
    const wide = summarizeModel(modelOf([1024, 1024, 1024, 4].map((units) => ({ type: 'dense', units }))), [6]);
    const small = summarizeModel(modelOf([64, 32, 1].map((units) => ({ type: 'dense', units }))), [6]);
    assert.ok(estimateStepMultiplyAdds(wide, 32) >= HEAVY_STEP_MULTIPLY_ADDS);
    assert.ok(estimateStepMultiplyAdds(small, 32) < HEAVY_STEP_MULTIPLY_ADDS / 100);
  });

  it("compares a longer zeroed run over the main run's steps, and refuses a cut or too short one", () => {
    const real = Array.from({ length: 30 }, (_, i) => 1 / (i + 1));
    const zeroedLosses = Array.from({ length: 50 }, () => 1);
    const compared = compareZeroed(real, { steps: 50, stepsRun: 50, losses: zeroedLosses, cut: false });
    assert.equal(compared.control?.zeroedLosses.length, 30);
    assert.ok(compared.control!.pValue < 0.05);
    assert.match(compareZeroed(real, { steps: 50, stepsRun: 25, losses: zeroedLosses.slice(0, 25), cut: true }).skipped ?? '', /25 of 30/);
    assert.match(compareZeroed(real.slice(0, 10), { steps: 50, stepsRun: 50, losses: zeroedLosses, cut: false }).skipped ?? '', /10 steps/);
  });

  it('lists a skip that every part recorded once', () => {
    const skip = { what: 'smoke run', reason: "layer 'x' cannot be built" };
    const part = (seconds: number): SmokePart => ({
      trace: {
        backend: 'cpu',
        seed: 0,
        steps: 0,
        plannedSteps: 10,
        seconds,
        stepsPerSecond: 0,
        batchSize: 0,
        learningRate: 0.01,
        loss: [],
        valLoss: [],
        probeSteps: [],
        initialLoss: NaN,
        layers: [],
        init: { layerNames: [], activationStd: [], gradNorm: [] },
        controls: { baseline: { kind: 'mean', loss: NaN } },
        skipped: [skip],
      },
    });
    const merged = mergeSmokeParts(part(1), [part(3), part(2)]);
    assert.deepEqual(merged.skipped, [skip]);
    assert.equal(merged.seconds, 3);
  });
});
