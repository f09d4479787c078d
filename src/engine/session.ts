// Everything one smoke run shares between the main run and the controls: the prepared tensors, the loss,
// the optimizer settings. `trainFresh` builds a new seeded model for each run and disposes it after.
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec, OptimizerSpec, Task } from '../config/types.ts';
import { buildModelWithLayers, type BuiltLayer, type BuiltModel } from './build-model.ts';
import type { LossFn } from './losses.ts';
import { makeOptimizer } from './optimizers.ts';
import { decaySchedule, gradientClipper } from './optimizer-keys.ts';
import { train, type TrainResult, type TrainSetup, type WeightPenalty } from './train.ts';
import { CompiledModel, planCompiledStep, trainCompiled } from './compiled/compiled-step.ts';
import type { StepEngineChoice } from './compiled/choose.ts';
import { batchSizeFor } from './input.ts';

export interface RunContext {
  spec: ModelSpec;
  inputShape: number[];
  seed: number;
  task: Task;
  lossName: string;
  fromLogits: boolean;
  outputUnits: number;
  loss: LossFn;
  optimizer: OptimizerSpec;
  learningRate: number;
  batchSize: number;
  weightDecay: number;
  x: tf.Tensor;
  y: tf.Tensor;
  validation?: { x: tf.Tensor; y: tf.Tensor };
  /** which training step to use: the compiled one where the setup allows (auto, the default), or TF.js's */
  engine?: StepEngineChoice;
  /** why the compiled step cannot reproduce this run's loss (class weights, PyTorch loss semantics), when it cannot */
  stepBlocker?: string;
}

export interface FreshRunOptions {
  steps: number;
  deadline: number;
  probeEvery?: number;
  x?: tf.Tensor;
  y?: tf.Tensor;
  spec?: ModelSpec;
  batchSize?: number;
  withValidation?: boolean;
  schedule?: TrainSetup['schedule'];
  stopWhen?: TrainSetup['stopWhen'];
  /** runs on the fresh model before the first step (signal at initialization) */
  beforeTraining?: (built: BuiltModel) => void;
  /** runs on the trained model before it is disposed (final accuracy) */
  afterTraining?: (built: BuiltModel) => void;
}

export function trainFresh(ctx: RunContext, options: FreshRunOptions): TrainResult {
  const choice = ctx.engine ?? 'auto';
  if (choice !== 'tfjs') {
    const y = options.y ?? ctx.y;
    const plan = planCompiledStep({
      spec: options.spec ?? ctx.spec,
      inputShape: ctx.inputShape,
      lossName: ctx.lossName,
      optimizer: ctx.optimizer,
      targetWidth: y.shape[1] ?? 1,
      blocker: ctx.stepBlocker,
      batchSize: batchSizeFor(options.batchSize ?? ctx.batchSize, y.shape[0]),
    });
    if (plan.ok) return trainFreshCompiled(ctx, options);
    if (choice === 'compiled') throw new Error(`the compiled step cannot train this setup: ${plan.reason}`);
    return { ...trainFreshTfjs(ctx, options), engineReason: plan.reason };
  }
  return trainFreshTfjs(ctx, options);
}

// A run's tensors are read to the host once per tensor (the data stays the same across runs).
const hostCopies = new WeakMap<tf.Tensor, Float32Array>();
function hostValues(tensor: tf.Tensor): Float32Array {
  let values = hostCopies.get(tensor);
  if (values === undefined) {
    values = Float32Array.from(tensor.dataSync());
    hostCopies.set(tensor, values);
  }
  return values;
}

/** The same run as trainFreshTfjs, with the compiled step: same seeded model, data order and probes. */
function trainFreshCompiled(ctx: RunContext, options: FreshRunOptions): TrainResult {
  const built = buildModelWithLayers(tf, options.spec ?? ctx.spec, ctx.inputShape, ctx.seed);
  try {
    options.beforeTraining?.(built);
    const x = options.x ?? ctx.x;
    const y = options.y ?? ctx.y;
    const compiled = new CompiledModel(built.layers, ctx.inputShape);
    const validation =
      options.withValidation && ctx.validation
        ? { x: hostValues(ctx.validation.x), y: hostValues(ctx.validation.y), rows: ctx.validation.x.shape[0] }
        : undefined;
    const result = trainCompiled(compiled, {
      layers: built.layers,
      x: hostValues(x),
      y: hostValues(y),
      rows: x.shape[0],
      inputWidth: ctx.inputShape.reduce((a, b) => a * b, 1),
      targetWidth: y.shape[1] ?? 1,
      validation,
      lossName: ctx.lossName,
      fromLogits: ctx.fromLogits,
      optimizer: ctx.optimizer,
      batchSize: options.batchSize ?? ctx.batchSize,
      steps: options.steps,
      seed: ctx.seed,
      learningRate: ctx.learningRate,
      weightDecay: ctx.weightDecay,
      deadline: options.deadline,
      probeEvery: options.probeEvery ?? 0,
      schedule: options.schedule,
      stopWhen: options.stopWhen,
    });
    if (options.afterTraining) {
      compiled.writeBack();
      options.afterTraining(built);
    }
    return result;
  } finally {
    built.model.dispose();
  }
}

function trainFreshTfjs(ctx: RunContext, options: FreshRunOptions): TrainResult {
  const built = buildModelWithLayers(tf, options.spec ?? ctx.spec, ctx.inputShape, ctx.seed);
  const optimizer = makeOptimizer(ctx.optimizer, ctx.learningRate);
  if (optimizer === undefined) throw new Error(`optimizer '${ctx.optimizer.name}' is not supported by the smoke run`);
  try {
    options.beforeTraining?.(built);
    const result = train({
      model: built.model,
      layers: built.layers,
      x: options.x ?? ctx.x,
      y: options.y ?? ctx.y,
      validation: options.withValidation ? ctx.validation : undefined,
      loss: ctx.loss,
      optimizer,
      batchSize: options.batchSize ?? ctx.batchSize,
      steps: options.steps,
      seed: ctx.seed,
      learningRate: ctx.learningRate,
      penalties: penaltiesOf(built.layers),
      weightDecay: ctx.weightDecay,
      deadline: options.deadline,
      probeEvery: options.probeEvery ?? 0,
      // A control's own schedule (the range test) replaces the configured legacy decay.
      schedule: options.schedule ?? decaySchedule(ctx.optimizer, ctx.learningRate),
      clipGradients: gradientClipper(ctx.optimizer),
      stopWhen: options.stopWhen,
    });
    options.afterTraining?.(built);
    return result;
  } finally {
    optimizer.dispose();
    built.model.dispose();
  }
}

/** Keras l1/l2 regularizers of each layer, applied to the weights they name. */
function penaltiesOf(layers: BuiltLayer[]): WeightPenalty[] {
  return layers.flatMap((l) => {
    const penalties: WeightPenalty[] = [];
    const kernel = l.spec.kernel_regularizer;
    if (kernel && l.kernel && (kernel.l1 > 0 || kernel.l2 > 0)) penalties.push({ variable: l.kernel.read() as tf.Variable, ...kernel });
    const bias = l.spec.bias_regularizer;
    const biasWeight = l.core.weights.find((w) => w.originalName.endsWith('bias'));
    if (bias && biasWeight && (bias.l1 > 0 || bias.l2 > 0)) penalties.push({ variable: biasWeight.read() as tf.Variable, ...bias });
    return penalties;
  });
}

/** Whether the task's targets are classes (accuracy and class priors make sense). */
export function isClassification(task: Task): boolean {
  return task !== 'regression';
}
