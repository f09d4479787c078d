// A smoke run split into parts: the main run and the control runs are independent given the evidence,
// so workers can run them side by side (worker.ts) and the parts merge into one trace here. Each part
// builds its own seeded models, so the numbers do not depend on how the runs were split. Free of
// TensorFlow.js, so the thread that merges never loads the engine.
import type { ControlRuns, SmokeTrace } from './types.ts';
import { welchTTest } from './stats.ts';
import { ownEntry } from '../own-entry.ts';

/**
 * The runs a smoke run is made of; the widened-network control follows the overfit control. 'lowerRate' is one
 * run of the lower-rate control, which only follows a main run that looks like a rate problem (rateSuspect).
 */
export type SmokeRunName = 'main' | 'overfit' | 'zeroed' | 'lrRange' | 'lowerRate';
export const SMOKE_RUNS: readonly SmokeRunName[] = ['main', 'overfit', 'zeroed', 'lrRange'];

/** Losses compared at the end of the real and zeroed-input runs. */
export const ZEROED_TAIL = 20;
export const ZEROED_MAX_STEPS = 100;

/** "Clearly better": a lower rate's final loss below this share of the main run's (or finite where it was not). */
export const CLEARLY_BETTER_SHARE = 0.7;

export function clearlyBetter(lowerFinal: number, mainFinal: number): boolean {
  if (!Number.isFinite(lowerFinal)) return false;
  if (!Number.isFinite(mainFinal)) return true;
  return lowerFinal < CLEARLY_BETTER_SHARE * mainFinal;
}

/** The zeroed-input training on its own, before it is compared with the main run. */
export interface ZeroedRun {
  /** steps asked for */
  steps: number;
  stepsRun: number;
  losses: number[];
  cut: boolean;
}

/** What one part hands back for merging. */
export interface SmokePart {
  trace: SmokeTrace;
  /** the zeroed-input run of a part without the main run, compared with the main run's losses when merged */
  zeroed?: ZeroedRun;
}

export type ZeroedComparison = { control?: ControlRuns['zeroedInputs']; skipped?: string };

/** Why the main run's losses cannot be compared with a zeroed run, if they cannot. */
export function zeroedRefusal(realLosses: number[]): string | undefined {
  const steps = Math.min(realLosses.length, ZEROED_MAX_STEPS);
  if (steps < ZEROED_TAIL) return `the main run has ${realLosses.length} steps, the comparison needs ${ZEROED_TAIL}`;
  if (!realLosses.slice(0, steps).every(Number.isFinite)) return "the main run's loss is not finite, so there is nothing to compare";
  return undefined;
}

/**
 * The zeroed run against the main run's losses, over the steps both have. A zeroed run asked for more
 * steps than the main run took is cut to them: training is deterministic, so its first n losses are
 * those of an n-step run. Welch's t-test over the last losses of each run.
 */
export function compareZeroed(realLosses: number[], run: ZeroedRun): ZeroedComparison {
  const refused = zeroedRefusal(realLosses);
  if (refused !== undefined) return { skipped: refused };
  const steps = Math.min(realLosses.length, ZEROED_MAX_STEPS);
  if (run.cut && run.stepsRun < steps) return { skipped: `the time budget ran out after ${run.stepsRun} of ${steps} steps` };
  const zeroed = run.losses.slice(0, steps);
  const real = realLosses.slice(0, zeroed.length);
  const realTail = real.slice(-ZEROED_TAIL);
  const zeroedTail = zeroed.slice(-ZEROED_TAIL);
  return {
    control: {
      realLosses: real,
      zeroedLosses: zeroed,
      realFinal: realTail[realTail.length - 1],
      zeroedFinal: zeroedTail[zeroedTail.length - 1],
      pValue: welchTTest(realTail, zeroedTail).pValue,
    },
  };
}

export function recordZeroed(trace: SmokeTrace, zeroed: ZeroedComparison): void {
  if (zeroed.control) trace.controls.zeroedInputs = zeroed.control;
  else trace.skipped.push({ what: 'control: zeroed inputs', reason: zeroed.skipped ?? 'not run' });
}

/**
 * One trace from the part that ran the main run and the parts that ran controls beside it. Skips that
 * every part recorded (an unsupported layer, data that does not fit) are listed once.
 */
export function mergeSmokeParts(main: SmokePart, others: SmokePart[]): SmokeTrace {
  const trace: SmokeTrace = { ...main.trace, controls: { ...main.trace.controls }, skipped: [...main.trace.skipped] };
  const listed = new Set(trace.skipped.map((s) => JSON.stringify(s)));
  for (const part of others) {
    const { overfit, lrRange, widened } = part.trace.controls;
    if (overfit) trace.controls.overfit = overfit;
    if (lrRange) trace.controls.lrRange = lrRange;
    if (widened) trace.controls.widened = widened;
    for (const skip of part.trace.skipped) {
      if (!listed.has(JSON.stringify(skip))) trace.skipped.push(skip);
      listed.add(JSON.stringify(skip));
    }
    if (part.zeroed) recordZeroed(trace, compareZeroed(trace.loss, part.zeroed));
    trace.seconds = Math.max(trace.seconds, part.trace.seconds);
  }
  // The order a sequential run fills them in, so reports read the same either way.
  const { baseline, overfit, zeroedInputs, lrRange, widened, lowerRate } = trace.controls;
  trace.controls = {
    baseline,
    ...(overfit && { overfit }),
    ...(zeroedInputs && { zeroedInputs }),
    ...(lrRange && { lrRange }),
    ...(widened && { widened }),
    ...(lowerRate && { lowerRate }),
  };
  return trace;
}

/** Lower rates tried, as divisors of the configured rate, until one does clearly better. */
export const LOWER_RATE_FACTORS = [10, 100];
/** Steps of each lower-rate run (and of the main run's losses it is compared with), to bound its cost. */
export const LOWER_RATE_MAX_STEPS = 100;

type LowerRate = NonNullable<ControlRuns['lowerRate']>;
export type LowerRateRun = LowerRate['runs'][number];

/** Mean of the last tenth of the finite losses; NaN when the run went non-finite. */
export function tailLoss(losses: number[]): number {
  if (losses.length === 0 || !losses.every(Number.isFinite)) return Number.NaN;
  const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
  return tail.reduce((s, v) => s + v, 0) / tail.length;
}

/** Steps of the lower-rate runs: the main run's (all planned ones when it went non-finite), at most LOWER_RATE_MAX_STEPS. */
export function lowerRateSteps(trace: SmokeTrace): number {
  return Math.min(LOWER_RATE_MAX_STEPS, trace.firstNonFinite ? trace.plannedSteps : Math.max(1, trace.steps));
}

/**
 * The lower-rate control from its runs, one per LOWER_RATE_FACTORS entry in that order, as the sequential
 * control makes it: the runs up to the first that does clearly better than the main run over the same
 * steps; a run the budget cut ends it, cut.
 */
export function combineLowerRate(
  mainLosses: number[],
  steps: number,
  results: { run?: LowerRateRun; cut: boolean }[],
): Omit<LowerRate, 'complete'> & { cut: boolean } {
  // The main run over the same first steps; one that went non-finite within them stays non-finite.
  const mainFinal = tailLoss(mainLosses.slice(0, steps));
  const runs: LowerRateRun[] = [];
  for (const result of results) {
    if (result.cut || !result.run) return { mainFinal, runs, cut: true };
    runs.push(result.run);
    if (clearlyBetter(result.run.final, mainFinal)) break;
  }
  return { mainFinal, runs, cut: false };
}

/** Above these the rate is outside the usual range (sgd and adadelta take rates near 1; adaptive ones near 1e-3). */
const USUAL_MAX_RATE: Record<string, number> = { sgd: 1, adadelta: 1 };
const USUAL_MAX_ADAPTIVE_RATE = 0.1;

/**
 * Whether the main run looks like a learning-rate problem: it diverged, its updates rewrite the weights,
 * it collapsed (most units of a ReLU layer dead, or no better than the constant baseline), or the rate
 * is above the usual range. Only then is the lower-rate control worth its time.
 */
export function rateSuspect(trace: SmokeTrace, optimizer: string): boolean {
  const losses = trace.loss;
  if (losses.length === 0) return false;
  if (trace.firstNonFinite || !losses.every(Number.isFinite)) return true;
  const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
  const final = tail.reduce((sum, v) => sum + v, 0) / tail.length;
  if (final >= 2 * Math.min(...losses) && final > losses[0]) return true;
  const ratios = trace.layers
    .flatMap((l) => l.updateRatio)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (ratios.length > 0 && ratios[Math.floor(ratios.length / 2)] > 0.1) return true;
  if (trace.layers.some((l) => (l.deadFraction ?? 0) >= 0.5)) return true;
  if (Number.isFinite(trace.controls.baseline.loss) && final >= 0.9 * trace.controls.baseline.loss) return true;
  return trace.learningRate > (ownEntry(USUAL_MAX_RATE, optimizer.toLowerCase()) ?? USUAL_MAX_ADAPTIVE_RATE);
}
