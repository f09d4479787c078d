// Runs the smoke run in worker threads so that a runaway model (too slow, too large) can be stopped:
// each worker is terminated at the time budget plus a margin, and its heap is capped. The main run and
// the control runs are independent given the evidence, so on a machine with enough cores they run in
// parallel workers (lanes) and their parts are merged into one trace.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SmokeInput } from './input.ts';
import { estimateStepMultiplyAdds } from '../model/summarize.ts';
import type { SmokeTrace } from './types.ts';
import type { SmokeOptions } from './smoke.ts';
import { combineLowerRate, LOWER_RATE_FACTORS, lowerRateSteps, mergeSmokeParts, rateSuspect, SMOKE_RUNS, type SmokePart, type SmokeRunName } from './parts.ts';
import type { SmokeRequest } from './worker-entry.ts';

export type WorkerOutcome = { ok: true; trace: SmokeTrace } | { ok: false; reason: string };

export interface WorkerLimits {
  /** seconds allowed beyond the time budget (backend start-up, the last step in flight) */
  marginS: number;
  /** old-generation heap cap of each worker, in MB */
  maxHeapMb: number;
  /** workers the smoke run may spread over; defaultLanes() when absent */
  lanes?: number;
}

/** One lane per run: more workers than runs would only idle. */
export const MAX_LANES = 4;
/**
 * Fewest cores for running the controls beside the main run whatever the model. Measured on 2 cores
 * (BENCHMARKS.md): for a small model no wall-time gain, since each extra worker costs 0.5-1 CPU-second to
 * start (bundle parse, WASM compile, JIT warm-up in its own isolate).
 */
export const MIN_CORES_FOR_LANES = 4;
/**
 * From this many multiply-adds per forward pass of a batch (estimateStepMultiplyAdds) the controls, about
 * as many steps as the main run, take seconds; then a second worker on a second core halves the wall time
 * and its start-up is small beside it. 10M is a 3x512 dense stack at batch 32, about 5 ms a step here.
 */
export const HEAVY_STEP_MULTIPLY_ADDS = 10_000_000;

/** Lanes when none are set: one per run from 4 cores; on 2-3 cores two for a heavy model, else one. */
export function defaultLanes(cores: number = os.availableParallelism(), stepMultiplyAdds = 0): number {
  if (cores >= MIN_CORES_FOR_LANES) return Math.min(cores, MAX_LANES);
  return cores >= 2 && stepMultiplyAdds >= HEAVY_STEP_MULTIPLY_ADDS ? 2 : 1;
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

type PartOutcome = { ok: true; part: SmokePart } | { ok: false; reason: string };

/**
 * Which runs each worker does. The main run always leads the first lane; on two cores the three controls
 * (about as many steps together as the probed main run) share the second.
 */
export function planLanes(lanes: number, withControls: boolean): SmokeRunName[][] {
  if (!withControls) return [['main']];
  if (lanes <= 1) return [[...SMOKE_RUNS]];
  if (lanes === 2) return [['main'], ['overfit', 'zeroed', 'lrRange']];
  if (lanes === 3) return [['main'], ['overfit'], ['zeroed', 'lrRange']];
  return [['main'], ['overfit'], ['zeroed'], ['lrRange']];
}

export async function runSmokeInWorker(input: SmokeInput, opts: SmokeOptions, limits: Partial<WorkerLimits> = {}): Promise<WorkerOutcome> {
  const settled = { ...DEFAULT_WORKER_LIMITS, ...limits };
  const started = performance.now();
  const work = estimateStepMultiplyAdds(input.summary, input.training.batch_size);
  const lanes = planLanes(limits.lanes ?? defaultLanes(os.availableParallelism(), work), opts.controls !== false);
  // With lanes, the lower-rate control's runs go side by side after the main run, not one after another in its worker.
  const lowerRateBeside = lanes.length > 1;
  // A heavy model's main run, the longest part, splits its large products with a helper thread once the
  // controls beside it are done and their cores free. Not with one lane asked for (one thread it is), and
  // not for a run without controls (the follow-up runs, which run side by side already).
  const productThreads = limits.lanes !== 1 && opts.controls !== false && os.availableParallelism() >= 2 && work >= HEAVY_STEP_MULTIPLY_ADDS ? 2 : 1;
  const othersDone = new Int32Array(new SharedArrayBuffer(4));
  const running = lanes.map((runs, lane) =>
    runPartInWorker(input, { ...opts, lowerRateBeside, ...(lane === 0 ? { productThreads, otherCoresFree: othersDone } : {}) }, runs, settled),
  );
  void Promise.all(running.slice(1)).then(() => Atomics.store(othersDone, 0, 1));
  const [main, ...others] = await Promise.all(running);
  if (!main.ok) return main;
  const parts: SmokePart[] = [];
  const failures: SmokeTrace['skipped'] = [];
  others.forEach((outcome, i) => {
    if (outcome.ok) parts.push(outcome.part);
    else failures.push({ what: `control runs (${lanes[i + 1].join(', ')})`, reason: outcome.reason });
  });
  const trace = mergeSmokeParts(main.part, parts);
  trace.skipped.push(...failures);
  if (lowerRateBeside) await addLowerRateControl(trace, input, opts, settled, started);
  return { ok: true, trace };
}

/**
 * The lower-rate control of smoke.ts, when the main run looks like a rate problem: its runs (one per
 * LOWER_RATE_FACTORS entry) in workers side by side, combined as the sequential control would have them.
 * Every run is seeded, so the result is the one-after-another result; only a run the sequential control
 * would have skipped costs CPU time here.
 */
async function addLowerRateControl(trace: SmokeTrace, input: SmokeInput, opts: SmokeOptions, limits: WorkerLimits, started: number): Promise<void> {
  const leftS = opts.timeBudgetS - (performance.now() - started) / 1000;
  if (opts.controls === false || trace.steps === 0 || !rateSuspect(trace, input.training.optimizer.name) || leftS <= 0) return;
  const steps = lowerRateSteps(trace);
  const outcomes = await Promise.all(
    LOWER_RATE_FACTORS.map((factor) => runPartInWorker(input, { ...opts, timeBudgetS: leftS, lowerRate: { factor, steps } }, ['lowerRate'], limits)),
  );
  const results = outcomes.map((outcome) => {
    const control = outcome.ok ? outcome.part.trace.controls.lowerRate : undefined;
    return { run: control?.runs[0], cut: !control?.complete };
  });
  const { cut, ...lowerRate } = combineLowerRate(trace.loss, steps, results);
  if (lowerRate.runs.length > 0) trace.controls.lowerRate = { ...lowerRate, complete: !cut };
  if (cut) trace.skipped.push({ what: 'control: lower learning rate (cut short)', reason: `time budget of ${opts.timeBudgetS}s` });
  trace.seconds = Math.max(trace.seconds, (performance.now() - started) / 1000);
}

/**
 * Workers that finished a run wait here, unreferenced (they never keep the process alive), for the next
 * one: a fresh worker spends 0.2-0.3 s on start-up (bundle parse, WASM compile, backend trial, JIT
 * warm-up), a reused one none. Only a worker that reported normally comes back; one stopped at its
 * budget, out of memory or crashed is terminated. Every run builds its own seeded models, so which
 * worker runs it changes no number (test/engine/parts.test.ts compares fresh and reused workers).
 */
const idleWorkers: { worker: Worker; maxHeapMb: number; onExit: () => void }[] = [];

function takeWorker(maxHeapMb: number): Worker {
  const index = idleWorkers.findIndex((idle) => idle.maxHeapMb === maxHeapMb);
  if (index < 0) return startWorker({ maxOldGenerationSizeMb: maxHeapMb });
  const [idle] = idleWorkers.splice(index, 1);
  idle.worker.off('exit', idle.onExit);
  idle.worker.ref();
  return idle.worker;
}

function releaseWorker(worker: Worker, maxHeapMb: number): void {
  if (idleWorkers.length >= MAX_LANES) {
    void worker.terminate();
    return;
  }
  worker.unref();
  // a worker that dies while idle leaves the pool
  const onExit = () => {
    const index = idleWorkers.findIndex((idle) => idle.worker === worker);
    if (index >= 0) idleWorkers.splice(index, 1);
  };
  worker.once('exit', onExit);
  idleWorkers.push({ worker, maxHeapMb, onExit });
}

/**
 * Starts `count` workers ahead of the smoke runs (while the static checks and data loading keep the
 * main thread busy), so the first smoke run does not wait for a worker's start-up.
 */
export function prewarmWorkers(count: number, maxHeapMb: number = DEFAULT_WORKER_LIMITS.maxHeapMb): void {
  let missing = Math.min(count, MAX_LANES) - idleWorkers.filter((idle) => idle.maxHeapMb === maxHeapMb).length;
  while (missing-- > 0) {
    const worker = startWorker({ maxOldGenerationSizeMb: maxHeapMb });
    releaseWorker(worker, maxHeapMb);
  }
}

/** Workers waiting in the pool. */
export function idleWorkerCount(): number {
  return idleWorkers.length;
}

/** Stops the idle workers (tests; the CLI's process exit stops them anyway). */
export async function stopIdleWorkers(): Promise<void> {
  const stopping = idleWorkers.splice(0).map((idle) => idle.worker.terminate());
  await Promise.all(stopping);
}

function runPartInWorker(input: SmokeInput, opts: SmokeOptions, runs: SmokeRunName[], limits: WorkerLimits): Promise<PartOutcome> {
  const { marginS, maxHeapMb } = limits;
  const budgetS = opts.timeBudgetS;

  return new Promise((resolve) => {
    let settled = false;
    const worker = takeWorker(maxHeapMb);
    const settle = (outcome: PartOutcome, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reusable) releaseWorker(worker, maxHeapMb);
      else void worker.terminate();
    };
    const timer = setTimeout(
      () => {
        settle({ ok: false, reason: `the smoke run did not finish within its ${budgetS}s budget plus ${marginS}s and was stopped` }, false);
      },
      (budgetS + marginS) * 1000,
    );

    const onMessage = (outcome: PartOutcome) => settle(outcome, true);
    const onError = (error: Error) => {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle(
        {
          ok: false,
          reason: outOfMemory ? `the smoke run ran out of memory (heap capped at ${maxHeapMb} MB)` : `the smoke run failed: ${error.message}`,
        },
        false,
      );
    };
    const onExit = (code: number) => settle({ ok: false, reason: `the smoke worker exited with code ${code} before reporting` }, false);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ input, opts, runs } satisfies SmokeRequest);
  });
}
