// Adam with its update written as one loop over each variable instead of fourteen TF.js ops. On the
// small models a smoke run trains, a step is mostly per-op dispatch (each kernel call costs about as
// much as the arithmetic of a whole small layer), and TF.js Adam alone is 14 ops per variable.
// Every operation is rounded to float32 (Math.fround) in TF.js's own order, so the weights come out
// bit for bit as TF.js Adam's (test/engine/host-adam.test.ts).
import * as tf from '@tensorflow/tfjs';

/** Above this many parameters the loop would cost more than the ops it saves; TF.js Adam runs instead. */
export const HOST_ADAM_MAX_PARAMS = 1_000_000;

const f = Math.fround;

interface Moments {
  first: Float32Array;
  second: Float32Array;
}

export class HostAdamOptimizer extends tf.AdamOptimizer {
  /** by position in the gradient list, as TF.js Adam keeps its moment variables */
  private readonly moments: Moments[] = [];
  /** beta^t, kept in float32 as TF.js keeps them in its accBeta variables */
  private accBeta1Value: number;
  private accBeta2Value: number;
  /** decided at the first step, from the model's size, and kept: the moments live in one place */
  private onHost: boolean | undefined;

  constructor(learningRate: number, beta1: number, beta2: number, epsilon: number) {
    super(learningRate, beta1, beta2, epsilon);
    this.accBeta1Value = f(beta1);
    this.accBeta2Value = f(beta2);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    const named = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor] as const)
      : Object.entries(variableGradients);
    const registered = tf.engine().registeredVariables;
    this.onHost ??= named.reduce((sum, [name]) => sum + (registered[name]?.size ?? 0), 0) <= HOST_ADAM_MAX_PARAMS;
    if (!this.onHost) {
      super.applyGradients(variableGradients);
      return;
    }
    const beta1 = f(this.beta1);
    const beta2 = f(this.beta2);
    const oneMinusBeta1 = f(1 - this.beta1);
    const oneMinusBeta2 = f(1 - this.beta2);
    const oneMinusAccBeta1 = f(1 - this.accBeta1Value);
    const oneMinusAccBeta2 = f(1 - this.accBeta2Value);
    const epsilon = f(this.epsilon);
    const negativeRate = f(-this.learningRate);
    for (const [index, [name, gradient]] of named.entries()) {
      const variable = registered[name];
      if (variable === undefined || gradient == null) continue;
      const weights = variable.dataSync() as Float32Array;
      const grads = gradient.dataSync() as Float32Array;
      let moments = this.moments[index];
      if (moments === undefined || moments.first.length !== weights.length) {
        moments = { first: new Float32Array(weights.length), second: new Float32Array(weights.length) };
        this.moments[index] = moments;
      }
      const { first, second } = moments;
      // A new array: on the cpu backend dataSync hands out the tensor's own storage.
      const updated = new Float32Array(weights.length);
      for (let i = 0; i < weights.length; i++) {
        const g = grads[i];
        const m = f(f(first[i] * beta1) + f(g * oneMinusBeta1));
        const v = f(f(second[i] * beta2) + f(f(g * g) * oneMinusBeta2));
        first[i] = m;
        second[i] = v;
        const correctedM = f(m / oneMinusAccBeta1);
        const correctedV = f(v / oneMinusAccBeta2);
        updated[i] = f(f(f(correctedM / f(f(Math.sqrt(correctedV)) + epsilon)) * negativeRate) + weights[i]);
      }
      tf.tidy(() => variable.assign(tf.tensor(updated, variable.shape, 'float32')));
    }
    this.accBeta1Value = f(this.accBeta1Value * beta1);
    this.accBeta2Value = f(this.accBeta2Value * beta2);
    this.incrementIterations();
  }
}
