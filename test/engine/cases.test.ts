// The smoke run on labelled example cases: each broken setup shows the signal its check relies on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSmoke } from '../../src/engine/smoke.ts';
import { loadCase } from './case-loader.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import type { Evidence } from '../../src/evidence/types.ts';
import { configSmokeOptions } from './fixtures.ts';

const quickRun = (evidence: Evidence) => runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });

describe('smoke run on example cases', () => {
  it('regression-clean: the loss falls', async () => {
    const trace = await quickRun(loadCase('regression-clean', 60));
    const tail = trace.loss.slice(-10).reduce((a, b) => a + b) / 10;
    assert.equal(trace.firstNonFinite, undefined);
    assert.ok(tail < 0.5 * trace.initialLoss, `loss ${trace.initialLoss} -> ${tail}`);
  });

  it('regression-lr-too-high: divergence, a non-finite value or oversized updates', async () => {
    const trace = await quickRun(loadCase('regression-lr-too-high', 60));
    const finite = trace.loss.filter(Number.isFinite);
    const diverged = Math.max(...finite) >= 2 * Math.min(...finite);
    const bigUpdates = trace.layers.some((l) => l.updateRatio.some((r) => r > 0.1));
    assert.ok(trace.firstNonFinite !== undefined || diverged || bigUpdates);
  });

  it('regression-dead-relu: most first-layer units never activate', async () => {
    const trace = await quickRun(loadCase('regression-dead-relu', 20));
    assert.ok(trace.layers[0].deadFraction! > 0.5, `dead fraction ${trace.layers[0].deadFraction}`);
  });

  it('regression-too-deep-sigmoid: the first layer gets almost no gradient at initialization', async () => {
    const trace = await quickRun(loadCase('regression-too-deep-sigmoid', 5));
    const norms = trace.init.gradNorm;
    assert.ok(norms[0] / norms[norms.length - 1] < 1e-3, `first/last ${norms[0] / norms[norms.length - 1]}`);
  });
});
