// PyTorch's vocabulary (torch.nn losses, torch.optim optimizers and their defaults) and what each one
// means in the smoke run's terms. With `training.framework: pytorch` the config speaks these words;
// every name maps to the exact computation PyTorch does (see docs/CONFIG.md "PyTorch names").

export type Framework = 'pytorch' | 'keras';
export const FRAMEWORKS: readonly Framework[] = ['pytorch', 'keras'];

export interface TorchLoss {
  /** torch.nn class name, used in messages */
  className: string;
  /** torch.nn.functional name */
  functional: string;
  /**
   * The internal loss it computes: a Keras name where the formula is the same (CrossEntropyLoss is
   * sparse categorical crossentropy from logits), else one of the torch-only losses (nll_loss, kl_div, smooth_l1).
   */
  loss: string;
  fromLogits: boolean;
  /** the Keras spelling of the same loss, for a user who set framework: keras (undefined when Keras has none) */
  kerasEquivalent?: string;
}

export const TORCH_LOSSES: readonly TorchLoss[] = [
  {
    className: 'CrossEntropyLoss',
    functional: 'cross_entropy',
    loss: 'sparse_categorical_crossentropy',
    fromLogits: true,
    kerasEquivalent: 'sparse_categorical_crossentropy with from_logits: true',
  },
  { className: 'NLLLoss', functional: 'nll_loss', loss: 'nll_loss', fromLogits: false },
  { className: 'BCELoss', functional: 'binary_cross_entropy', loss: 'binary_crossentropy', fromLogits: false, kerasEquivalent: 'binary_crossentropy' },
  {
    className: 'BCEWithLogitsLoss',
    functional: 'binary_cross_entropy_with_logits',
    loss: 'binary_crossentropy',
    fromLogits: true,
    kerasEquivalent: 'binary_crossentropy with from_logits: true',
  },
  { className: 'MSELoss', functional: 'mse_loss', loss: 'mean_squared_error', fromLogits: false, kerasEquivalent: 'mean_squared_error' },
  { className: 'L1Loss', functional: 'l1_loss', loss: 'mean_absolute_error', fromLogits: false, kerasEquivalent: 'mean_absolute_error' },
  {
    className: 'SmoothL1Loss',
    functional: 'smooth_l1_loss',
    loss: 'smooth_l1',
    fromLogits: false,
    kerasEquivalent: 'huber (SmoothL1Loss with beta b is huber with delta b, divided by b)',
  },
  { className: 'HuberLoss', functional: 'huber_loss', loss: 'huber', fromLogits: false, kerasEquivalent: 'huber' },
  { className: 'KLDivLoss', functional: 'kl_div', loss: 'kl_div', fromLogits: false },
];

/** Loss names only PyTorch has, which the checks and the engine know by these internal names. */
export const TORCH_ONLY_LOSSES = new Set(['nll_loss', 'kl_div', 'smooth_l1']);

/** Every name a config may use for a PyTorch loss: class names, functional names, and `nn.` / `F.` prefixed forms. */
export const TORCH_LOSS_NAMES: string[] = TORCH_LOSSES.flatMap((l) => [l.className, l.functional]);

export function torchLoss(name: string): TorchLoss | undefined {
  const bare = name.trim().replace(/^(torch\.)?(nn\.functional\.|nn\.|F\.)/, '');
  // `huber_loss` is also a Keras alias; here it is the functional name of HuberLoss (same computation).
  return TORCH_LOSSES.find((l) => l.className === bare || l.functional === bare) ?? TORCH_LOSSES.find((l) => l.className.toLowerCase() === bare.toLowerCase());
}

/** The torch.nn class name for an internal loss, when the user wrote a PyTorch loss. */
export function torchLossClass(loss: string, fromLogits: boolean): string | undefined {
  if (loss === 'categorical_crossentropy' && fromLogits) return 'CrossEntropyLoss';
  return TORCH_LOSSES.find((l) => l.loss === loss && l.fromLogits === fromLogits)?.className;
}

export type TorchOptimizerName = 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';

/**
 * torch.optim defaults (PyTorch 2.x). SGD's `lr` was a required argument before PyTorch 2.2 and is 1e-3
 * since; a config that leaves it out gets 1e-3, and the learning-rate checks know it was not written.
 */
export const TORCH_OPTIMIZER_DEFAULTS: Record<TorchOptimizerName, Record<string, number | boolean>> = {
  SGD: { lr: 1e-3, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false },
  Adam: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, amsgrad: false },
  AdamW: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: false },
  RMSprop: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false },
  Adagrad: { lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10 },
};

export const TORCH_OPTIMIZER_NAMES = Object.keys(TORCH_OPTIMIZER_DEFAULTS) as TorchOptimizerName[];

/** `sgd`, `SGD`, `torch.optim.SGD` -> `SGD`. */
export function torchOptimizerName(name: string): TorchOptimizerName | undefined {
  const bare = name
    .trim()
    .replace(/^(torch\.)?optim\./, '')
    .toLowerCase();
  return TORCH_OPTIMIZER_NAMES.find((n) => n.toLowerCase() === bare);
}

/** The argument names each torch optimizer takes (besides lr), as written in a config. */
export function torchOptimizerArgs(name: TorchOptimizerName): string[] {
  return Object.keys(TORCH_OPTIMIZER_DEFAULTS[name])
    .filter((k) => k !== 'lr' && k !== 'beta1' && k !== 'beta2')
    .concat(name === 'Adam' || name === 'AdamW' ? ['betas'] : []);
}

/** Keras spellings of optimizer arguments and PyTorch's word for the same thing. */
export const KERAS_TO_TORCH_ARG: Record<string, string> = {
  learning_rate: 'lr',
  beta_1: 'betas',
  beta_2: 'betas',
  epsilon: 'eps',
  rho: 'alpha',
};

/** PyTorch spellings of optimizer arguments and the Keras word for the same thing. */
export const TORCH_TO_KERAS_ARG: Record<string, string> = {
  lr: '`learning_rate`',
  betas: '`beta_1` and `beta_2`',
  eps: '`epsilon`',
  alpha: '`rho`',
  lr_decay: 'a learning-rate schedule (Keras has no `lr_decay`)',
  dampening: '`momentum` alone (Keras has no `dampening`)',
};

/** Keras optimizer names and the torch.optim class a config under framework pytorch means. */
export const KERAS_OPTIMIZER_IN_TORCH: Record<string, string> = { adadelta: 'Adadelta', adamax: 'Adamax' };

/** The torch.nn module a Keras activation name corresponds to, for messages under framework pytorch. */
export const TORCH_ACTIVATION_MODULE: Record<string, string> = {
  linear: 'no activation',
  relu: 'nn.ReLU',
  relu6: 'nn.ReLU6',
  leaky_relu: 'nn.LeakyReLU',
  sigmoid: 'nn.Sigmoid',
  tanh: 'nn.Tanh',
  softmax: 'nn.Softmax',
  log_softmax: 'nn.LogSoftmax',
  elu: 'nn.ELU',
  selu: 'nn.SELU',
  softplus: 'nn.Softplus',
  softsign: 'nn.Softsign',
  swish: 'nn.SiLU',
  silu: 'nn.SiLU',
  gelu: 'nn.GELU',
  hard_sigmoid: 'nn.Hardsigmoid',
};
