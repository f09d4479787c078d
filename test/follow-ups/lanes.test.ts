// The lane count decides how many smoke runs go at once (the controls beside the main run, follow-up runs
// side by side), never what they find: a config checked with one lane and with several must give the same
// findings and the same traces. The lane count is a setting, so this needs no real cores.
import path from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/checks/types.ts';
import { budgetFrom, followUpConcurrency, runSmokes, type RunOutcome, type SmokeRequest } from '../../src/follow-ups/smoke-runs.ts';
import type { SmokeTrace } from '../../src/engine/types.ts';
import type { Evidence } from '../../src/evidence/types.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

/** The trace without what depends on the clock. */
function numbers(trace: SmokeTrace | undefined): unknown {
  if (!trace) return undefined;
  const { seconds: _s, stepsPerSecond: _r, ...rest } = trace;
  return rest;
}

describe('runSmokes', () => {
  const requests = Array.from({ length: 5 }, (_, seed): SmokeRequest => ({ evidence: {} as Evidence, seed, steps: 10 }));

  for (const lanes of [1, 3]) {
    it(`runs ${lanes} at a time and returns the outcomes in request order`, async () => {
      let inFlight = 0;
      let most = 0;
      const outcomes = await runSmokes(requests, budgetFrom('cpu', 60, 30, { lanes }), async (request) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Later requests finish first, so the order must come from the slots, not from completion.
        await new Promise((resolve) => setTimeout(resolve, 5 * (requests.length - request.seed)));
        inFlight--;
        return { ok: false, reason: `seed ${request.seed}` } satisfies RunOutcome;
      });
      assert.equal(most, lanes);
      assert.deepEqual(
        outcomes.map((o) => (o.ok ? '' : o.reason)),
        requests.map((r) => `seed ${r.seed}`),
      );
    });
  }

  it('takes the lane setting as given, and by default at least two and one per lane from 4 cores up', () => {
    assert.equal(followUpConcurrency(1, 16), 1);
    assert.equal(followUpConcurrency(3, 1), 3);
    assert.equal(followUpConcurrency(undefined, 2), 2);
    assert.equal(followUpConcurrency(undefined, 4), 4);
    assert.equal(followUpConcurrency(undefined, 64), 4);
  });
});

describe('a whole check with one lane and with several', () => {
  // Raw inputs and raw targets: two fix checks side by side, then both fixes combined, on a small model;
  // the main run with its control runs split over the lanes.
  const folder = path.join(SHARED_CASES_DIR, 'regression-raw-units');
  const config = path.join(folder, 'preflight.yml');
  const check = (lanes: number) =>
    runOneConfig(config, { root: folder, configs: [config], smoke: true, backend: 'wasm', failOn: 'never', timeBudgetS: 300, lanes });

  it('gives the same findings and traces', async () => {
    const sequential = await check(1);
    const fixChecks = new Set(
      sequential.result.findings.map((f: Finding) => (f.evidence?.fix_check as { change?: string } | undefined)?.change).filter(Boolean),
    );
    assert.ok(fixChecks.size >= 2, 'the fixture needs fix checks that run side by side');
    assert.ok(sequential.trace?.controls.overfit && sequential.trace.controls.lrRange, 'the fixture needs control runs');
    for (const lanes of [3]) {
      const parallel = await check(lanes);
      assert.deepEqual(parallel.result.findings, sequential.result.findings, `${lanes} lanes: findings`);
      assert.deepEqual(numbers(parallel.trace), numbers(sequential.trace), `${lanes} lanes: trace`);
    }
  });
});
