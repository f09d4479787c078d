// Runs one smoke run, or named parts of one, inside a worker thread and posts back the result (or why there is none).
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

parentPort?.once('message', async (request: SmokeRequest) => {
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
