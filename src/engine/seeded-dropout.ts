// Dropout whose masks come from a seeded stream: a new mask every step (like Keras), yet the same
// sequence of masks on every run with the same seed. TF.js dropout with a fixed seed would repeat one mask.
import * as tf from '@tensorflow/tfjs';
import { Prng } from './prng.ts';

interface SeededDropoutArgs {
  name: string;
  rate: number;
  seed: number;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'NnPreflightSeededDropout';
  readonly rate: number;
  readonly seed: number;
  private readonly maskSeeds: Prng;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.maskSeeds = new Prng(args.seed);
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate <= 0) return tf.clone(x);
    if (this.rate >= 1) return tf.zerosLike(x);
    return tf.dropout(x, this.rate, undefined, this.maskSeeds.nextInt());
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
