// Every optimizer argument a config or Keras file can carry is either honoured by the smoke run exactly
// as Keras applies it, or named in a notice (never dropped silently). Hooks for train.ts: gradient
// clipping (Keras `_clip_gradients`) and the legacy `decay` rate (Keras 2: lr / (1 + decay * iterations)).
import { ownEntry } from '../own-entry.ts';
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../config/types.ts';

/** The arguments each Keras optimizer takes besides the learning rate and the ones every optimizer takes. */
export const OPTIMIZER_OWN_KEYS: Record<string, readonly string[]> = {
  sgd: ['momentum', 'nesterov'],
  adam: ['beta_1', 'beta_2', 'epsilon', 'amsgrad'],
  adamw: ['beta_1', 'beta_2', 'epsilon', 'amsgrad'],
  rmsprop: ['rho', 'momentum', 'epsilon', 'centered'],
  adagrad: ['initial_accumulator_value', 'epsilon'],
  adadelta: ['rho', 'epsilon'],
  adamax: ['beta_1', 'beta_2', 'epsilon'],
};

/** Keras base-optimizer arguments, honoured for every optimizer by the hooks below (and weightDecayOf). */
export const COMMON_KEYS = ['weight_decay', 'clipnorm', 'clipvalue', 'global_clipnorm', 'decay'] as const;

/**
 * Keras-file optimizer settings that do not change a training step: compilation, bookkeeping, and
 * settings that only act together with one that is off (ema_* without use_ema).
 */
const NO_EFFECT_KEYS = new Set([
  'jit_compile',
  'is_legacy_optimizer',
  'loss_scale_factor',
  'ema_momentum',
  'ema_overwrite_frequency',
  'use_ema',
  'gradient_accumulation_steps',
]);

/** TF.js's Adagrad fixes its epsilon at the float32 backend epsilon, which is Keras's default. */
const ADAGRAD_FIXED_EPSILON = 1e-7;

export interface RefusedKey {
  key: string;
  reason: string;
}

/** The optimizer arguments the smoke run does not apply, each with the reason (empty when all are honoured). */
export function refusedOptimizerKeys(spec: OptimizerSpec): RefusedKey[] {
  // A torch.optim optimizer takes exactly the arguments the schema lets through under `framework: pytorch`,
  // and the PyTorch update rules (torch-optimizers.ts) apply every one of them.
  if (spec.framework === 'pytorch') return [];
  const name = spec.name.toLowerCase();
  const own = ownEntry(OPTIMIZER_OWN_KEYS, name) ?? [];
  const refused: RefusedKey[] = [];
  for (const [key, value] of Object.entries(spec.args)) {
    if ((COMMON_KEYS as readonly string[]).includes(key)) continue;
    if (NO_EFFECT_KEYS.has(key)) {
      if (key === 'use_ema' && value === true)
        refused.push({ key, reason: 'the smoke run trains without the moving average of the weights (use_ema), so its final weights are the raw ones' });
      if (key === 'gradient_accumulation_steps' && typeof value === 'number' && value > 1)
        refused.push({ key, reason: `the smoke run updates after every batch; accumulating ${value} batches per update is not simulated` });
      continue;
    }
    if (!own.includes(key)) {
      refused.push({ key, reason: `${name} takes no \`${key}\` (Keras rejects it), so the smoke run ignores it` });
      continue;
    }
    if (name === 'adagrad' && key === 'epsilon' && typeof value === 'number' && Math.abs(value - ADAGRAD_FIXED_EPSILON) > 1e-12) {
      refused.push({ key, reason: `TF.js Adagrad fixes epsilon at ${ADAGRAD_FIXED_EPSILON}, so the configured ${value} is not applied` });
    }
  }
  const clipping = (['clipnorm', 'global_clipnorm', 'clipvalue'] as const).filter((k) => positiveArg(spec, k) !== undefined);
  if (clipping.length > 1) {
    refused.push({
      key: clipping.slice(1).join(', '),
      reason: `Keras accepts only one of clipnorm, clipvalue and global_clipnorm; the smoke run applies ${clipping[0]} (Keras's order) and not ${clipping.slice(1).join(' or ')}`,
    });
  }
  return refused;
}

function positiveArg(spec: OptimizerSpec, key: string): number | undefined {
  const value = spec.args[key];
  return typeof value === 'number' && value > 0 ? value : undefined;
}

type Gradients = Record<string, tf.Tensor>;

/**
 * Keras's gradient clipping, in its order: clipnorm (each gradient to that L2 norm), else global_clipnorm
 * (all gradients scaled together by their joint norm), else clipvalue (each value into [-v, v]).
 * Undefined when the config clips nothing. Call inside tf.tidy.
 */
export function gradientClipper(spec: OptimizerSpec): ((grads: Gradients) => Gradients) | undefined {
  const clipnorm = positiveArg(spec, 'clipnorm');
  const globalClipnorm = positiveArg(spec, 'global_clipnorm');
  const clipvalue = positiveArg(spec, 'clipvalue');
  if (clipnorm !== undefined) {
    // values * clipnorm / max(||values||, clipnorm), as Keras's _clip_by_norm
    return (grads) => mapGrads(grads, (g) => tf.div(tf.mul(g, clipnorm), tf.maximum(tf.norm(g), clipnorm)));
  }
  if (globalClipnorm !== undefined) {
    return (grads) => {
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      // clip_norm * min(1 / norm, 1 / clip_norm); a non-finite norm makes every gradient NaN, as in Keras.
      const scale = tf.add(tf.mul(globalClipnorm, tf.minimum(tf.div(1, norm), 1 / globalClipnorm)), tf.sub(norm, norm));
      return mapGrads(grads, (g) => tf.mul(g, scale));
    };
  }
  if (clipvalue !== undefined) return (grads) => mapGrads(grads, (g) => tf.clipByValue(g, -clipvalue, clipvalue));
  return undefined;
}

function mapGrads(grads: Gradients, fn: (g: tf.Tensor) => tf.Tensor): Gradients {
  return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, fn(g)]));
}

/** The Keras 2 `decay` argument: the rate at step t (0-based, before the update) is lr / (1 + decay * t). */
export function decaySchedule(spec: OptimizerSpec, learningRate: number): ((step: number) => number) | undefined {
  const decay = positiveArg(spec, 'decay');
  if (decay === undefined) return undefined;
  return (step) => learningRate / (1 + decay * step);
}

/**
 * How the smoke run treats each key under `training:`. Keys it applies say so; the others say why a
 * short seeded run leaves them out (they shape a whole training, not its first few hundred steps).
 */
export const TRAINING_KEY_HANDLING: Record<string, { applied: true } | { applied: false; reason: string }> = {
  loss: { applied: true },
  from_logits: { applied: true },
  optimizer: { applied: true },
  framework: { applied: true },
  lr: { applied: true },
  learning_rate: { applied: true },
  batch_size: { applied: true },
  weight_decay: { applied: true },
  epochs: { applied: false, reason: 'the smoke run trains `smoke.steps` steps, not whole epochs' },
  class_weight: { applied: true },
  early_stopping: { applied: false, reason: 'the smoke run is far shorter than any patience; it never stops early' },
};

/**
 * Adadelta as Keras computes it. TF.js's divides by the accumulated squared gradient of the step before
 * (so its first step is lr * g, 1/sqrt(1 - rho) times Keras's); Keras uses the one just updated.
 */
export class KerasAdadeltaOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'KerasAdadelta';
  }
  private readonly slots = new Map<string, { grad: tf.Variable; delta: tf.Variable }>();

  constructor(
    public learningRate: number,
    private readonly rho: number,
    private readonly epsilon: number,
  ) {
    super();
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const named = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    for (const [name, gradient] of named) {
      const variable = registered[name];
      if (variable === undefined || gradient == null) continue;
      let slot = this.slots.get(name);
      if (slot === undefined) {
        slot = { grad: tf.variable(tf.zerosLike(variable), false), delta: tf.variable(tf.zerosLike(variable), false) };
        this.slots.set(name, slot);
      }
      const { grad, delta } = slot;
      tf.tidy(() => {
        const newGrad = tf.add(tf.mul(grad, this.rho), tf.mul(tf.square(gradient), 1 - this.rho));
        const step = tf.mul(tf.div(tf.sqrt(tf.add(delta, this.epsilon)), tf.sqrt(tf.add(newGrad, this.epsilon))), gradient);
        grad.assign(newGrad);
        delta.assign(tf.add(tf.mul(delta, this.rho), tf.mul(tf.square(step), 1 - this.rho)));
        variable.assign(tf.sub(variable, tf.mul(step, this.learningRate)));
      });
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const { grad, delta } of this.slots.values()) tf.dispose([grad, delta]);
    this.slots.clear();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}
