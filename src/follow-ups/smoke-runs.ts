// Extra smoke runs (other seeds, the base version, fixed variants) within one shared time budget.
// Each runs in the engine's worker like the main run, so a runaway variant is stopped the same way.
import type { BackendChoice, SmokeTrace } from '../engine/types.ts';
import { defaultLanes, runSmokeInWorker, type WorkerLimits } from '../engine/worker.ts';
import type { Evidence } from '../evidence/types.ts';
import { smokeInputOf } from '../evidence/smoke-input.ts';

/** At least two at a time: most of a short run is worker start-up, which overlaps well on two cores. */
export const FOLLOW_UP_CONCURRENCY = 2;

/**
 * Runs at once: the lane count when one is set (1 = one after another), otherwise one per lane the
 * machine's cores allow (defaultLanes) and never fewer than FOLLOW_UP_CONCURRENCY. Every run is seeded and
 * lands in its own slot, so the results do not depend on this number.
 */
export function followUpConcurrency(lanes: number | undefined, cores?: number): number {
  if (lanes !== undefined) return Math.max(1, Math.floor(lanes));
  return Math.max(FOLLOW_UP_CONCURRENCY, defaultLanes(cores));
}
/** A run with less time left than this would only report that it was cut. */
const MIN_RUN_SECONDS = 2;

export interface FollowUpBudget {
  backend: BackendChoice;
  /** performance.now() after which no further run starts */
  deadline: number;
  /** seconds one run may take */
  perRunS: number;
  workerLimits?: Partial<WorkerLimits>;
}

export interface SmokeRequest {
  evidence: Evidence;
  seed: number;
  steps: number;
  /** the control runs (overfit, zeroed inputs, LR range test); off unless a check needs them */
  controls?: boolean;
}

export type RunOutcome = { ok: true; trace: SmokeTrace } | { ok: false; reason: string };

export function budgetFrom(backend: BackendChoice, seconds: number, perRunS: number, workerLimits?: Partial<WorkerLimits>): FollowUpBudget {
  return { backend, deadline: performance.now() + seconds * 1000, perRunS, workerLimits };
}

export function secondsLeft(budget: FollowUpBudget): number {
  return Math.max(0, (budget.deadline - performance.now()) / 1000);
}

export type RunOne = (request: SmokeRequest, budget: FollowUpBudget) => Promise<RunOutcome>;

/**
 * Runs the requests, followUpConcurrency() at a time, started in order of the list; results come back in
 * the same order. `run` runs one request (tests pass a stand-in).
 */
export async function runSmokes(requests: readonly SmokeRequest[], budget: FollowUpBudget, run: RunOne = runOne): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(requests.length);
  let next = 0;
  const lane = async () => {
    while (next < requests.length) {
      const index = next++;
      outcomes[index] = await run(requests[index], budget);
    }
  };
  await Promise.all(Array.from({ length: Math.min(followUpConcurrency(budget.workerLimits?.lanes), requests.length) }, lane));
  return outcomes;
}

async function runOne(request: SmokeRequest, budget: FollowUpBudget): Promise<RunOutcome> {
  const left = secondsLeft(budget);
  if (left < MIN_RUN_SECONDS) return { ok: false, reason: 'out of time' };
  const outcome = await runSmokeInWorker(
    smokeInputOf(request.evidence),
    { backend: budget.backend, seed: request.seed, steps: request.steps, controls: request.controls ?? false, timeBudgetS: Math.min(budget.perRunS, left) },
    budget.workerLimits,
  );
  if (!outcome.ok) return outcome;
  const cut = outcome.trace.skipped.find((s) => s.what === 'smoke run' || s.what.startsWith('layer'));
  if (cut) return { ok: false, reason: cut.reason };
  return outcome;
}
