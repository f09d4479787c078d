// Small measurements the training loop takes at probe steps. Each returns tensors or numbers for one
// concern; the loop decides when to call them and when to read them back.
import * as tf from '@tensorflow/tfjs';
import type { SignalAtInit } from './types.ts';
import type { BuiltLayer } from './build-model.ts';
import type { LossFn } from './losses.ts';
import { DYING_ACTIVATIONS, HARD_SATURATING } from '../model/activation-families.ts';

/** A pre-activation beyond this magnitude puts sigmoid/tanh in their flat tails (DeepDiagnosis). */
export const SATURATION_THRESHOLD = 5;
/** A unit counts as saturated when it sits in the tails on more than this share of the batch. */
export const SATURATED_SHARE = 0.5;

/**
 * The L2 norm as sqrt(sum(x * x)). tf.norm squares through the Pow kernel, which on WASM costs about
 * as much as the Square, Sum and Sqrt together (17 against 10 ms CPU for a 1024x1024 kernel), and a
 * probe of a wide model takes several such norms.
 */
export function l2Norm(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(x))) as tf.Scalar);
}

/** [L2 norm, mean |g|] of one gradient. */
export function gradientStats(gradient: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.stack([l2Norm(gradient), tf.mean(tf.abs(gradient))]) as tf.Tensor1D);
}

/** ||w_after - w_before|| / ||w_before||: how far one step moved the weights relative to their size. */
export function updateRatio(before: tf.Tensor, after: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(l2Norm(tf.sub(after, before)), tf.maximum(l2Norm(before), 1e-12)) as tf.Scalar);
}

export interface ActivationHealth {
  specIndex: number;
  deadFraction?: number;
  saturatedFraction?: number;
}

/** Layers whose activation can die or saturate, with a model that exposes their pre-activations. */
export interface ActivationProbe {
  layers: BuiltLayer[];
  model?: tf.LayersModel;
}

export function makeActivationProbe(model: tf.LayersModel, built: BuiltLayer[]): ActivationProbe {
  const layers = built.filter((l) => l.core !== l.output && (DYING_ACTIVATIONS.has(l.activation) || HARD_SATURATING.has(l.activation)));
  if (layers.length === 0) return { layers };
  const outputs = layers.map((l) => l.core.output as tf.SymbolicTensor);
  return { layers, model: tf.model({ inputs: model.inputs, outputs }) };
}

/**
 * Dead units: a ReLU unit whose pre-activation is never positive on the batch (every position, for conv).
 * Saturated units: a sigmoid/tanh unit whose pre-activation is beyond +-5 on most of the batch.
 */
export function activationHealth(probe: ActivationProbe, x: tf.Tensor): ActivationHealth[] {
  if (probe.model === undefined) return [];
  const fractions = tf.tidy(() => {
    const raw = probe.model!.predict(x);
    const outputs = Array.isArray(raw) ? raw : [raw];
    return tf.stack(
      outputs.map((pre, i) => {
        const units = pre.shape[pre.shape.length - 1] ?? 1;
        const flat = tf.reshape(pre, [-1, units]);
        if (DYING_ACTIVATIONS.has(probe.layers[i].activation)) {
          return tf.mean(tf.cast(tf.lessEqual(tf.max(flat, 0), 0), 'float32'));
        }
        const inTails = tf.mean(tf.cast(tf.greater(tf.abs(flat), SATURATION_THRESHOLD), 'float32'), 0);
        return tf.mean(tf.cast(tf.greater(inTails, SATURATED_SHARE), 'float32'));
      }),
    );
  });
  const values = fractions.dataSync();
  fractions.dispose();
  return probe.layers.map((l, i) =>
    DYING_ACTIVATIONS.has(l.activation) ? { specIndex: l.specIndex, deadFraction: values[i] } : { specIndex: l.specIndex, saturatedFraction: values[i] },
  );
}

/**
 * Signal propagation at initialization: the std of each weighted layer's output on one batch and the
 * norm of its kernel gradient, layer by layer (a 10x drift across the net points at the init scale).
 */
export function signalAtInit(model: tf.LayersModel, built: BuiltLayer[], loss: LossFn, x: tf.Tensor, y: tf.Tensor): SignalAtInit {
  const weighted = built.filter((l) => l.kernel !== undefined);
  if (weighted.length === 0) return { layerNames: [], activationStd: [], gradNorm: [] };
  const outputsModel = tf.model({ inputs: model.inputs, outputs: weighted.map((l) => l.output.output as tf.SymbolicTensor) });
  const stds = tf.tidy(() => {
    const raw = outputsModel.predict(x);
    const outputs = Array.isArray(raw) ? raw : [raw];
    return tf.stack(outputs.map((o) => tf.sqrt(tf.moments(o).variance)));
  });
  const kernels = weighted.map((l) => l.kernel!.read() as tf.Variable);
  const norms = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => loss(y, model.apply(x, { training: false }) as tf.Tensor), kernels);
    return tf.stack(kernels.map((k) => l2Norm(grads[k.name])));
  });
  const result = {
    layerNames: weighted.map((l) => l.spec.name),
    activationStd: Array.from(stds.dataSync()),
    gradNorm: Array.from(norms.dataSync()),
  };
  tf.dispose([stds, norms]);
  return result;
}
