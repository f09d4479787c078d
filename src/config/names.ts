// Keras vocabulary: the names a config may use and the canonical name each one means.
// Kept apart from the schema so that the Keras-file parser speaks the same language.
import { ownEntry } from '../own-entry.ts';

export const ACTIVATIONS = [
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'swish',
  'gelu',
  'hard_sigmoid',
  'exponential',
  'leaky_relu',
  'relu6',
  'log_softmax',
] as const;

/** Other spellings Keras itself accepts (Keras 3 renamed swish to silu; both mean x * sigmoid(x)). */
const ACTIVATION_ALIASES: Record<string, string> = {
  silu: 'swish',
  hardsigmoid: 'hard_sigmoid',
  leakyrelu: 'leaky_relu',
  logsoftmax: 'log_softmax',
  none: 'linear',
  identity: 'linear',
};

export function canonicalActivation(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  if ((ACTIVATIONS as readonly string[]).includes(lower)) return lower;
  return ownEntry(ACTIVATION_ALIASES, lower);
}

/** The names an error message offers: the CONFIG.md list. */
export const ACTIVATION_NAMES: string[] = [...ACTIVATIONS, 'silu'];

/** Loss aliases as Keras resolves them (`keras.losses.get`). */
const LOSS_ALIASES: Record<string, string> = {
  mean_squared_error: 'mean_squared_error',
  mse: 'mean_squared_error',
  mean_absolute_error: 'mean_absolute_error',
  mae: 'mean_absolute_error',
  mean_absolute_percentage_error: 'mean_absolute_percentage_error',
  mape: 'mean_absolute_percentage_error',
  mean_squared_logarithmic_error: 'mean_squared_logarithmic_error',
  msle: 'mean_squared_logarithmic_error',
  huber: 'huber',
  huber_loss: 'huber',
  log_cosh: 'log_cosh',
  logcosh: 'log_cosh',
  binary_crossentropy: 'binary_crossentropy',
  bce: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy',
  cce: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  hinge: 'hinge',
  squared_hinge: 'squared_hinge',
  categorical_hinge: 'categorical_hinge',
  kl_divergence: 'kl_divergence',
  kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
  poisson: 'poisson',
  cosine_similarity: 'cosine_similarity',
};

export const LOSS_NAMES = Object.keys(LOSS_ALIASES);

export function canonicalLoss(name: string): string | undefined {
  return ownEntry(LOSS_ALIASES, snakeCase(name.trim()));
}

/** Keras' own default learning rate for each optimizer (keras.optimizers, Keras 2.12 and 3). */
export const OPTIMIZER_DEFAULT_LEARNING_RATE = {
  adam: 0.001,
  sgd: 0.01,
  rmsprop: 0.001,
  adagrad: 0.001,
  adadelta: 0.001,
  adamax: 0.001,
} as const;

export type OptimizerName = keyof typeof OPTIMIZER_DEFAULT_LEARNING_RATE;
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZER_DEFAULT_LEARNING_RATE) as OptimizerName[];

/** Optimizer arguments other than the learning rate, across the supported optimizers. */
export const OPTIMIZER_ARGS = [
  'momentum',
  'nesterov',
  'beta_1',
  'beta_2',
  'epsilon',
  'rho',
  'amsgrad',
  'centered',
  'initial_accumulator_value',
  'weight_decay',
  'clipnorm',
  'clipvalue',
  'global_clipnorm',
  // Keras 2's legacy time decay: lr / (1 + decay * iterations)
  'decay',
] as const;

export const INITIALIZERS = [
  'glorot_uniform',
  'glorot_normal',
  'he_uniform',
  'he_normal',
  'lecun_uniform',
  'lecun_normal',
  'zeros',
  'ones',
  'constant',
  'random_normal',
  'random_uniform',
  'truncated_normal',
  'orthogonal',
  'identity',
] as const;

const INITIALIZER_ALIASES: Record<string, string> = {
  zero: 'zeros',
  one: 'ones',
  uniform: 'random_uniform',
  normal: 'random_normal',
};

export function canonicalInitializer(name: string): string | undefined {
  const snake = snakeCase(name.trim());
  if ((INITIALIZERS as readonly string[]).includes(snake)) return snake;
  return ownEntry(INITIALIZER_ALIASES, snake);
}

/** `GlorotUniform` -> `glorot_uniform`, `MaxPooling2D` -> `max_pooling2d`, `relu` stays. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}
