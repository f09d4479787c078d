// torch.optim's update rules (SGD, Adam, AdamW, RMSprop, Adagrad) as PyTorch documents and implements them,
// so a config under `framework: pytorch` trains with PyTorch's semantics, not Keras's lookalikes:
// SGD momentum is v = mu*v + (1 - dampening)*g with v = g on the first step and p -= lr*v (Keras: v = mu*v - lr*g);
// weight_decay is L2 added to the gradient except in AdamW (decoupled); RMSprop and Adam add eps outside the sqrt.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../config/types.ts';

type Kind = 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
const KINDS: readonly Kind[] = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad'];

interface ParamState {
  step: number;
  buffers: Record<string, tf.Variable>;
}

export class TorchOptimizer extends tf.Optimizer {
  static className = 'NnPreflightTorchOptimizer';
  /** read at every step, so the learning-rate range test can change it (train.ts setLearningRate) */
  learningRate: number;
  readonly kind: Kind;
  private readonly args: Record<string, number | boolean>;
  private readonly state = new Map<string, ParamState>();

  constructor(kind: Kind, learningRate: number, args: Record<string, number | boolean>) {
    super();
    this.kind = kind;
    this.learningRate = learningRate;
    this.args = args;
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const named = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    for (const [name, gradient] of named) {
      const variable = registered[name];
      if (variable === undefined || gradient == null) continue;
      let state = this.state.get(name);
      if (state === undefined) {
        state = { step: 0, buffers: {} };
        this.state.set(name, state);
      }
      state.step += 1;
      const current = state;
      tf.tidy(() => variable.assign(this.updated(variable, gradient, current)));
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const state of this.state.values()) tf.dispose(Object.values(state.buffers));
    this.state.clear();
    super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { kind: this.kind, learningRate: this.learningRate, ...this.args };
  }

  private num(key: string): number {
    const value = this.args[key];
    return typeof value === 'number' ? value : 0;
  }

  private flag(key: string): boolean {
    return this.args[key] === true;
  }

  /** A state buffer, created on first use from `init` (torch creates each lazily in its first step). */
  private buffer(state: ParamState, key: string, init: () => tf.Tensor): { value: tf.Tensor; isNew: boolean } {
    const existing = state.buffers[key];
    if (existing) return { value: existing, isNew: false };
    state.buffers[key] = tf.keep(tf.variable(init(), false));
    return { value: state.buffers[key], isNew: true };
  }

  private store(state: ParamState, key: string, value: tf.Tensor): void {
    state.buffers[key].assign(value);
  }

  private updated(p: tf.Variable, g: tf.Tensor, state: ParamState): tf.Tensor {
    const lr = this.learningRate;
    const weightDecay = this.num('weight_decay');
    // L2 weight decay enters the gradient (torch: grad = grad.add(param, alpha=weight_decay)); AdamW decays the weights instead.
    const d = weightDecay !== 0 && this.kind !== 'AdamW' ? tf.add(g, tf.mul(p, weightDecay)) : g;
    switch (this.kind) {
      case 'SGD': {
        const momentum = this.num('momentum');
        let step = d;
        if (momentum !== 0) {
          const buf = this.buffer(state, 'momentum_buffer', () => tf.zerosLike(p));
          // The first step copies the gradient into the buffer, without dampening.
          const next = buf.isNew ? d : tf.add(tf.mul(buf.value, momentum), tf.mul(d, 1 - this.num('dampening')));
          this.store(state, 'momentum_buffer', next);
          step = this.flag('nesterov') ? tf.add(d, tf.mul(next, momentum)) : next;
        }
        return tf.sub(p, tf.mul(step, lr));
      }
      case 'Adam':
      case 'AdamW': {
        const beta1 = this.num('beta1');
        const beta2 = this.num('beta2');
        const eps = this.num('eps');
        const start = this.kind === 'AdamW' && weightDecay !== 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        const m = tf.add(tf.mul(this.buffer(state, 'exp_avg', () => tf.zerosLike(p)).value, beta1), tf.mul(d, 1 - beta1));
        const v = tf.add(tf.mul(this.buffer(state, 'exp_avg_sq', () => tf.zerosLike(p)).value, beta2), tf.mul(tf.square(d), 1 - beta2));
        this.store(state, 'exp_avg', m);
        this.store(state, 'exp_avg_sq', v);
        let second = v;
        if (this.flag('amsgrad')) {
          second = tf.maximum(this.buffer(state, 'max_exp_avg_sq', () => tf.zerosLike(p)).value, v);
          this.store(state, 'max_exp_avg_sq', second);
        }
        const biasCorrection1 = 1 - beta1 ** state.step;
        const biasCorrection2 = 1 - beta2 ** state.step;
        const denominator = tf.add(tf.div(tf.sqrt(second), Math.sqrt(biasCorrection2)), eps);
        return tf.sub(start, tf.mul(tf.div(m, denominator), lr / biasCorrection1));
      }
      case 'RMSprop': {
        const alpha = this.num('alpha');
        const eps = this.num('eps');
        const squareAvg = tf.add(tf.mul(this.buffer(state, 'square_avg', () => tf.zerosLike(p)).value, alpha), tf.mul(tf.square(d), 1 - alpha));
        this.store(state, 'square_avg', squareAvg);
        let variance = squareAvg;
        if (this.flag('centered')) {
          const gradAvg = tf.add(tf.mul(this.buffer(state, 'grad_avg', () => tf.zerosLike(p)).value, alpha), tf.mul(d, 1 - alpha));
          this.store(state, 'grad_avg', gradAvg);
          variance = tf.sub(squareAvg, tf.square(gradAvg));
        }
        // eps outside the square root (Keras puts it inside).
        const average = tf.add(tf.sqrt(variance), eps);
        const momentum = this.num('momentum');
        if (momentum > 0) {
          const buf = tf.add(tf.mul(this.buffer(state, 'momentum_buffer', () => tf.zerosLike(p)).value, momentum), tf.div(d, average));
          this.store(state, 'momentum_buffer', buf);
          return tf.sub(p, tf.mul(buf, lr));
        }
        return tf.sub(p, tf.mul(tf.div(d, average), lr));
      }
      case 'Adagrad': {
        const clr = lr / (1 + (state.step - 1) * this.num('lr_decay'));
        const initial = this.num('initial_accumulator_value');
        const sum = tf.add(this.buffer(state, 'sum', () => tf.fill(p.shape, initial)).value, tf.square(d));
        this.store(state, 'sum', sum);
        return tf.sub(p, tf.mul(tf.div(d, tf.add(tf.sqrt(sum), this.num('eps'))), clr));
      }
    }
  }
}

export function makeTorchOptimizer(spec: OptimizerSpec, learningRate: number): tf.Optimizer | undefined {
  const kind = KINDS.find((k) => k === spec.name);
  return kind === undefined ? undefined : new TorchOptimizer(kind, learningRate, spec.args);
}
