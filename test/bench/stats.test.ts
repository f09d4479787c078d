// The benchmark's bookkeeping: medians and spread, ratios taken within a repeat, and busy figures marked
// so that --publish refuses them. Numbers here are made up; no timing is measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBusy, summarize, type LoadWindow } from '../../bench/stats.ts';
import { summarizeTraining, type OurSeries, type TfjsModelSpeed, type TorchSeries } from '../../bench/training.ts';

const quiet = (load = 0.5): LoadWindow => ({ before: load, after: load, cores: 2, busy: isBusy(load, 2) });

function ours(repeat: number, stepsPerS: number, load: LoadWindow): OurSeries['samples'][number] {
  const loop = { stepsPerS, timedSteps: 100, engine: 'compiled' };
  const value: TfjsModelSpeed = { model: 'mlp', backend: 'wasm', engine: 'compiled', smoke: loop, plain: { ...loop, stepsPerS: stepsPerS * 1.5 } };
  return { repeat, value, load };
}

test('summarize: median, range and spread; odd and even counts; non-finite values left out', () => {
  assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3, spread: 1, n: 3 });
  assert.equal(summarize([4, 1, 2, 3])?.median, 2.5);
  assert.equal(summarize([Number.NaN, 5])?.n, 1);
  assert.equal(summarize([]), undefined);
});

test('a load above the core count is busy; at the core count it is not', () => {
  assert.equal(isBusy(2, 2), false);
  assert.equal(isBusy(2.01, 2), true);
});

test('ratios are paired within each repeat, and one busy measurement makes the figure busy', () => {
  const torch: TorchSeries = {
    model: 'mlp',
    samples: [
      { repeat: 0, value: { model: 'mlp', stepsPerS: 100, timedSteps: 100 }, load: quiet() },
      { repeat: 1, value: { model: 'mlp', stepsPerS: 400, timedSteps: 100 }, load: quiet() },
      { repeat: 2, value: { model: 'mlp', stepsPerS: 200, timedSteps: 100 }, load: quiet() },
    ],
  };
  const series: OurSeries = { model: 'mlp', variant: 'wasm/auto', samples: [ours(0, 200, quiet()), ours(1, 400, quiet()), ours(2, 300, quiet())] };
  const [summary] = summarizeTraining({ ours: [series], torch: [torch] });
  // per repeat: 2.0, 1.0, 1.5 -> median 1.5 (the ratio of the medians would be 300 / 200 = 1.5 too, but from other pairs)
  assert.deepEqual(summary.ratio, { median: 1.5, min: 1, max: 2, spread: 1 / 1.5, n: 3 });
  assert.equal(summary.engine, 'compiled');
  assert.equal(summary.busy, false);

  const busySeries: OurSeries = { ...series, samples: [ours(0, 200, quiet()), ours(1, 400, quiet(3.5)), ours(2, 300, quiet())] };
  const [busy] = summarizeTraining({ ours: [busySeries], torch: [torch] });
  assert.equal(busy.busy, true);
  assert.equal(busy.maxLoad, 3.5);
});
