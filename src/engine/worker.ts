// Runs the smoke run in a worker thread so that a runaway model (too slow, too large) can be stopped:
// the worker is terminated at the time budget plus a margin, and its heap is capped.
import { Worker } from 'node:worker_threads';
import type { Evidence } from '../evidence/types.ts';
import type { SmokeTrace } from './types.ts';
import type { SmokeOptions } from './smoke.ts';

export type WorkerOutcome = { ok: true; trace: SmokeTrace } | { ok: false; reason: string };

export interface WorkerLimits {
  /** seconds allowed beyond the time budget (backend start-up, the last step in flight) */
  marginS: number;
  /** old-generation heap cap of the worker, in MB */
  maxHeapMb: number;
}

export const DEFAULT_WORKER_LIMITS: WorkerLimits = { marginS: 15, maxHeapMb: 2048 };

/**
 * From source (under tsx) the worker registers tsx itself, since loader flags in a worker's execArgv
 * are not honoured on every Node 20 release; the bundle ships the entry as smoke-worker.js beside cli.js.
 */
function startWorker(resourceLimits: { maxOldGenerationSizeMb: number }): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./smoke-worker.js', import.meta.url), { resourceLimits });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

export function runSmokeInWorker(evidence: Evidence, opts: SmokeOptions, limits: Partial<WorkerLimits> = {}): Promise<WorkerOutcome> {
  const { marginS, maxHeapMb } = { ...DEFAULT_WORKER_LIMITS, ...limits };
  const budgetS = opts.timeBudgetS ?? evidence.config.smoke.time_budget_s;

  return new Promise((resolve) => {
    let settled = false;
    const worker = startWorker({ maxOldGenerationSizeMb: maxHeapMb });
    const settle = (outcome: WorkerOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      void worker.terminate();
    };
    const timer = setTimeout(() => {
      settle({ ok: false, reason: `the smoke run did not finish within its ${budgetS}s budget plus ${marginS}s and was stopped` });
    }, (budgetS + marginS) * 1000);

    worker.on('message', (outcome: WorkerOutcome) => settle(outcome));
    worker.on('error', (error) => {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle({ ok: false, reason: outOfMemory ? `the smoke run ran out of memory (heap capped at ${maxHeapMb} MB)` : `the smoke run failed: ${error.message}` });
    });
    worker.on('exit', (code) => settle({ ok: false, reason: `the smoke worker exited with code ${code} before reporting` }));
    worker.postMessage({ evidence, opts });
  });
}
