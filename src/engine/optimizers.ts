// The configured optimizer with Keras defaults for every argument the config leaves out.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../config/types.ts';
import { HostAdamOptimizer } from './host-adam.ts';
import { makeTorchOptimizer } from './torch-optimizers.ts';
import { KerasAdadeltaOptimizer } from './optimizer-keys.ts';

const KERAS_EPSILON = 1e-7;

/** The TF.js optimizer for a Keras optimizer name, or undefined when the smoke run does not know it. */
export function makeOptimizer(spec: OptimizerSpec, learningRate: number): tf.Optimizer | undefined {
  if (spec.framework === 'pytorch') return makeTorchOptimizer(spec, learningRate);
  const arg = (key: string, fallback: number): number => {
    const value = spec.args[key];
    return typeof value === 'number' ? value : fallback;
  };
  switch (spec.name.toLowerCase()) {
    case 'sgd': {
      const momentum = arg('momentum', 0);
      if (momentum === 0) return tf.train.sgd(learningRate);
      return tf.train.momentum(learningRate, momentum, spec.args.nesterov === true);
    }
    case 'adam':
    case 'adamw':
      return new HostAdamOptimizer(learningRate, arg('beta_1', 0.9), arg('beta_2', 0.999), arg('epsilon', KERAS_EPSILON), spec.args.amsgrad === true);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate, arg('rho', 0.9), arg('momentum', 0), arg('epsilon', KERAS_EPSILON), spec.args.centered === true);
    case 'adagrad':
      return tf.train.adagrad(learningRate, arg('initial_accumulator_value', 0.1));
    case 'adadelta':
      return new KerasAdadeltaOptimizer(learningRate, arg('rho', 0.95), arg('epsilon', KERAS_EPSILON));
    case 'adamax':
      return tf.train.adamax(learningRate, arg('beta_1', 0.9), arg('beta_2', 0.999), arg('epsilon', KERAS_EPSILON));
    default:
      return undefined;
  }
}

/** Decoupled weight decay (Keras 3 `weight_decay`, AdamW's default 0.004 when not given). */
export function weightDecayOf(spec: OptimizerSpec, configured: number): number {
  // A torch.optim optimizer applies its own weight_decay inside the update.
  if (spec.framework === 'pytorch') return 0;
  if (configured > 0) return configured;
  const fromArgs = spec.args.weight_decay;
  if (typeof fromArgs === 'number') return fromArgs;
  return spec.name.toLowerCase() === 'adamw' ? 0.004 : 0;
}

/** TF.js optimizers read their rate at every step; SGD caches it as a tensor, refreshed by setLearningRate. */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const withSetter = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof withSetter.setLearningRate === 'function') withSetter.setLearningRate(learningRate);
  else withSetter.learningRate = learningRate;
}
