// The words a finding uses for losses, activations and optimizers: PyTorch's under `framework: pytorch`
// (`CrossEntropyLoss`, `nn.Softmax`), Keras's otherwise, so a fix reads like the user's own code.
import type { ConfigSource, PreflightConfig } from '../config/types.ts';
import { TORCH_ACTIVATION_MODULE, torchLossClass } from '../config/torch.ts';

export function isPytorch(config: PreflightConfig): boolean {
  return config.training.framework === 'pytorch';
}

/** The loss as the user's framework names it: `CrossEntropyLoss`, or the Keras name. */
export function lossWord(config: PreflightConfig): string {
  const { training } = config;
  if (!isPytorch(config)) return training.loss;
  return training.torch_loss === 'CrossEntropyLoss' ? 'CrossEntropyLoss' : training.torch_loss ?? torchLossClass(training.loss, training.from_logits) ?? training.loss;
}

/** An activation as the user's framework names it: `nn.Softmax`, or the Keras name. */
export function activationWord(config: PreflightConfig, activation: string): string {
  if (!isPytorch(config)) return activation;
  return TORCH_ACTIVATION_MODULE[activation] ?? activation;
}

/** Where the learning rate is written (`training.lr` is PyTorch's spelling), for the finding's line and suggestion. */
export function learningRateKey(source: ConfigSource): string {
  const written = ['training.learning_rate', 'training.lr', 'training.optimizer.lr', 'training.optimizer.learning_rate'];
  return written.find((key) => source.ranges[key] !== undefined) ?? 'training.learning_rate';
}

/** `lr: 0.01` or `learning_rate: 0.01`, as the config spells it. */
export function learningRateSetting(source: ConfigSource, value: string): string {
  return `${learningRateKey(source).split('.').pop()}: ${value}`;
}
