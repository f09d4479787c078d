// Runs smoke runs, or named parts of them, inside a worker thread, one request at a time, and posts back
// each result (or why there is none). The worker stays for the next request (worker.ts keeps a pool).
import { parentPort } from 'node:worker_threads';
import type { SmokeInput } from './input.ts';
import { runSmoke, runSmokePart, type SmokeOptions } from './smoke.ts';
import type { SmokeRunName } from './parts.ts';

export interface SmokeRequest {
  input: SmokeInput;
  opts: SmokeOptions;
  /** the runs this worker does; all of them, in one trace, when absent */
  runs?: SmokeRunName[];
}

parentPort?.on('message', async (request: SmokeRequest) => {
  try {
    if (request.runs) {
      parentPort?.postMessage({ ok: true, part: await runSmokePart(request.input, request.opts, request.runs) });
    } else {
      parentPort?.postMessage({ ok: true, trace: await runSmoke(request.input, request.opts) });
    }
  } catch (error) {
    parentPort?.postMessage({ ok: false, reason: error instanceof Error ? error.message : String(error) });
  }
});
