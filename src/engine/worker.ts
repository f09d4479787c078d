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

/** From source (tsx) the .ts entry runs directly; the bundle ships it as smoke-worker.js beside cli.js. */
function workerEntry(): { url: URL; execArgv: string[] } {
  if (import.meta.url.endsWith('.ts')) return { url: new URL('./worker-entry.ts', import.meta.url), execArgv: ['--import', 'tsx'] };
  return { url: new URL('./smoke-worker.js', import.meta.url), execArgv: [] };
}

export function runSmokeInWorker(evidence: Evidence, opts: SmokeOptions, limits: Partial<WorkerLimits> = {}): Promise<WorkerOutcome> {
  const { marginS, maxHeapMb } = { ...DEFAULT_WORKER_LIMITS, ...limits };
  const budgetS = opts.timeBudgetS ?? evidence.config.smoke.time_budget_s;
  const { url, execArgv } = workerEntry();

  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(url, { execArgv, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
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
