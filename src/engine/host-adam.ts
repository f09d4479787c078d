// Adam with its update written as one loop over each variable instead of fourteen TF.js ops. On the
// small models a smoke run trains, a step is mostly per-op dispatch (each kernel call costs about as
// much as the arithmetic of a whole small layer), and TF.js Adam alone is 14 ops per variable. Large
// variables keep the ops, which are faster per value.
// Every operation is rounded to float32 (Math.fround) in TF.js's own order, so the weights come out
// bit for bit as TF.js Adam's (test/engine/host-adam.test.ts).
import * as tf from '@tensorflow/tfjs';

/**
 * Variables up to this many values are updated in the loop; larger ones by the same formula in TF.js
 * ops, where the kernels' per-value speed beats the loop's (measured crossover: a few thousand values).
 */
export const HOST_ADAM_MAX_VALUES = 8192;

const f = Math.fround;

type Moments =
  | { onHost: true; first: Float32Array; second: Float32Array; maxSecond?: Float32Array }
  | { onHost: false; first: tf.Variable; second: tf.Variable; maxSecond?: tf.Variable };

export class HostAdamOptimizer extends tf.AdamOptimizer {
  /** by position in the gradient list, as TF.js Adam keeps its moment variables */
  private readonly moments: Moments[] = [];
  /** beta^t, kept in float32 as TF.js keeps them in its accBeta variables */
  private accBeta1Value: number;
  private accBeta2Value: number;

  /**
   * AMSGrad (Keras `amsgrad: true`): the denominator uses the running maximum of the second moment.
   * Off, the update is TF.js Adam's bit for bit.
   */
  private readonly amsgrad: boolean;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number, amsgrad = false) {
    super(learningRate, beta1, beta2, epsilon);
    this.amsgrad = amsgrad;
    this.accBeta1Value = f(beta1);
    this.accBeta2Value = f(beta2);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const named = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    const oneMinusAccBeta1 = f(1 - this.accBeta1Value);
    const oneMinusAccBeta2 = f(1 - this.accBeta2Value);
    for (const [index, [name, gradient]] of named.entries()) {
      const variable = registered[name];
      if (variable === undefined || gradient == null) continue;
      const moments = this.momentsFor(index, variable);
      if (moments.onHost) this.updateOnHost(variable, gradient, moments, oneMinusAccBeta1, oneMinusAccBeta2);
      else this.updateWithOps(variable, gradient, moments, oneMinusAccBeta1, oneMinusAccBeta2);
    }
    this.accBeta1Value = f(this.accBeta1Value * f(this.beta1));
    this.accBeta2Value = f(this.accBeta2Value * f(this.beta2));
    this.incrementIterations();
  }

  override dispose(): void {
    for (const moments of this.moments) if (!moments.onHost) tf.dispose([moments.first, moments.second, ...(moments.maxSecond ? [moments.maxSecond] : [])]);
    this.moments.length = 0;
    super.dispose();
  }

  private momentsFor(index: number, variable: tf.Variable): Moments {
    const current = this.moments[index];
    if (current !== undefined && (current.onHost ? current.first.length : current.first.size) === variable.size) return current;
    if (current !== undefined && !current.onHost) tf.dispose([current.first, current.second, ...(current.maxSecond ? [current.maxSecond] : [])]);
    const created: Moments =
      variable.size <= HOST_ADAM_MAX_VALUES
        ? {
            onHost: true,
            first: new Float32Array(variable.size),
            second: new Float32Array(variable.size),
            ...(this.amsgrad ? { maxSecond: new Float32Array(variable.size) } : {}),
          }
        : {
            onHost: false,
            first: tf.variable(tf.zerosLike(variable), false),
            second: tf.variable(tf.zerosLike(variable), false),
            ...(this.amsgrad ? { maxSecond: tf.variable(tf.zerosLike(variable), false) } : {}),
          };
    this.moments[index] = created;
    return created;
  }

  /** Each operation rounded to float32, in the order of TF.js Adam's ops. */
  private updateOnHost(
    variable: tf.Variable,
    gradient: tf.Tensor,
    moments: Moments & { onHost: true },
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
  ): void {
    const beta1 = f(this.beta1);
    const beta2 = f(this.beta2);
    const oneMinusBeta1 = f(1 - this.beta1);
    const oneMinusBeta2 = f(1 - this.beta2);
    const epsilon = f(this.epsilon);
    const negativeRate = f(-this.learningRate);
    const weights = variable.dataSync() as Float32Array;
    const grads = gradient.dataSync() as Float32Array;
    const { first, second, maxSecond } = moments;
    // A new array: on the cpu backend dataSync hands out the tensor's own storage.
    const updated = new Float32Array(weights.length);
    for (let i = 0; i < weights.length; i++) {
      const g = grads[i];
      const m = f(f(first[i] * beta1) + f(g * oneMinusBeta1));
      const v = f(f(second[i] * beta2) + f(f(g * g) * oneMinusBeta2));
      first[i] = m;
      second[i] = v;
      let denominatorV = v;
      if (maxSecond !== undefined) denominatorV = maxSecond[i] = Math.max(maxSecond[i], v);
      const correctedM = f(m / oneMinusAccBeta1);
      const correctedV = f(denominatorV / oneMinusAccBeta2);
      updated[i] = f(f(f(correctedM / f(f(Math.sqrt(correctedV)) + epsilon)) * negativeRate) + weights[i]);
    }
    tf.tidy(() => variable.assign(tf.tensor(updated, variable.shape, 'float32')));
  }

  /** TF.js Adam's own ops for one variable. */
  private updateWithOps(
    variable: tf.Variable,
    gradient: tf.Tensor,
    moments: Moments & { onHost: false },
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
  ): void {
    tf.tidy(() => {
      const { first, second } = moments;
      const newFirst = tf.add(tf.mul(first, this.beta1), tf.mul(gradient, 1 - this.beta1));
      const newSecond = tf.add(tf.mul(second, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
      const correctedFirst = tf.div(newFirst, oneMinusAccBeta1);
      let denominatorSecond = newSecond;
      if (moments.maxSecond !== undefined) {
        denominatorSecond = tf.maximum(moments.maxSecond, newSecond);
        moments.maxSecond.assign(denominatorSecond);
      }
      const correctedSecond = tf.div(denominatorSecond, oneMinusAccBeta2);
      first.assign(newFirst);
      second.assign(newSecond);
      variable.assign(tf.add(tf.mul(tf.div(correctedFirst, tf.add(tf.sqrt(correctedSecond), this.epsilon)), -this.learningRate), variable));
    });
  }
}
