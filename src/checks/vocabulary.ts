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
  return training.torch_loss === 'CrossEntropyLoss'
    ? 'CrossEntropyLoss'
    : (training.torch_loss ?? torchLossClass(training.loss, training.from_logits) ?? training.loss);
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

/** torch.nn.init's name for a Keras initializer, for fixes under framework pytorch. */
const TORCH_INIT: Record<string, string> = {
  he_normal: "nn.init.kaiming_normal_(weight, nonlinearity='relu')",
  he_uniform: "nn.init.kaiming_uniform_(weight, nonlinearity='relu')",
  glorot_uniform: 'nn.init.xavier_uniform_(weight)',
  glorot_normal: 'nn.init.xavier_normal_(weight)',
  lecun_normal: "nn.init.kaiming_normal_(weight, nonlinearity='linear')",
};

/** ` (in PyTorch: nn.init.kaiming_normal_(...))` under framework pytorch, else nothing. */
export function torchInitNote(config: PreflightConfig, initializer: string): string {
  const torch = TORCH_INIT[initializer];
  return isPytorch(config) && torch ? ` (in PyTorch code: \`${torch}\`)` : '';
}
