import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSmokeInWorker, stopIdleWorkers } from '../../src/engine/worker.ts';
import { dense, makeEvidence, makeTable } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { configSmokeOptions } from './fixtures.ts';

describe('runSmokeInWorker', () => {
  it('returns the trace computed in a worker thread', async () => {
    const table = makeTable({ rows: 80, features: 3 });
    const evidence = makeEvidence({ ...table, layers: [dense(8, 'relu'), dense(1)], steps: 12 });
    const outcome = await runSmokeInWorker(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
    assert.equal(outcome.trace.steps, 12);
    assert.equal(outcome.trace.loss.length, 12);
  });

  it('terminates a worker that outlives its budget', async () => {
    const table = makeTable({ rows: 80, features: 3 });
    const evidence = makeEvidence({ ...table, layers: [dense(8, 'relu'), dense(1)], steps: 1_000_000 });
    // A fresh worker (none left idle by the test above), no margin and a budget far shorter than the worker's
    // start-up: it cannot report in time.
    await stopIdleWorkers();
    const started = performance.now();
    const outcome = await runSmokeInWorker(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', timeBudgetS: 0.02 }, { marginS: 0 });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.reason, /budget.*stopped/);
    assert.ok(performance.now() - started < 3000);
  });
});
