// Control runs: short counterfactual trainings whose outcome tells a broken setup from a slow one.
import * as tf from '@tensorflow/tfjs';
import { ownEntry } from '../own-entry.ts';
import type { LayerSpec, ModelSpec } from '../config/types.ts';
import type { ControlRuns } from './types.ts';
import type { BuiltModel } from './build-model.ts';
import { LOG_PROBABILITY_LOSSES, takesClassIds } from './losses.ts';
import { isClassification, trainFresh, type RunContext } from './session.ts';
import {
  clearlyBetter,
  combineLowerRate,
  compareZeroed,
  LOWER_RATE_FACTORS,
  tailLoss,
  ZEROED_MAX_STEPS,
  zeroedRefusal,
  type LowerRateRun,
  type ZeroedComparison,
  type ZeroedRun,
} from './parts.ts';
import { mean } from './stats.ts';

type Overfit = NonNullable<ControlRuns['overfit']>;

/** TheDeepChecker: a sound model fits 16-32 samples; fitted = loss below 5% of its start or 95% accuracy. */
export const OVERFIT_SAMPLES = 32;
export const OVERFIT_STEPS = 150;
export const OVERFIT_LOSS_SHARE = 0.05;
export const OVERFIT_ACCURACY = 0.95;
export { LOWER_RATE_FACTORS, LOWER_RATE_MAX_STEPS, ZEROED_MAX_STEPS, ZEROED_TAIL } from './parts.ts';
export const LR_RANGE = { start: 1e-6, end: 10, steps: 80, smoothing: 0.9, divergeFactor: 4 };
export const WIDEN_FACTOR = 4;
/**
 * The overfit runs ask whether the architecture, loss and label encoding can fit a few samples at all,
 * not whether the configured rate is fast enough (the learning-rate checks answer that). So they train
 * with at least this rate: 150 steps at Adam's 1e-3 cannot fit even a sound classifier.
 */
export const OVERFIT_MIN_LEARNING_RATE: Record<string, number> = {
  adam: 1e-2,
  adamw: 1e-2,
  adamax: 1e-2,
  rmsprop: 1e-2,
  adagrad: 5e-2,
  adadelta: 1,
  sgd: 1e-1,
};

export function overfitLearningRate(ctx: RunContext): number {
  return Math.max(ctx.learningRate, ownEntry(OVERFIT_MIN_LEARNING_RATE, ctx.optimizer.name.toLowerCase()) ?? 0);
}

/**
 * Can the model drive the loss near zero on a handful of samples? First at the raised overfit rate; when
 * that fails and the config's own rate is lower, again at the config's rate: a raised rate that is too
 * high for this network (a loss that climbs) says nothing about what the model can fit.
 *
 * With the config's rate to fall back on, a raised-rate run whose loss climbs above its start is set
 * aside early (OVERFIT_CLIMB_STEPS) and the config's rate goes next. The verdict is the one the full
 * runs would give: when the config's rate fits too, the model fits either way; when it does not, the
 * raised-rate run is run again in full and the two are compared as before.
 */
export function overfitSmallBatch(ctx: RunContext, deadline: number, spec: ModelSpec = ctx.spec): Overfit & { cut: boolean } {
  const raised = overfitLearningRate(ctx);
  const lowerRateLeft = ctx.learningRate < raised;
  let first = overfitAtRate(ctx, deadline, spec, raised, lowerRateLeft);
  if (first.fitted || first.cut || !lowerRateLeft) return withoutMarks(first);
  const own = overfitAtRate(ctx, deadline, spec, ctx.learningRate, false);
  if (own.fitted) return withoutMarks(own);
  if (first.abandoned) {
    // a shortened run is no evidence: with no time for the full one, the control was cut
    if (own.cut) return { ...withoutMarks(first), cut: true };
    first = overfitAtRate(ctx, deadline, spec, raised, false);
    if (first.fitted || first.cut) return withoutMarks(first);
  }
  if (own.cut) return withoutMarks(first);
  const progress = (run: Overfit) => run.finalLoss / run.startLoss;
  return withoutMarks(progress(own) < progress(first) ? own : first);
}

/**
 * An overfit run of a model whose training pass is its inference pass (no dropout, no batch
 * normalization) stops once its training loss has been below the fitted share of the start for
 * OVERFIT_SETTLED_STEPS steps in a row: those losses are the loss on the very samples asked about (plus
 * any weight penalty, which only adds), so the question is answered. The verdict still comes from the
 * evaluation after the run; a run stopped early that the evaluation does not call fitted is run again in
 * full, so stopping early can only save time, never change a verdict.
 */
export const OVERFIT_SETTLED_STEPS = 10;
/** A raised-rate run is set aside once, after this many steps, its last 10 losses average above its first. */
export const OVERFIT_CLIMB_STEPS = 20;

type OverfitRun = Overfit & { cut: boolean; stopped?: 'fitted' | 'climbing' };

function overfitAtRate(
  ctx: RunContext,
  deadline: number,
  spec: ModelSpec,
  learningRate: number,
  abandonWhenClimbing: boolean,
): Overfit & { cut: boolean; abandoned: boolean } {
  const stopWhenFitted = trainingIsInference(spec);
  let run = overfitRun(ctx, deadline, spec, learningRate, { stopWhenFitted, abandonWhenClimbing });
  if (run.stopped === 'fitted' && !run.fitted && !run.cut) run = overfitRun(ctx, deadline, spec, learningRate, { stopWhenFitted: false, abandonWhenClimbing });
  const { stopped, ...rest } = run;
  return { ...rest, abandoned: stopped === 'climbing' && !rest.fitted };
}

function withoutMarks({ abandoned: _, ...run }: Overfit & { cut: boolean; abandoned: boolean }): Overfit & { cut: boolean } {
  return run;
}

/** Whether a training-mode pass computes what an inference pass does: nothing random, no batch statistics. */
function trainingIsInference(spec: ModelSpec): boolean {
  return !spec.layers.some((l) => l.type === 'batch_normalization' || (l.type === 'dropout' && (l.rate ?? 0) > 0));
}

/** The loss climbs: enough steps, and the last 10 average above the first. */
export function climbing(losses: number[]): boolean {
  if (losses.length < OVERFIT_CLIMB_STEPS) return false;
  return mean(losses.slice(-10)) > losses[0];
}

function overfitRun(
  ctx: RunContext,
  deadline: number,
  spec: ModelSpec,
  learningRate: number,
  stops: { stopWhenFitted: boolean; abandonWhenClimbing: boolean },
): OverfitRun {
  const samples = Math.min(OVERFIT_SAMPLES, ctx.x.shape[0]);
  const x = ctx.x.slice(0, samples);
  const y = ctx.y.slice(0, samples);
  // Both ends are measured the same way (inference mode, data loss only), so dropout noise and
  // weight penalties do not blur the comparison.
  let initial: { loss: number; accuracy?: number } = { loss: NaN };
  let evaluation: { loss: number; accuracy?: number } = { loss: NaN };
  let initialTraining: { loss: number; accuracy?: number } = { loss: NaN };
  let evaluationTraining: { loss: number; accuracy?: number } = { loss: NaN };
  let stopped: OverfitRun['stopped'];
  try {
    const result = trainFresh(
      { ...ctx, learningRate },
      {
        spec,
        x,
        y,
        steps: OVERFIT_STEPS,
        deadline,
        batchSize: samples,
        stopWhen: (losses) => {
          if (stops.stopWhenFitted && settledBelow(losses, OVERFIT_LOSS_SHARE * initial.loss)) stopped = 'fitted';
          else if (stops.abandonWhenClimbing && climbing(losses)) stopped = 'climbing';
          return stopped !== undefined;
        },
        beforeTraining: (built) => {
          initial = evaluate(ctx, built, x, y);
          initialTraining = evaluate(ctx, built, x, y, true);
        },
        afterTraining: (built) => {
          evaluation = evaluate(ctx, built, x, y);
          evaluationTraining = evaluate(ctx, built, x, y, true);
        },
      },
    );
    // Batch normalization's moving statistics lag its batch statistics after 150 steps (momentum 0.99),
    // so a fitted BN model can look unfitted in inference mode; the training-mode pass decides then.
    const fits = (start: { loss: number }, end: { loss: number; accuracy?: number }) =>
      end.loss < OVERFIT_LOSS_SHARE * start.loss || (end.accuracy ?? 0) >= OVERFIT_ACCURACY;
    const useTraining = hasBatchNormalization(spec) && !fits(initial, evaluation) && fits(initialTraining, evaluationTraining);
    if (useTraining) [initial, evaluation] = [initialTraining, evaluationTraining];
    const startLoss = initial.loss;
    const finalLoss = evaluation.loss;
    const fitted = fits(initial, evaluation);
    // a stop at the very last step stopped nothing
    if (result.stepsRun >= OVERFIT_STEPS) stopped = undefined;
    return { samples, steps: result.stepsRun, startLoss, finalLoss, accuracy: evaluation.accuracy, fitted, cut: result.cutByBudget, stopped };
  } finally {
    tf.dispose([x, y]);
  }
}

/** The last OVERFIT_SETTLED_STEPS losses are all below `level` (never true for a non-finite level). */
function settledBelow(losses: number[], level: number): boolean {
  if (!(level > 0) || losses.length < OVERFIT_SETTLED_STEPS) return false;
  return losses.slice(-OVERFIT_SETTLED_STEPS).every((loss) => loss < level);
}

function hasBatchNormalization(spec: ModelSpec): boolean {
  return spec.layers.some((l) => l.type === 'batch_normalization');
}

/** Loss (inference mode) and, for classification, accuracy of a trained model on the given rows. */
function evaluate(ctx: RunContext, built: BuiltModel, x: tf.Tensor, y: tf.Tensor, training = false): { loss: number; accuracy?: number } {
  return tf.tidy(() => {
    const prediction = built.model.apply(x, { training }) as tf.Tensor;
    const loss = ctx.loss(y, prediction).dataSync()[0];
    if (!isClassification(ctx.task)) return { loss };
    return { loss, accuracy: accuracy(ctx, prediction, y).dataSync()[0] };
  });
}

function accuracy(ctx: RunContext, prediction: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const units = prediction.shape[prediction.shape.length - 1] ?? 1;
  const threshold = ctx.fromLogits ? 0 : 0.5;
  if (takesClassIds(ctx.lossName)) {
    return tf.mean(tf.cast(tf.equal(tf.argMax(prediction, -1), tf.cast(tf.reshape(y, [-1]), 'int32')), 'float32')) as tf.Scalar;
  }
  if (units === 1 || ctx.task === 'multilabel') {
    return tf.mean(tf.cast(tf.equal(tf.greater(prediction, threshold), tf.greater(y, 0.5)), 'float32')) as tf.Scalar;
  }
  return tf.mean(tf.cast(tf.equal(tf.argMax(prediction, -1), tf.argMax(y, -1)), 'float32')) as tf.Scalar;
}

/**
 * The same training on all-zero inputs. If it ends at the same loss as the real run, the model
 * ignores its input (or the labels carry no signal). Welch's t-test over the last losses of each run.
 */
export function zeroedInputs(ctx: RunContext, deadline: number, realLosses: number[]): ZeroedComparison {
  const refused = zeroedRefusal(realLosses);
  if (refused !== undefined) return { skipped: refused };
  return compareZeroed(realLosses, runZeroedInputs(ctx, deadline, Math.min(realLosses.length, ZEROED_MAX_STEPS)));
}

/**
 * Trains on zeros for `steps` steps. Run beside the main run (in another worker) it is asked for the
 * main run's planned steps; training is deterministic, so its first n losses are those of an n-step run.
 */
export function runZeroedInputs(ctx: RunContext, deadline: number, steps: number): ZeroedRun {
  const zeros = tf.zerosLike(ctx.x);
  try {
    const result = trainFresh(ctx, { x: zeros, steps, deadline });
    return { steps, stepsRun: result.stepsRun, losses: result.loss, cut: result.cutByBudget };
  } finally {
    zeros.dispose();
  }
}

/**
 * Learning-rate range test (Smith; Lightning lr_find): the rate grows exponentially on a fresh model,
 * the smoothed loss is tracked, and the sweep stops once it exceeds 4x its best.
 */
export function lrRangeTest(ctx: RunContext, deadline: number): NonNullable<ControlRuns['lrRange']> & { cut: boolean } {
  const { start, end, steps, smoothing } = LR_RANGE;
  const lrAt = (step: number) => start * (end / start) ** (step / (steps - 1));
  const stopWhen = (losses: number[]) => scanRange(smooth(losses, smoothing)).divergedIndex !== undefined;
  const result = trainFresh(ctx, { steps, deadline, schedule: lrAt, stopWhen });
  const lrs = result.loss.map((_, i) => lrAt(i));
  const { bestLr, suggestedLr, divergedAt } = readRange(lrs, result.loss);
  return { lrs, losses: result.loss, divergedAt, bestLr, suggestedLr, cut: result.cutByBudget };
}

/**
 * What a range curve says. Each step trains on a new batch, so the raw losses carry batch noise as large
 * as the descent itself (±30% on a standardized regression); single-step slopes then point at the first
 * few steps, where the rate is far too small to matter. So the slope is taken over one decade of rates
 * on the smoothed curve, after its first decade (the smoothing's warm-up, and the noise reference: a rate
 * of 1e-6 to 1e-5 barely trains). The suggestion is the middle of the steepest decade, and NaN when the
 * curve never clearly falls: a drop below the first decade's level of less than 20% of that level, or
 * within 3x its smoothed noise, is no evidence for any rate.
 */
export function readRange(lrs: number[], losses: number[]): { bestLr: number; suggestedLr: number; divergedAt?: number } {
  const { start, end, steps, smoothing } = LR_RANGE;
  const decade = Math.round((steps - 1) / Math.log10(end / start));
  const smoothed = smooth(losses, smoothing);
  const { bestIndex, divergedIndex } = scanRange(smoothed);
  const bestLr = lrs[bestIndex] ?? start;
  const divergedAt = divergedIndex === undefined ? undefined : lrs[divergedIndex];
  const firstDecade = losses.slice(0, decade);
  if (firstDecade.length < decade || !firstDecade.every(Number.isFinite)) return { bestLr, suggestedLr: Number.NaN, divergedAt };
  const level = mean(firstDecade);
  // An EMA with factor beta keeps sqrt((1 - beta) / (1 + beta)) of white noise's std.
  const noise = std(firstDecade, level) * Math.sqrt((1 - smoothing) / (1 + smoothing));
  const drop = level - smoothed[bestIndex];
  const clear = drop > CLEAR_DROP_NOISE * noise && (level <= 0 || drop > CLEAR_DROP_SHARE * level);
  if (!clear) return { bestLr, suggestedLr: Number.NaN, divergedAt };
  let steepest = -1;
  for (let i = 2 * decade; i <= bestIndex; i++) {
    if (steepest < 0 || smoothed[i] - smoothed[i - decade] < smoothed[steepest] - smoothed[steepest - decade]) steepest = i;
  }
  // The best point came within two decades: after an early divergence, a tenth of it (the classic
  // rule); without one, the fall is too early to be told from the smoothing's warm-up.
  if (steepest < 0) return { bestLr, suggestedLr: divergedIndex === undefined ? Number.NaN : bestLr / 10, divergedAt };
  return { bestLr, suggestedLr: lrs[steepest - Math.round(decade / 2)], divergedAt };
}

/** A range curve "clearly falls" when its best smoothed loss is this share below its first decade... */
const CLEAR_DROP_SHARE = 0.2;
/** ...and this many times that decade's noise after smoothing. */
const CLEAR_DROP_NOISE = 3;

function std(values: number[], center: number): number {
  return Math.sqrt(values.reduce((sum, v) => sum + (v - center) ** 2, 0) / Math.max(1, values.length - 1));
}

/** The running minimum of the smoothed loss, and the first point beyond 4x that minimum (or not finite). */
export function scanRange(smoothed: number[]): { bestIndex: number; divergedIndex?: number } {
  let bestIndex = 0;
  for (let i = 0; i < smoothed.length; i++) {
    if (!Number.isFinite(smoothed[i]) || smoothed[i] > LR_RANGE.divergeFactor * smoothed[bestIndex]) return { bestIndex, divergedIndex: i };
    if (smoothed[i] < smoothed[bestIndex]) bestIndex = i;
  }
  return { bestIndex };
}

/** Exponential moving average with bias correction; a non-finite value poisons the rest. */
export function smooth(values: number[], beta: number): number[] {
  let average = 0;
  return values.map((v, i) => {
    average = beta * average + (1 - beta) * v;
    return average / (1 - beta ** (i + 1));
  });
}

/** The loss of a model that ignores its input: the target mean (regression) or the class prior. */
export function baselineLoss(ctx: RunContext, outputActivation: string): ControlRuns['baseline'] {
  const kind = isClassification(ctx.task) ? 'prior' : 'mean';
  const loss = tf.tidy(() => {
    const rows = ctx.y.shape[0];
    let constant: tf.Tensor;
    if (takesClassIds(ctx.lossName)) {
      constant = tf.mean(tf.oneHot(tf.cast(tf.reshape(ctx.y, [-1]), 'int32'), ctx.outputUnits), 0);
    } else {
      constant = tf.mean(ctx.y, 0);
    }
    // NLLLoss and KLDivLoss take log-probabilities: the prior enters as its log.
    if (kind === 'prior')
      constant = LOG_PROBABILITY_LOSSES.has(ctx.lossName)
        ? tf.log(tf.clipByValue(constant, 1e-7, 1))
        : toOutputSpace(constant, ctx.fromLogits, outputActivation);
    const prediction = tf.tile(tf.expandDims(constant, 0), [rows, 1]);
    return ctx.loss(ctx.y, prediction).dataSync()[0];
  });
  return { kind, loss };
}

/** A model trained with from_logits emits logits, so the prior is given as the logits that produce it. */
function toOutputSpace(prior: tf.Tensor, fromLogits: boolean, activation: string): tf.Tensor {
  if (!fromLogits) return prior;
  const p = tf.clipByValue(prior, 1e-7, 1 - 1e-7);
  if (activation === 'softmax' || p.size > 1) return tf.log(p);
  return tf.sub(tf.log(p), tf.log(tf.sub(1, p)));
}

/** The same network with every hidden layer `factor` times wider; the output layer keeps its size. */
export function widenSpec(spec: ModelSpec, factor: number, finalLayerIndex: number): ModelSpec {
  const pinned = addInputWidths(spec);
  const layers = spec.layers.map((layer, index): LayerSpec => {
    if (index === finalLayerIndex || pinned.has(index)) return layer;
    if (layer.units !== undefined && layer.type !== 'embedding') return { ...layer, units: layer.units * factor };
    if (layer.filters !== undefined) return { ...layer, filters: layer.filters * factor };
    return layer;
  });
  return { ...spec, layers, weights: undefined };
}

/**
 * Layers whose width reaches an `add` (a residual connection): an add needs inputs of one width, and one of
 * them may be the model's input, so these keep their width. Weightless layers between pass the width on.
 */
function addInputWidths(spec: ModelSpec): Set<number> {
  const pinned = new Set<number>();
  const stack = spec.layers.flatMap((layer) => (layer.type === 'add' ? (layer.inbound ?? []) : []));
  while (stack.length > 0) {
    const index = stack.pop()!;
    const layer = spec.layers[index];
    if (index < 0 || layer === undefined || pinned.has(index)) continue;
    pinned.add(index);
    const setsWidth = (layer.units !== undefined && layer.type !== 'embedding') || layer.filters !== undefined;
    if (!setsWidth) stack.push(...(layer.inbound ?? [index - 1]));
  }
  return pinned;
}

/** Too few hidden units: when the small batch cannot be fitted, does a wider network fit it? */
export function widenedOverfit(ctx: RunContext, deadline: number, finalLayerIndex: number): NonNullable<ControlRuns['widened']> & { cut: boolean } {
  const run = overfitSmallBatch(ctx, deadline, widenSpec(ctx.spec, WIDEN_FACTOR, finalLayerIndex));
  return { factor: WIDEN_FACTOR, fitted: run.fitted, finalLoss: run.finalLoss, startLoss: run.startLoss, cut: run.cut };
}

/** One run of the lower-rate control: the main run repeated, same seed and steps, at rate / factor. */
export function lowerRateRun(ctx: RunContext, deadline: number, steps: number, factor: number): { run?: LowerRateRun; cut: boolean } {
  if (performance.now() > deadline) return { cut: true };
  const learningRate = ctx.learningRate / factor;
  const result = trainFresh({ ...ctx, learningRate }, { steps, deadline, probeEvery: Math.max(1, steps - 1) });
  if (result.cutByBudget) return { cut: true };
  const dead = result.activations.map((a) => a.deadFraction).filter((d): d is number => d !== undefined && Number.isFinite(d));
  const run: LowerRateRun = {
    learningRate,
    steps: result.stepsRun,
    losses: result.loss,
    final: tailLoss(result.loss),
    ...(dead.length > 0 ? { deadFraction: Math.max(...dead) } : {}),
  };
  return { run, cut: false };
}

/**
 * The main run repeated, same seed and steps, at rate / 10 and, if that is not clearly better, rate / 100,
 * one after another (worker.ts runs them side by side when it has lanes, with the same result).
 * The evidence a learning-rate-too-high verdict needs: a lower rate that does clearly better.
 */
export function lowerRateControl(
  ctx: RunContext,
  deadline: number,
  steps: number,
  mainLosses: number[],
): Omit<NonNullable<ControlRuns['lowerRate']>, 'complete'> & { cut: boolean } {
  const results: { run?: LowerRateRun; cut: boolean }[] = [];
  for (const factor of LOWER_RATE_FACTORS) {
    const result = lowerRateRun(ctx, deadline, steps, factor);
    results.push(result);
    if (result.cut || !result.run || clearlyBetter(result.run.final, tailLoss(mainLosses.slice(0, steps)))) break;
  }
  return combineLowerRate(mainLosses, steps, results);
}
