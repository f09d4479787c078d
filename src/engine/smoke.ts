// The smoke run: a short seeded training of the configured setup with probes, then the control runs,
// all inside one time budget. Everything it finds comes back as numbers in a SmokeTrace. A part of the
// runs can also be done on its own, in its own worker, and merged (parts.ts, worker.ts).
import * as tf from '@tensorflow/tfjs';
import { BACKEND_SKIP_PREFIX, type BackendChoice, type LayerProbe, type SmokeTrace } from './types.ts';
import { initBackend } from './backend.ts';
import { UnsupportedModelError } from './build-model.ts';
import { baselineLoss, lowerRateControl, lowerRateRun, lrRangeTest, overfitSmallBatch, runZeroedInputs, widenedOverfit, zeroedInputs } from './controls.ts';
import { lowerRateSteps, rateSuspect, recordZeroed, SMOKE_RUNS, ZEROED_MAX_STEPS, type SmokePart, type SmokeRunName, type ZeroedRun } from './parts.ts';
import { canonicalLossName, makeLoss, takesClassIds } from './losses.ts';
import { makeOptimizer, weightDecayOf } from './optimizers.ts';
import { refusedOptimizerKeys } from './optimizer-keys.ts';
import type { PreparedData } from './prepare-data.ts';
import { signalAtInit } from './probes.ts';
import { isClassification, trainFresh, type RunContext } from './session.ts';
import type { TrainResult } from './train.ts';
import { variance } from './stats.ts';
import { batchSizeFor, type SmokeInput, type TrainingSettings } from './input.ts';
import { setProductThreads } from './compiled/product-threads.ts';

/** The run as resolved by the caller (the run's settings, else the config's `smoke:` keys). */
export interface SmokeOptions {
  backend: BackendChoice;
  steps: number;
  seed: number;
  timeBudgetS: number;
  /** the control runs (overfit, zeroed inputs, LR range test); on unless false */
  controls?: boolean;
  /** the caller runs the lower-rate control itself, in parts of their own beside each other (worker.ts) */
  lowerRateBeside?: boolean;
  /** for a 'lowerRate' part: the one run it makes */
  lowerRate?: { factor: number; steps: number };
  /** threads for the large matrix products of this part's models (2: a helper thread; 1 when absent) */
  productThreads?: number;
  /** with 2 product threads: products split once the caller sets this (shared) value to 1 */
  otherCoresFree?: Int32Array;
}

export const PROBE_EVERY = 10;

/** Share of the budget the main run may use when controls follow; controls get the rest. */
export const MAIN_RUN_BUDGET_SHARE = 0.6;
const INIT_PROBE_ROWS = 256;

export async function runSmoke(input: SmokeInput, opts: SmokeOptions): Promise<SmokeTrace> {
  return (await runSmokePart(input, opts, opts.controls === false ? ['main'] : SMOKE_RUNS)).trace;
}

/** The named runs of a smoke run, one after another in this thread, within the whole budget. */
export async function runSmokePart(input: SmokeInput, opts: SmokeOptions, runs: readonly SmokeRunName[]): Promise<SmokePart> {
  const started = performance.now();
  setProductThreads(opts.productThreads ?? 1, opts.otherCoresFree);
  const { model, training } = input;
  const seed = opts.seed;
  const plannedSteps = Math.max(0, Math.floor(opts.steps));
  const budgetMs = opts.timeBudgetS * 1000;
  const deadline = started + budgetMs;
  const trace = emptyTrace(seed, plannedSteps, training.learning_rate);
  let zeroed: ZeroedRun | undefined;
  const finish = (): SmokePart => ({ trace: { ...trace, seconds: (performance.now() - started) / 1000 }, zeroed });

  for (const layer of model.unsupported) {
    trace.skipped.push({ what: 'smoke run', reason: `layer '${layer.name}' (${layer.className}) cannot be built: ${layer.reason}` });
  }
  if (model.unsupported.length > 0) return finish();
  const prepared = input.data;
  if (!prepared.ok) return skipAll(trace, prepared.reason, finish);
  const loss = makeLoss(
    training.loss,
    training.from_logits,
    { framework: training.torch_loss ? 'pytorch' : 'keras', ...training.loss_args },
    training.class_weight,
  );
  if (loss === undefined) return skipAll(trace, `loss '${training.loss}' is not supported by the smoke run`, finish);
  try {
    const engine = await initBackend(opts.backend);
    trace.backend = engine.backend;
    // Fallbacks are part of the evidence: nothing may fall back silently.
    trace.backendNotes = engine.notes;
  } catch (error) {
    // A requested backend that cannot run is a finding of its own (pipeline.ts reports it as a warning).
    trace.skipped.push({ what: `${BACKEND_SKIP_PREFIX} '${opts.backend}'`, reason: messageOf(error) });
    return finish();
  }
  const optimizerProbe = makeOptimizer(training.optimizer, training.learning_rate);
  if (optimizerProbe === undefined) return skipAll(trace, `optimizer '${training.optimizer.name}' is not supported by the smoke run`, finish);
  optimizerProbe.dispose();
  // A setting the smoke run does not apply is named, never dropped silently (optimizer-keys.ts).
  for (const refused of refusedOptimizerKeys(training.optimizer)) {
    trace.skipped.push({ what: `optimizer setting \`${refused.key}\``, reason: refused.reason });
  }

  const data = prepared.data;
  const ctx = makeContext(input, data, loss, seed);
  trace.batchSize = ctx.batchSize;
  trace.expectedInitialLoss = expectedInitialLoss(input, data);
  const withMain = runs.includes('main');
  let mainResult: TrainResult | undefined;
  const controls = runs.filter((run) => run !== 'main');
  try {
    if (withMain) {
      // Main run: the configured training with probes, leaving part of the budget to the controls that follow it here.
      const mainDeadline = controls.length > 0 ? started + budgetMs * MAIN_RUN_BUDGET_SHARE : deadline;
      const mainStarted = performance.now();
      const result = trainFresh(ctx, {
        steps: plannedSteps,
        deadline: mainDeadline,
        probeEvery: PROBE_EVERY,
        withValidation: true,
        beforeTraining: (built) => {
          for (const note of built.notes.filter((n) => n.includes('not loaded'))) trace.skipped.push({ what: 'Keras weights', reason: note });
          if (model.weights_unused) trace.skipped.push({ what: 'Keras weights', reason: model.weights_unused });
          const weightsNote = built.notes.find((n) => n.includes('Keras weight'));
          if (weightsNote) trace.initialWeights = weightsNote;
          const rows = Math.min(INIT_PROBE_ROWS, data.train.rows);
          const [x, y] = [ctx.x.slice(0, rows), ctx.y.slice(0, rows)];
          trace.init = signalAtInit(built.model, built.layers, ctx.loss, x, y);
          tf.dispose([x, y]);
        },
      });
      const mainSeconds = (performance.now() - mainStarted) / 1000;
      recordMainRun(trace, result, input, mainSeconds);
      mainResult = result;
      trace.backendNotes = [...(trace.backendNotes ?? []), engineNote(result)];
      if (result.cutByBudget) {
        trace.skipped.push({ what: `main run steps ${result.stepsRun + 1}-${plannedSteps}`, reason: `time budget of ${budgetMs / 1000}s` });
      }

      trace.controls.baseline = baselineLoss(ctx, input.summary.finalActivation);
    }
    zeroed = runControls(trace, ctx, input, { deadline, budgetMs, controls, plannedSteps, withMain });
    // one run of a lower-rate control that the caller runs beside its other runs (worker.ts combines them)
    if (runs.includes('lowerRate') && opts.lowerRate) {
      const { run, cut } = lowerRateRun(ctx, deadline, opts.lowerRate.steps, opts.lowerRate.factor);
      trace.controls.lowerRate = { mainFinal: Number.NaN, runs: run ? [run] : [], complete: !cut };
    }
    // A rate verdict needs a run at a lower rate that does clearly better: run it when the main run looks like a
    // rate problem, after the other controls so it never takes their time.
    const lowerRateHere = withMain && mainResult && opts.controls !== false && !opts.lowerRateBeside;
    if (lowerRateHere && rateSuspect(trace, training.optimizer.name) && performance.now() < deadline) {
      // At most LOWER_RATE_MAX_STEPS: both sides are compared over the same first steps.
      const { cut, ...lowerRate } = lowerRateControl(ctx, deadline, lowerRateSteps(trace), trace.loss);
      if (lowerRate.runs.length > 0) trace.controls.lowerRate = { ...lowerRate, complete: !cut };
      if (cut) trace.skipped.push({ what: 'control: lower learning rate (cut short)', reason: `time budget of ${budgetMs / 1000}s` });
    }
  } catch (error) {
    const what = error instanceof UnsupportedModelError ? `layer '${error.layer}'` : 'smoke run';
    trace.skipped.push({ what, reason: messageOf(error) });
  } finally {
    tf.dispose([ctx.x, ctx.y, ctx.validation?.x, ctx.validation?.y].filter((t): t is tf.Tensor => t !== undefined));
  }
  return finish();
}

interface ControlPlan {
  deadline: number;
  budgetMs: number;
  controls: SmokeRunName[];
  plannedSteps: number;
  /** whether the main run ran before, in this part: without it the zeroed run is handed back for merging */
  withMain: boolean;
}

/** Controls run one after another while time is left; what the budget cuts is recorded. */
function runControls(trace: SmokeTrace, ctx: RunContext, input: SmokeInput, plan: ControlPlan): ZeroedRun | undefined {
  const { deadline, budgetMs, controls } = plan;
  let zeroedRun: ZeroedRun | undefined;
  const outOfTime = (what: string) => {
    if (performance.now() < deadline) return false;
    trace.skipped.push({ what, reason: `time budget of ${budgetMs / 1000}s` });
    return true;
  };
  if (controls.includes('overfit') && !outOfTime('control: small-batch overfit')) {
    // A run the budget cut short only counts when it already fitted: not fitting yet is no evidence.
    const { cut, ...overfit } = overfitSmallBatch(ctx, deadline);
    if (!cut || overfit.fitted) trace.controls.overfit = overfit;
    else trace.skipped.push({ what: 'control: small-batch overfit', reason: `time budget of ${budgetMs / 1000}s (cut after ${overfit.steps} steps)` });
  }
  if (controls.includes('zeroed') && !outOfTime('control: zeroed inputs')) {
    if (plan.withMain) recordZeroed(trace, zeroedInputs(ctx, deadline, trace.loss));
    else zeroedRun = runZeroedInputs(ctx, deadline, Math.min(plan.plannedSteps, ZEROED_MAX_STEPS));
  }
  if (controls.includes('lrRange') && !outOfTime('control: learning-rate range test')) {
    const { cut, ...lrRange } = lrRangeTest(ctx, deadline);
    trace.controls.lrRange = lrRange;
    if (cut) trace.skipped.push({ what: 'control: learning-rate range test (cut short)', reason: `time budget of ${budgetMs / 1000}s` });
  }
  if (trace.controls.overfit && !trace.controls.overfit.fitted && !outOfTime('control: widened network')) {
    const { cut, ...widened } = widenedOverfit(ctx, deadline, input.summary.finalLayerIndex);
    if (!cut || widened.fitted) trace.controls.widened = widened;
    else trace.skipped.push({ what: 'control: widened network', reason: `time budget of ${budgetMs / 1000}s` });
  }
  return zeroedRun;
}

/** The RunContext every run of a config trains with; the benchmark builds the same one. */
export function makeContext(input: SmokeInput, data: PreparedData, loss: RunContext['loss'], seed: number): RunContext {
  const { training, model } = input;
  const toTensor = (values: Float32Array, rows: number, shape: number[]) => tf.tensor(values, [rows, ...shape]);
  return {
    spec: model,
    inputShape: data.inputShape,
    seed,
    task: input.task,
    lossName: canonicalLossName(training.loss),
    fromLogits: training.from_logits,
    outputUnits: input.summary.outputUnits,
    loss,
    optimizer: training.optimizer,
    learningRate: training.learning_rate,
    batchSize: batchSizeFor(training.batch_size, data.train.rows),
    weightDecay: weightDecayOf(training.optimizer, training.weight_decay),
    stepBlocker: compiledLossBlocker(training),
    x: toTensor(data.train.x, data.train.rows, data.inputShape),
    y: toTensor(data.train.y, data.train.rows, [data.targetWidth]),
    validation: data.validation && {
      x: toTensor(data.validation.x, data.validation.rows, data.inputShape),
      y: toTensor(data.validation.y, data.validation.rows, [data.targetWidth]),
    },
  };
}

/** The loss settings the compiled step does not reproduce: it computes the plain Keras losses by name. */
function compiledLossBlocker(training: TrainingSettings): string | undefined {
  if (training.class_weight !== undefined && Object.keys(training.class_weight).length > 0) return 'class weights are not compiled';
  if (training.torch_loss !== undefined) return `PyTorch's ${training.torch_loss} is not compiled`;
  if (training.loss_args !== undefined && Object.keys(training.loss_args).length > 0) return 'loss arguments (beta, delta) are not compiled';
  return undefined;
}

/** Which training step produced the main run's numbers, and why the compiled one was not used. */
export function engineNote(result: TrainResult): string {
  if (result.engine === 'compiled')
    return 'training step: compiled (one forward, backward and update pass over Float32Arrays in JS and WebAssembly, no TF.js ops)';
  return `training step: TF.js ops${result.engineReason ? ` (compiled step not used: ${result.engineReason})` : ''}`;
}

function recordMainRun(trace: SmokeTrace, result: TrainResult, input: SmokeInput, seconds: number): void {
  trace.steps = result.stepsRun;
  trace.stepsPerSecond = seconds > 0 ? result.stepsRun / seconds : 0;
  trace.loss = result.loss;
  trace.valLoss = result.valLoss;
  trace.probeSteps = result.probeSteps;
  trace.initialLoss = result.loss[0] ?? NaN;
  if (result.firstNonFinite) trace.firstNonFinite = result.firstNonFinite;
  trace.layers = result.kernels.map((kernel): LayerProbe => {
    const spec = input.model.layers[kernel.specIndex];
    const summary = input.summary.layers.find((l) => l.layer.name === spec.name) ?? input.summary.layers[kernel.specIndex];
    const health = result.activations.find((a) => a.specIndex === kernel.specIndex);
    const probe: LayerProbe = {
      index: summary?.index ?? kernel.specIndex,
      name: spec.name,
      activation: summary?.activation ?? spec.activation ?? 'linear',
      gradNorm: kernel.gradNorm,
      gradMeanAbs: kernel.gradMeanAbs,
      updateRatio: kernel.updateRatio,
    };
    if (health?.deadFraction !== undefined) probe.deadFraction = health.deadFraction;
    if (health?.saturatedFraction !== undefined) probe.saturatedFraction = health.saturatedFraction;
    return probe;
  });
}

/** ln C for crossentropy over C classes (ln 2 per output for binary); target variance for MSE. */
function expectedInitialLoss(input: SmokeInput, data: PreparedData): number | undefined {
  const name = canonicalLossName(input.training.loss);
  if (name === 'binary_crossentropy') return Math.LN2;
  if (name === 'categorical_crossentropy' || takesClassIds(name)) {
    const classes = input.summary.outputUnits;
    return classes > 1 ? Math.log(classes) : undefined;
  }
  if (name === 'mean_squared_error' && !isClassification(input.task)) {
    const { y, rows } = data.train;
    const width = data.targetWidth;
    let total = 0;
    for (let c = 0; c < width; c++) {
      const column: number[] = [];
      for (let r = 0; r < rows; r++) column.push(y[r * width + c]);
      total += (variance(column) * (rows - 1)) / rows;
    }
    return total / width;
  }
  return undefined;
}

function emptyTrace(seed: number, plannedSteps: number, learningRate: number): SmokeTrace {
  return {
    backend: 'none',
    seed,
    steps: 0,
    plannedSteps,
    seconds: 0,
    stepsPerSecond: 0,
    batchSize: 0,
    learningRate,
    loss: [],
    valLoss: [],
    probeSteps: [],
    initialLoss: NaN,
    layers: [],
    init: { layerNames: [], activationStd: [], gradNorm: [] },
    controls: { baseline: { kind: 'mean', loss: NaN } },
    skipped: [],
  };
}

function skipAll<T>(trace: SmokeTrace, reason: string, finish: () => T): T {
  trace.skipped.push({ what: 'smoke run', reason });
  return finish();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
