// The smoke training loop: one pass, top to bottom. It reads numbers back from the engine only at
// probe steps, so the steps in between run without synchronisation.
import * as tf from '@tensorflow/tfjs';
import type { BuiltLayer } from './build-model.ts';
import type { LossFn } from './losses.ts';
import { Prng } from './prng.ts';
import { batchSizeFor } from './input.ts';
import { setLearningRate } from './optimizers.ts';
import { activationHealth, gradientStats, makeActivationProbe, updateRatio, type ActivationHealth } from './probes.ts';

export interface WeightPenalty {
  variable: tf.Variable;
  l1: number;
  l2: number;
}

export interface TrainSetup {
  model: tf.LayersModel;
  layers: BuiltLayer[];
  x: tf.Tensor;
  y: tf.Tensor;
  validation?: { x: tf.Tensor; y: tf.Tensor };
  loss: LossFn;
  optimizer: tf.Optimizer;
  batchSize: number;
  steps: number;
  seed: number;
  learningRate: number;
  penalties: WeightPenalty[];
  /** decoupled weight decay factor (w -= lr * decay * w after each step) */
  weightDecay: number;
  /** performance.now() time at which the loop must stop */
  deadline: number;
  /** take probes at step 0, every `probeEvery` steps and at the last step; 0 = no probes */
  probeEvery: number;
  /** learning rate per step (the LR range test); the constant rate when absent */
  schedule?: (step: number) => number;
  /** Keras gradient clipping (clipnorm, global_clipnorm, clipvalue), applied before the update; none when absent */
  clipGradients?: (grads: Record<string, tf.Tensor>) => Record<string, tf.Tensor>;
  /** checked on the losses read back so far; true ends the run (the LR range test's divergence rule) */
  stopWhen?: (losses: number[]) => boolean;
}

export interface KernelProbe {
  specIndex: number;
  gradNorm: number[];
  gradMeanAbs: number[];
  updateRatio: number[];
}

export interface TrainResult {
  loss: number[];
  valLoss: number[];
  probeSteps: number[];
  kernels: KernelProbe[];
  activations: ActivationHealth[];
  firstNonFinite?: { step: number; where: 'loss' | 'gradient' | 'weight'; layer?: string };
  stepsRun: number;
  /** true when the deadline ended the run before its planned steps */
  cutByBudget: boolean;
  /** which training step ran: TF.js ops (this file) or the compiled program (compiled/compiled-step.ts) */
  engine: 'tfjs' | 'compiled';
  /** why the TF.js step ran when the compiled one was allowed */
  engineReason?: string;
}

/** Losses are read back in chunks of this many steps when no probes are taken. */
const READBACK_EVERY = 10;
const PROBE_ROWS = 256;
const VALIDATION_ROWS = 512;

export function train(setup: TrainSetup): TrainResult {
  const { model, layers, x, y, loss, optimizer, steps } = setup;
  const rows = x.shape[0];
  const batchSize = batchSizeFor(setup.batchSize, rows);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const layerVariables = layers.map((l) => l.core.trainableWeights.map((w) => w.read() as tf.Variable)).filter((vs) => vs.length > 0);
  const layerNames = layers.filter((l) => l.core.trainableWeights.length > 0).map((l) => l.spec.name);
  const probed = layers.filter((l) => l.kernel !== undefined && l.kernel.trainable);
  const activationProbe = setup.probeEvery > 0 ? makeActivationProbe(model, layers) : undefined;
  const probeX = activationProbe?.model ? x.slice(0, Math.min(rows, PROBE_ROWS)) : undefined;
  const readEvery = setup.probeEvery > 0 ? setup.probeEvery : READBACK_EVERY;

  const result: TrainResult = {
    loss: [],
    valLoss: [],
    probeSteps: [],
    activations: [],
    stepsRun: 0,
    cutByBudget: false,
    engine: 'tfjs',
    kernels: probed.map((l) => ({ specIndex: l.specIndex, gradNorm: [], gradMeanAbs: [], updateRatio: [] })),
  };
  // Per step: [loss, sum of each layer's gradients, sum of each layer's weights].
  let pendingHealth: tf.Tensor1D[] = [];
  const batches = batchStream(rows, batchSize, setup.seed);

  for (let step = 0; step < steps; step++) {
    // The budget is checked before each step: a cut run still has every number it read.
    if (performance.now() > setup.deadline) {
      result.cutByBudget = true;
      break;
    }
    const isProbe = setup.probeEvery > 0 && (step % setup.probeEvery === 0 || step === steps - 1);
    const isReadback = isProbe || (step + 1) % readEvery === 0 || step === steps - 1;
    if (setup.schedule) setLearningRate(optimizer, setup.schedule(step));

    const kernelsBefore = isProbe ? probed.map((l) => tf.clone(l.kernel!.read())) : [];
    const { health, gradStats } = tf.tidy(() => {
      const indices = tf.tensor1d(batches.next(), 'int32');
      const xb = tf.gather(x, indices);
      const yb = tf.gather(y, indices);
      // Forward and backward in training mode (dropout on, batch statistics), penalties included as Keras does.
      const { value, grads } = tf.variableGrads(
        () => tf.add(loss(yb, model.apply(xb, { training: true }) as tf.Tensor), penaltyOf(setup.penalties)) as tf.Scalar,
        variables,
      );
      // Keras order: clip the gradients, decay the weights (var -= var * wd * lr), then the optimizer's update.
      applyWeightDecay(variables, setup.weightDecay * (setup.schedule ? setup.schedule(step) : setup.learningRate));
      optimizer.applyGradients(setup.clipGradients ? setup.clipGradients(grads) : grads);
      // One sum per layer: a NaN or infinity anywhere in it makes the sum non-finite, checked after read-back.
      const gradSums = layerVariables.map((vs) => tf.addN(vs.map((v) => tf.sum(grads[v.name]))));
      const weightSums = layerVariables.map((vs) => tf.addN(vs.map((v) => tf.sum(v))));
      const stats = isProbe ? probed.map((l) => gradientStats(grads[(l.kernel!.read() as tf.Variable).name])) : [];
      return { health: tf.stack([value, ...gradSums, ...weightSums]) as tf.Tensor1D, gradStats: stats };
    });
    pendingHealth.push(health);
    result.stepsRun = step + 1;

    if (isProbe) {
      recordProbe(result, setup, step, kernelsBefore, gradStats, probed);
      if (activationProbe && probeX) result.activations = activationHealth(activationProbe, probeX);
    }
    tf.dispose([...kernelsBefore, ...gradStats]);

    if (isReadback) {
      const firstBad = readBack(result, pendingHealth, layerNames, step + 1 - pendingHealth.length);
      pendingHealth = [];
      // Once the loss is not finite every later number is noise: stop at the first bad step.
      if (firstBad !== undefined) {
        result.loss = result.loss.slice(0, firstBad + 1);
        result.stepsRun = firstBad + 1;
        break;
      }
      if (setup.stopWhen?.(result.loss)) break;
    }
  }
  if (pendingHealth.length > 0) readBack(result, pendingHealth, layerNames, result.stepsRun - pendingHealth.length);
  probeX?.dispose();
  return result;
}

/** Gradient norms, update ratios and validation loss at one probe step, read back in one go. */
function recordProbe(result: TrainResult, setup: TrainSetup, step: number, before: tf.Tensor[], gradStats: tf.Tensor1D[], probed: BuiltLayer[]): void {
  const values = tf.tidy(() => {
    const ratios = probed.map((l, i) => updateRatio(before[i], l.kernel!.read()));
    const parts: tf.Tensor[] = [...gradStats, ...ratios.map((r) => r.reshape([1]))];
    if (setup.validation) parts.push(validationLoss(setup).reshape([1]));
    return parts.length > 0 ? tf.concat(parts) : tf.zeros([0]);
  });
  const data = values.dataSync();
  values.dispose();
  result.probeSteps.push(step);
  result.kernels.forEach((k, i) => {
    k.gradNorm.push(data[2 * i]);
    k.gradMeanAbs.push(data[2 * i + 1]);
    k.updateRatio.push(data[2 * probed.length + i]);
  });
  if (setup.validation) result.valLoss.push(data[3 * probed.length]);
}

function validationLoss(setup: TrainSetup): tf.Scalar {
  const { x, y } = setup.validation!;
  const n = Math.min(x.shape[0], VALIDATION_ROWS);
  const prediction = setup.model.apply(x.slice(0, n), { training: false }) as tf.Tensor;
  return tf.add(setup.loss(y.slice(0, n), prediction), penaltyOf(setup.penalties)) as tf.Scalar;
}

/** Appends the pending losses; returns the first step with a non-finite loss, gradient or weight. */
function readBack(result: TrainResult, pending: tf.Tensor1D[], layerNames: string[], firstStep: number): number | undefined {
  const stacked = tf.stack(pending);
  const rows = stacked.arraySync() as number[][];
  tf.dispose([stacked, ...pending]);
  const n = layerNames.length;
  for (let i = 0; i < rows.length; i++) {
    const [value, ...sums] = rows[i];
    result.loss.push(value);
    if (result.firstNonFinite !== undefined) continue;
    const step = firstStep + i;
    // Within one step the loss comes first, then the gradients, then the updated weights.
    const badGradient = sums.slice(0, n).findIndex((sum) => !Number.isFinite(sum));
    const badWeight = sums.slice(n).findIndex((sum) => !Number.isFinite(sum));
    if (!Number.isFinite(value)) result.firstNonFinite = { step, where: 'loss' };
    else if (badGradient >= 0) result.firstNonFinite = { step, where: 'gradient', layer: layerNames[badGradient] };
    else if (badWeight >= 0) result.firstNonFinite = { step, where: 'weight', layer: layerNames[badWeight] };
    if (result.firstNonFinite !== undefined) return step;
  }
  return undefined;
}

function penaltyOf(penalties: WeightPenalty[]): tf.Scalar {
  return tf.tidy(() =>
    penalties.reduce((sum: tf.Scalar, p) => {
      let term = sum;
      if (p.l1 > 0) term = tf.add(term, tf.mul(p.l1, tf.sum(tf.abs(p.variable))));
      if (p.l2 > 0) term = tf.add(term, tf.mul(p.l2, tf.sum(tf.square(p.variable))));
      return term;
    }, tf.scalar(0)),
  );
}

function applyWeightDecay(variables: tf.Variable[], factor: number): void {
  if (factor <= 0) return;
  for (const v of variables) v.assign(tf.mul(v, 1 - factor));
}

/** Seeded shuffling: a fresh permutation each epoch, batches taken in order, the last partial batch dropped. */
export function batchStream(rows: number, batchSize: number, seed: number): { next(): Int32Array } {
  const prng = new Prng(seed);
  let order = prng.permutation(rows);
  let position = 0;
  return {
    next() {
      if (position + batchSize > rows) {
        order = prng.permutation(rows);
        position = 0;
      }
      const batch = order.slice(position, position + batchSize);
      position += batchSize;
      return batch;
    },
  };
}
