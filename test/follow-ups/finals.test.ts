import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareFinals, finalLossAtStep, lossUnitsDiffer, MIN_RELATIVE_CHANGE, NOISE_FACTOR, pooledStd } from '../../src/follow-ups/finals.ts';
import { mean } from '../../src/engine/stats.ts';
import { describeBar } from '../../src/evidence/comparison.ts';
import type { PreflightConfig } from '../../src/config/types.ts';

describe('finalLossAtStep', () => {
  it('averages the last 10% of the first `steps` steps', () => {
    const loss = Array.from({ length: 200 }, (_, i) => i);
    // steps 90..99 of the first 100
    assert.equal(finalLossAtStep(loss, 100), 94.5);
    assert.equal(finalLossAtStep([5, 4, 3], 3), 3);
  });

  it('is Infinity when the run became non-finite, even when it stopped early', () => {
    assert.equal(finalLossAtStep([1, 2, Number.NaN], 100), Number.POSITIVE_INFINITY);
    assert.equal(finalLossAtStep([1, Number.POSITIVE_INFINITY, 3, 4], 4), Number.POSITIVE_INFINITY);
  });

  it('is undefined for a finite run shorter than asked', () => {
    assert.equal(finalLossAtStep([1, 2, 3], 10), undefined);
    assert.equal(finalLossAtStep([1, 2, 3], 0), undefined);
  });
});

describe('pooledStd', () => {
  it('pools the within-group variance', () => {
    // Each group has variance 1 around its own mean; the different means must not count.
    assert.equal(
      pooledStd([
        [1, 2, 3],
        [11, 12, 13],
      ]),
      1,
    );
    assert.ok(Number.isNaN(pooledStd([[1], [2]])));
  });
});

describe('compareFinals', () => {
  const base = [1.0, 1.1, 0.9];
  const logNoise = (a: number[], b: number[]) => pooledStd([a.map(Math.log), b.map(Math.log)]);

  it('compares the log of the finals: a head clearly above the seed noise is a regression, below an improvement', () => {
    const head = base.map((v) => v * 3);
    const result = compareFinals(base, head);
    assert.equal(result.scale, 'log');
    assert.equal(result.verdict, 'regression');
    assert.equal(compareFinals(head, base).verdict, 'improvement');
    assert.ok(Math.abs(result.threshold - NOISE_FACTOR * logNoise(base, head)) < 1e-12);
    assert.ok(Math.abs(result.ratio! - 3) < 1e-9, String(result.ratio));
    assert.ok(Math.abs(result.difference - 2) < 1e-12);
  });

  it('leaves a shift within 3 seed standard deviations of ln(loss) unchanged', () => {
    // ln-std about 0.1, so the bar is about x1.35; x1.2 stays below it.
    assert.equal(
      compareFinals(
        base,
        base.map((v) => v * 1.2),
      ).verdict,
      'unchanged',
    );
  });

  it('does not let a noisy side hide a loss thousands of times worse (the raw-units bar would)', () => {
    const tight = [0.00333, 0.00281, 0.00308];
    const noisy = [30.5, 8.52, 6.93];
    const linearNoise = pooledStd([tight, noisy]);
    assert.ok(mean(noisy) - mean(tight) < NOISE_FACTOR * linearNoise, 'in raw units the difference is inside 3 pooled std');
    const result = compareFinals(tight, noisy);
    assert.equal(result.verdict, 'regression');
    assert.ok(result.ratio! > 1000);
  });

  it('needs at least a factor of 1.05 even when the seeds agree exactly', () => {
    const same = [2, 2, 2];
    assert.equal(
      compareFinals(
        same,
        same.map((v) => v * (1 + MIN_RELATIVE_CHANGE / 2)),
      ).verdict,
      'unchanged',
    );
    assert.equal(
      compareFinals(
        same,
        same.map((v) => v * (1 + MIN_RELATIVE_CHANGE * 2)),
      ).verdict,
      'regression',
    );
  });

  it('falls back to raw differences when a final is at zero', () => {
    const withZero = [0, 0.1, 0.05];
    const result = compareFinals(
      withZero,
      withZero.map((v) => v + 1),
    );
    assert.equal(result.scale, 'linear');
    assert.equal(result.ratio, undefined);
    assert.equal(result.verdict, 'regression');
    assert.ok(Math.abs(result.threshold - NOISE_FACTOR * pooledStd([withZero, withZero.map((v) => v + 1)])) < 1e-12);
    assert.equal(
      compareFinals(
        withZero,
        withZero.map((v) => v + 0.01),
      ).verdict,
      'unchanged',
    );
  });

  it('treats divergence on one side only as decisive, and on both as inconclusive', () => {
    const diverged = [Number.POSITIVE_INFINITY, 1, 1];
    assert.equal(compareFinals(base, diverged).verdict, 'regression');
    assert.equal(compareFinals(diverged, base).verdict, 'improvement');
    assert.equal(compareFinals(diverged, diverged).verdict, 'inconclusive');
  });

  it('is inconclusive with fewer than two seeds on a side', () => {
    assert.equal(compareFinals([1], base).verdict, 'inconclusive');
  });
});

describe('describeBar', () => {
  it('states the ratio and the bar as factors on the log scale, and raw numbers on the linear one', () => {
    const format = (n: number | undefined) => (n === undefined ? '?' : n.toPrecision(3));
    const log = describeBar(
      compareFinals(
        base3(),
        base3().map((v) => v * 3),
      ),
      format,
    );
    assert.match(log, /head\/base x3\.00/);
    assert.match(log, /counts beyond x1\.\d\d either way/);
    const linear = describeBar(compareFinals([0, 0.1, 0.05], [1, 1.1, 1.05]), format);
    assert.match(linear, /difference 1\.00; seed noise \(pooled std\) 0\.05\d*; a change counts beyond 0\.15/);
  });
});

function base3() {
  return [1.0, 1.1, 0.9];
}

describe('lossUnitsDiffer', () => {
  const config = (loss: string, targets: PreflightConfig['preprocessing']['targets']) =>
    ({ training: { loss }, preprocessing: { inputs: 'none', targets } }) as unknown as PreflightConfig;
  it('is true only when the loss or the target scaling changes', () => {
    assert.equal(lossUnitsDiffer(config('mean_squared_error', 'none'), config('mean_squared_error', 'none')), false);
    assert.equal(lossUnitsDiffer(config('mean_squared_error', 'none'), config('mean_squared_error', 'standardize')), true);
    assert.equal(lossUnitsDiffer(config('mean_squared_error', 'none'), config('mean_absolute_error', 'none')), true);
  });
});
