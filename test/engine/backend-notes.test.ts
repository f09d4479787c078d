// Nothing falls back silently: the trace says how its backend was chosen.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runSmoke } from '../../src/engine/smoke.ts';
import { smokeSummary } from '../../src/report/build.ts';
import { dense, makeEvidence, makeTable } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { configSmokeOptions } from './fixtures.ts';

it('auto records the tfjs-node fallback and the WASM set-up in the trace and the JSON summary', async (t) => {
  const table = makeTable({ rows: 64, features: 3 });
  const evidence = makeEvidence({ ...table, layers: [dense(8, 'relu'), dense(1)], steps: 5 });
  const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'auto', controls: false });
  if (trace.backend === 'tensorflow') return t.skip('tfjs-node is installed with its native library here: no fallback to record');
  assert.equal(trace.backend, 'wasm', 'tfjs-node has no native binary here, so auto lands on WASM');
  assert.ok(trace.backendNotes && trace.backendNotes.some((note) => /tfjs-node|tensorflow/i.test(note)), JSON.stringify(trace.backendNotes));
  assert.ok(
    trace.backendNotes.some((note) => /SIMD/i.test(note)),
    JSON.stringify(trace.backendNotes),
  );
  assert.deepEqual(smokeSummary(trace).backend_notes, trace.backendNotes);
});
