// Runs one smoke run inside a worker thread and posts back the trace (or why there is none).
import { parentPort } from 'node:worker_threads';
import type { Evidence } from '../evidence/types.ts';
import { runSmoke, type SmokeOptions } from './smoke.ts';

export interface SmokeRequest {
  evidence: Evidence;
  opts: SmokeOptions;
}

parentPort?.once('message', async (request: SmokeRequest) => {
  try {
    const trace = await runSmoke(request.evidence, request.opts);
    parentPort?.postMessage({ ok: true, trace });
  } catch (error) {
    parentPort?.postMessage({ ok: false, reason: error instanceof Error ? error.message : String(error) });
  }
});
