// Everything one smoke run shares between the main run and the controls: the prepared tensors, the loss,
// the optimizer settings. `trainFresh` builds a new seeded model for each run and disposes it after.
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec, OptimizerSpec, Task } from '../config/types.ts';
import { buildModelWithLayers, type BuiltLayer, type BuiltModel } from './build-model.ts';
import type { LossFn } from './losses.ts';
import { makeOptimizer } from './optimizers.ts';
import { decaySchedule, gradientClipper } from './optimizer-keys.ts';
import { train, type TrainResult, type TrainSetup, type WeightPenalty } from './train.ts';

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
