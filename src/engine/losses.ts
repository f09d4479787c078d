// Keras losses written as TF.js ops, with Keras semantics: mean over the last axis, then over the batch;
// probabilities clipped to [1e-7, 1 - 1e-7] unless from_logits.
import * as tf from '@tensorflow/tfjs';
import { ownEntry } from '../own-entry.ts';

/** (targets, predictions) -> scalar mean loss over the batch */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

const KERAS_EPSILON = 1e-7;
const HUBER_DELTA = 1;

const ALIASES: Record<string, string> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  huber_loss: 'huber',
  logcosh: 'log_cosh',
  kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
  cosine_proximity: 'cosine_similarity',
  bce: 'binary_crossentropy',
  cce: 'categorical_crossentropy',
  scce: 'sparse_categorical_crossentropy',
};

export function canonicalLossName(name: string): string {
  const lower = name.toLowerCase();
  return ownEntry(ALIASES, lower) ?? lower;
}

/** Losses that take class ids (one column) rather than one column per output unit. */
export function takesClassIds(name: string): boolean {
  const canonical = canonicalLossName(name);
  return canonical === 'sparse_categorical_crossentropy' || canonical === 'nll_loss';
}

/** Losses whose input is log-probabilities (PyTorch's NLLLoss and KLDivLoss): the output of a LogSoftmax. */
export const LOG_PROBABILITY_LOSSES: ReadonlySet<string> = new Set(['nll_loss', 'kl_div']);

/** What a loss needs beyond its name: the framework whose formula it is, and SmoothL1's beta / Huber's delta. */
export interface LossOptions {
  framework?: 'pytorch' | 'keras';
  beta?: number;
  delta?: number;
}

/** PyTorch's BCELoss clamps each log term at -100 instead of clipping the probabilities. */
const TORCH_LOG_FLOOR = -100;

export function isCrossentropy(name: string): boolean {
  return canonicalLossName(name).endsWith('crossentropy');
}

/** The loss by Keras name, or undefined when the smoke run does not know it. */
export function makeLoss(name: string, fromLogits: boolean, options: LossOptions = {}, classWeight?: Record<string, number>): LossFn | undefined {
  const perSample = perSampleLoss(canonicalLossName(name), fromLogits, options);
  if (perSample === undefined) return undefined;
  if (classWeight === undefined || Object.keys(classWeight).length === 0) {
    return (yTrue, yPred) => tf.tidy(() => tf.mean(perSample(tf.cast(yTrue, 'float32'), yPred)) as tf.Scalar);
  }
  // Keras class_weight: each row's loss times its class's weight (classes not listed weigh 1), then the
  // mean over the batch (Keras's sum_over_batch_size). The class is the id in one column, else the argmax.
  const ids = Object.keys(classWeight).map(Number);
  const table = Array.from({ length: Math.max(...ids) + 1 }, (_, i) => classWeight[String(i)] ?? 1);
  return (yTrue, yPred) =>
    tf.tidy(() => {
      const y = tf.cast(yTrue, 'float32');
      const width = y.shape[y.shape.length - 1] ?? 1;
      const classOf = width === 1 ? tf.cast(tf.round(tf.reshape(y, [-1])), 'int32') : tf.argMax(y, -1);
      const inTable = tf.clipByValue(classOf, 0, table.length - 1);
      const known = tf.logicalAnd(tf.greaterEqual(classOf, 0), tf.less(classOf, table.length));
      const weights = tf.where(known, tf.gather(tf.tensor1d(table), inTable), tf.onesLike(inTable).toFloat());
      return tf.mean(tf.mul(tf.reshape(perSample(y, yPred), [-1]), weights)) as tf.Scalar;
    });
}

type PerSample = (y: tf.Tensor, p: tf.Tensor) => tf.Tensor;

function perSampleLoss(name: string, fromLogits: boolean, options: LossOptions): PerSample | undefined {
  const delta = options.delta ?? HUBER_DELTA;
  switch (name) {
    // PyTorch's own losses; with reduction 'mean' each averages over every element, which the mean over
    // the last axis and then over the batch equals (every row has the same width).
    case 'nll_loss':
      // -input[i, target_i], the input being log-probabilities.
      return (y, p) => {
        const classes = p.shape[p.shape.length - 1] ?? 1;
        return tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), classes), p), -1));
      };
    case 'kl_div':
      // target * (log(target) - input), 0 where target is 0; input is log-probabilities.
      return (y, p) => tf.mean(tf.sub(tf.where(tf.greater(y, 0), tf.mul(y, tf.log(tf.maximum(y, 1e-30))), tf.zerosLike(y)), tf.mul(y, p)), -1);
    case 'smooth_l1': {
      const beta = options.beta ?? 1;
      if (beta === 0) return (y, p) => tf.mean(tf.abs(tf.sub(p, y)), -1);
      return (y, p) => {
        const error = tf.abs(tf.sub(p, y));
        const quadratic = tf.minimum(error, beta);
        return tf.mean(tf.add(tf.div(tf.mul(0.5, tf.square(quadratic)), beta), tf.sub(error, quadratic)), -1);
      };
    }
    case 'mean_squared_error':
      return (y, p) => tf.mean(tf.square(tf.sub(p, y)), -1);
    case 'mean_absolute_error':
      return (y, p) => tf.mean(tf.abs(tf.sub(p, y)), -1);
    case 'mean_absolute_percentage_error':
      return (y, p) => tf.mul(100, tf.mean(tf.abs(tf.div(tf.sub(y, p), tf.maximum(tf.abs(y), KERAS_EPSILON))), -1));
    case 'mean_squared_logarithmic_error':
      return (y, p) => tf.mean(tf.square(tf.sub(log1pClipped(p), log1pClipped(y))), -1);
    case 'huber':
      return (y, p) => {
        // 0.5 e^2 inside delta, delta (|e| - delta/2) outside, without a branch (no gradient through a comparison).
        const error = tf.abs(tf.sub(p, y));
        const quadratic = tf.minimum(error, delta);
        const linear = tf.sub(error, quadratic);
        return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear)), -1);
      };
    case 'log_cosh':
      return (y, p) => {
        const d = tf.sub(p, y);
        return tf.mean(tf.sub(tf.add(d, tf.softplus(tf.mul(-2, d))), Math.LN2), -1);
      };
    case 'poisson':
      return (y, p) => tf.mean(tf.sub(p, tf.mul(y, tf.log(tf.add(p, KERAS_EPSILON)))), -1);
    case 'kl_divergence':
      return (y, p) => {
        const yc = tf.clipByValue(y, KERAS_EPSILON, 1);
        const pc = tf.clipByValue(p, KERAS_EPSILON, 1);
        return tf.sum(tf.mul(yc, tf.log(tf.div(yc, pc))), -1);
      };
    case 'cosine_similarity':
      return (y, p) => tf.neg(tf.sum(tf.mul(l2Normalize(y), l2Normalize(p)), -1));
    case 'hinge':
      return (y, p) => tf.mean(tf.relu(tf.sub(1, tf.mul(signedLabels(y), p))), -1);
    case 'squared_hinge':
      return (y, p) => tf.mean(tf.square(tf.relu(tf.sub(1, tf.mul(signedLabels(y), p)))), -1);
    case 'categorical_hinge':
      return (y, p) => {
        const positive = tf.sum(tf.mul(y, p), -1);
        const negative = tf.max(tf.mul(tf.sub(1, y), p), -1);
        return tf.relu(tf.add(tf.sub(negative, positive), 1));
      };
    case 'binary_crossentropy':
      if (options.framework === 'pytorch' && !fromLogits) {
        return (y, p) =>
          tf.neg(
            tf.mean(tf.add(tf.mul(y, tf.maximum(tf.log(p), TORCH_LOG_FLOOR)), tf.mul(tf.sub(1, y), tf.maximum(tf.log(tf.sub(1, p)), TORCH_LOG_FLOOR))), -1),
          );
      }
      return (y, p) => tf.mean(binaryCrossentropy(y, p, fromLogits), -1);
    case 'categorical_crossentropy':
      return (y, p) => categoricalCrossentropy(y, p, fromLogits);
    case 'sparse_categorical_crossentropy':
      return (y, p) => {
        const classes = p.shape[p.shape.length - 1] ?? 1;
        const ids = tf.cast(tf.reshape(y, [-1]), 'int32');
        return categoricalCrossentropy(tf.oneHot(ids, classes), p, fromLogits);
      };
    default:
      return undefined;
  }
}

function binaryCrossentropy(y: tf.Tensor, p: tf.Tensor, fromLogits: boolean): tf.Tensor {
  if (fromLogits) {
    // max(x, 0) - x*y + log(1 + exp(-|x|)): stable for large logits.
    return tf.add(tf.sub(tf.relu(p), tf.mul(p, y)), tf.log1p(tf.exp(tf.neg(tf.abs(p)))));
  }
  const pc = tf.clipByValue(p, KERAS_EPSILON, 1 - KERAS_EPSILON);
  return tf.neg(tf.add(tf.mul(y, tf.log(tf.add(pc, KERAS_EPSILON))), tf.mul(tf.sub(1, y), tf.log(tf.add(tf.sub(1, pc), KERAS_EPSILON)))));
}

function categoricalCrossentropy(y: tf.Tensor, p: tf.Tensor, fromLogits: boolean): tf.Tensor {
  if (fromLogits) return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(p, -1)), -1));
  const normalized = tf.div(p, tf.sum(p, -1, true));
  return tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(normalized, KERAS_EPSILON, 1 - KERAS_EPSILON))), -1));
}

/** Keras hinge losses turn 0/1 labels into -1/1. */
function signedLabels(y: tf.Tensor): tf.Tensor {
  const isBinary = tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1)).all();
  return tf.where(isBinary, tf.sub(tf.mul(y, 2), 1), y);
}

function log1pClipped(x: tf.Tensor): tf.Tensor {
  return tf.log(tf.add(tf.maximum(x, KERAS_EPSILON), 1));
}

function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12)));
}
