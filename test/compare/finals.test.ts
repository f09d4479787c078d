import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareFinals, finalLoss, lossUnitsDiffer, MIN_RELATIVE_CHANGE, NOISE_FACTOR, pooledStd } from '../../src/compare/finals.ts';
import type { PreflightConfig } from '../../src/config/types.ts';

describe('finalLoss', () => {
  it('averages the last 10% of the first `steps` steps', () => {
    const loss = Array.from({ length: 200 }, (_, i) => i);
    // steps 90..99 of the first 100
    assert.equal(finalLoss(loss, 100), 94.5);
    assert.equal(finalLoss([5, 4, 3], 3), 3);
  });

  it('is Infinity when the run became non-finite, even when it stopped early', () => {
    assert.equal(finalLoss([1, 2, Number.NaN], 100), Number.POSITIVE_INFINITY);
    assert.equal(finalLoss([1, Number.POSITIVE_INFINITY, 3, 4], 4), Number.POSITIVE_INFINITY);
  });

  it('is undefined for a finite run shorter than asked', () => {
    assert.equal(finalLoss([1, 2, 3], 10), undefined);
    assert.equal(finalLoss([1, 2, 3], 0), undefined);
  });
});

describe('pooledStd', () => {
  it('pools the within-group variance', () => {
    // Each group has variance 1 around its own mean; the different means must not count.
    assert.equal(pooledStd([[1, 2, 3], [11, 12, 13]]), 1);
    assert.ok(Number.isNaN(pooledStd([[1], [2]])));
  });
});

describe('compareFinals', () => {
  const base = [1.0, 1.1, 0.9];

  it('calls a head clearly above the seed noise a regression, and below an improvement', () => {
    const noise = pooledStd([base, base.map((v) => v + 1)]);
    assert.equal(compareFinals(base, base.map((v) => v + 1)).verdict, 'regression');
    assert.equal(compareFinals(base.map((v) => v + 1), base).verdict, 'improvement');
    const result = compareFinals(base, base.map((v) => v + 1));
    assert.ok(Math.abs(result.threshold - NOISE_FACTOR * noise) < 1e-12);
    assert.ok(Math.abs(result.difference - 1) < 1e-12);
  });

  it('leaves a difference within 3 seed standard deviations unchanged', () => {
    // std 0.1, so the bar is 0.3; a shift of 0.2 stays below it.
    assert.equal(compareFinals(base, base.map((v) => v + 0.2)).verdict, 'unchanged');
  });

  it('needs at least 5% of the base even when the seeds agree exactly', () => {
    const same = [2, 2, 2];
    assert.equal(compareFinals(same, same.map((v) => v * (1 + MIN_RELATIVE_CHANGE / 2))).verdict, 'unchanged');
    assert.equal(compareFinals(same, same.map((v) => v * (1 + MIN_RELATIVE_CHANGE * 2))).verdict, 'regression');
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

describe('lossUnitsDiffer', () => {
  const config = (loss: string, targets: PreflightConfig['preprocessing']['targets']) =>
    ({ training: { loss }, preprocessing: { inputs: 'none', targets } }) as unknown as PreflightConfig;
  it('is true only when the loss or the target scaling changes', () => {
    assert.equal(lossUnitsDiffer(config('mean_squared_error', 'none'), config('mean_squared_error', 'none')), false);
    assert.equal(lossUnitsDiffer(config('mean_squared_error', 'none'), config('mean_squared_error', 'standardize')), true);
    assert.equal(lossUnitsDiffer(config('mean_squared_error', 'none'), config('mean_absolute_error', 'none')), true);
  });
});
