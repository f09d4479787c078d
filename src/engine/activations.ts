// Keras activation functions written out as TF.js ops, so every Keras name behaves as Keras defines it
// (TF.js lacks some, and its hard_sigmoid is the Keras 2 form) and so pre-activations stay observable.
import * as tf from '@tensorflow/tfjs';

type Activation = (x: tf.Tensor) => tf.Tensor;

/** Keras 3 `leaky_relu` activation default negative slope. */
export const LEAKY_RELU_SLOPE = 0.2;

export const KERAS_ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.clipByValue(x, 0, 6),
  leaky_relu: (x) => tf.leakyRelu(x, LEAKY_RELU_SLOPE),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x, -1),
  // Keras 3 `log_softmax`, PyTorch's nn.LogSoftmax: the output NLLLoss and KLDivLoss expect.
  log_softmax: (x) => tf.logSoftmax(x, -1),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  // Keras `gelu` defaults to the exact form (approximate=False).
  gelu: (x) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
  // Keras 3 defines hard_sigmoid as relu6(x + 3) / 6.
  hard_sigmoid: (x) => tf.div(tf.clipByValue(tf.add(x, 3), 0, 6), 6),
  exponential: (x) => tf.exp(x),
};

export function isKnownActivation(name: string): boolean {
  return Object.hasOwn(KERAS_ACTIVATIONS, name);
}

interface ActivationLayerArgs {
  name: string;
  activation: string;
  /** negative slope of leaky_relu (a LeakyReLU layer's own); the activation's default otherwise */
  alpha?: number;
}

/** Applies one Keras activation; kept as its own layer so the layer before it exposes the pre-activation. */
export class KerasActivation extends tf.layers.Layer {
  static className = 'NnPreflightActivation';
  readonly activation: string;
  readonly alpha?: number;

  constructor(args: ActivationLayerArgs) {
    super({ name: args.name });
    if (!isKnownActivation(args.activation)) throw new Error(`unknown activation '${args.activation}'`);
    this.activation = args.activation;
    if (args.activation === 'leaky_relu' && args.alpha !== undefined) this.alpha = args.alpha;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const alpha = this.alpha;
    if (alpha !== undefined) return tf.tidy(() => tf.leakyRelu(x, alpha));
    return tf.tidy(() => KERAS_ACTIVATIONS[this.activation](x));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), activation: this.activation, ...(this.alpha !== undefined ? { alpha: this.alpha } : {}) };
  }
}
tf.serialization.registerClass(KerasActivation);
