// The strict zod schema of a preflight config, format version 1 (CONFIG.md). It checks shape, types
// and ranges only; defaults and canonical names are filled in by normalize.ts.
import { z } from 'zod';
import {
  ACTIVATION_NAMES,
  canonicalActivation,
  canonicalInitializer,
  canonicalLoss,
  INITIALIZERS,
  LOSS_NAMES,
  OPTIMIZER_ARGS,
  OPTIMIZER_NAMES,
} from './names.ts';
import type { ConfigLimits } from './problems.ts';
import { FRAMEWORKS, TORCH_LOSS_NAMES, TORCH_OPTIMIZER_NAMES, torchLoss, torchOptimizerName } from './torch.ts';

/**
 * The most smoke steps a run may take: report.json keeps every step's loss, and its readers (the HTML page,
 * merge-reports, the fork publisher) take series of at most this length (REPORT_LIMITS.seriesLength).
 */
export const MAX_SMOKE_STEPS = 100_000;

const nonNegative = z.number().min(0);
/** torch.optim arguments other than lr and betas (PyTorch spellings; see torch.ts). */
const TORCH_OPTIMIZER_ARGS = ['eps', 'alpha', 'dampening', 'lr_decay'] as const;
const positive = z.number().gt(0);
const probability = z.number().min(0).lt(1);

function namedString(isKnown: (s: string) => boolean, what: string, allowed: readonly string[]) {
  return z.string().refine(isKnown, {
    message: `unknown ${what}`,
    params: { expected: `one of ${allowed.join(', ')}`, candidates: allowed, what: `${what} names` },
  });
}

const activation = namedString((s) => canonicalActivation(s) !== undefined, 'activation', ACTIVATION_NAMES);

const initializerName = namedString((s) => canonicalInitializer(s) !== undefined, 'initializer', INITIALIZERS);
const initializer = z.union([
  initializerName,
  z.strictObject({
    name: initializerName,
    value: z.number().optional(),
    mean: z.number().optional(),
    stddev: nonNegative.optional(),
    minval: z.number().optional(),
    maxval: z.number().optional(),
    seed: z.number().int().optional(),
    gain: positive.optional(),
  }),
]);

const regularizer = z
  .strictObject({
    l1: nonNegative.optional(),
    l2: nonNegative.optional(),
    l1_l2: z.strictObject({ l1: nonNegative.optional(), l2: nonNegative.optional() }).optional(),
  })
  .refine((r) => r.l1 !== undefined || r.l2 !== undefined || r.l1_l2 !== undefined, {
    message: 'a regularizer needs l1, l2 or l1_l2',
    params: { expected: '{l1: x}, {l2: x} or {l1_l2: {l1: x, l2: y}}' },
  });

export type RawInitializer = z.infer<typeof initializer>;
export type RawRegularizer = z.infer<typeof regularizer>;

function layerSchemas(limits: ConfigLimits) {
  const count = z.number().int().positive().max(limits.maxUnits);
  const shape = z.array(z.number().int().positive().max(limits.maxUnits)).min(1).max(8);
  const sizeArg = (rank: number) => z.union([z.number().int().positive(), z.array(z.number().int().positive()).length(rank)]);
  const common = { name: z.string().min(1).optional(), input_shape: shape.optional(), trainable: z.boolean().optional() };
  const weighted = {
    activation: activation.optional(),
    use_bias: z.boolean().optional(),
    kernel_initializer: initializer.optional(),
    bias_initializer: initializer.optional(),
    kernel_regularizer: regularizer.optional(),
    bias_regularizer: regularizer.optional(),
  };
  const conv = (rank: number) => ({
    ...common,
    ...weighted,
    filters: count,
    kernel_size: sizeArg(rank),
    strides: sizeArg(rank).optional(),
    padding: z.enum(['valid', 'same']).optional(),
    dilation_rate: sizeArg(rank).optional(),
  });
  const pool = (rank: number) => ({
    ...common,
    pool_size: sizeArg(rank).optional(),
    strides: sizeArg(rank).optional(),
    padding: z.enum(['valid', 'same']).optional(),
  });
  const recurrent = {
    ...common,
    ...weighted,
    units: count,
    recurrent_initializer: initializer.optional(),
    return_sequences: z.boolean().optional(),
    dropout: probability.optional(),
    recurrent_dropout: probability.optional(),
  };
  const normalization = {
    ...common,
    epsilon: positive.optional(),
    center: z.boolean().optional(),
    scale: z.boolean().optional(),
  };
  return {
    dense: { ...common, ...weighted, units: count, input_dim: count.optional() },
    dropout: { ...common, rate: probability, seed: z.number().int().optional() },
    batch_normalization: { ...normalization, momentum: probability.optional() },
    layer_normalization: normalization,
    activation: { ...common, activation, alpha: nonNegative.optional() },
    flatten: common,
    reshape: {
      ...common,
      target_shape: z
        .array(
          z
            .number()
            .int()
            .refine((n) => n > 0 || n === -1, { message: 'a dimension must be positive or -1' }),
        )
        .min(1)
        .max(8),
    },
    conv1d: conv(1),
    conv2d: conv(2),
    max_pooling1d: pool(1),
    max_pooling2d: pool(2),
    average_pooling2d: pool(2),
    global_average_pooling2d: common,
    embedding: { ...common, input_dim: count, output_dim: count, embeddings_initializer: initializer.optional(), mask_zero: z.boolean().optional() },
    lstm: { ...recurrent, recurrent_activation: activation.optional() },
    gru: { ...recurrent, recurrent_activation: activation.optional(), reset_after: z.boolean().optional() },
    simple_rnn: recurrent,
  };
}

export type LayerTypeName = keyof ReturnType<typeof layerSchemas>;

export function buildConfigSchema(limits: ConfigLimits) {
  const shapes = layerSchemas(limits);
  const layerOptions = Object.entries(shapes).map(([type, shape]) => z.strictObject({ type: z.literal(type), ...shape }));
  const layer = z.discriminatedUnion('type', layerOptions as [(typeof layerOptions)[0], ...typeof layerOptions]);
  const relativePath = z.string().min(1);
  const dataSource = z.union([relativePath, z.strictObject({ x: relativePath, y: relativePath })]);
  const columns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
  // Keras and PyTorch names are both valid here; which fits `training.framework` is settled in normalize.ts.
  const optimizerNames = [...OPTIMIZER_NAMES, ...TORCH_OPTIMIZER_NAMES];
  const optimizerName = namedString((s) => (OPTIMIZER_NAMES as string[]).includes(s) || torchOptimizerName(s) !== undefined, 'optimizer', optimizerNames);
  const optimizerArgs = Object.fromEntries([...OPTIMIZER_ARGS, ...TORCH_OPTIMIZER_ARGS].map((a) => [a, z.union([z.number(), z.boolean()]).optional()]));
  const lossName = namedString((s) => canonicalLoss(s) !== undefined || torchLoss(s) !== undefined, 'loss', [...LOSS_NAMES, ...TORCH_LOSS_NAMES]);

  return z.strictObject({
    version: z.literal(1),
    name: z.string().min(1).optional(),
    task: z.enum(['regression', 'binary', 'multiclass', 'multilabel']).optional(),
    data: z.strictObject({
      train: dataSource,
      validation: dataSource.optional(),
      features: columns.optional(),
      targets: columns.optional(),
      sample: z.number().int().positive().optional(),
      delimiter: z.enum([',', ';', '\t', 'tab', '|']).optional(),
      decimal: z.enum(['.', ',']).optional(),
    }),
    preprocessing: z
      .strictObject({
        inputs: z
          .union([
            z.enum(['none', 'standardize', 'minmax']),
            z.strictObject({ scale: z.number().refine((n) => n !== 0, { message: 'scale must not be 0' }), shift: z.number().optional() }),
            // per column: {standardize: [a, b], one_hot: [plan], others: none}
            z
              .strictObject({
                standardize: columns.optional(),
                minmax: columns.optional(),
                one_hot: columns.optional(),
                none: columns.optional(),
                others: z.enum(['none', 'standardize', 'minmax']).optional(),
              })
              .refine((m) => m.standardize ?? m.minmax ?? m.one_hot ?? m.none ?? m.others, {
                message: 'a per-column mapping needs at least one of standardize, minmax, one_hot, none or others',
                params: { expected: '{standardize: [a, b], one_hot: [plan]}' },
              }),
          ])
          .optional(),
        targets: z.enum(['none', 'standardize', 'minmax', 'one_hot']).optional(),
      })
      .optional(),
    model: z.strictObject({
      input_shape: z.array(z.number().int().positive().max(limits.maxUnits)).min(1).max(8).optional(),
      layers: z.array(layer).min(1).max(limits.maxLayers).optional(),
      keras: relativePath.optional(),
      onnx: relativePath.optional(),
    }),
    training: z
      .strictObject({
        framework: z.enum(FRAMEWORKS as [string, ...string[]]).optional(),
        // `{name: SmoothL1Loss, beta: 0.5}` / `{name: HuberLoss, delta: 2}`: PyTorch's loss arguments.
        loss: z.union([lossName, z.strictObject({ name: lossName, beta: positive.optional(), delta: positive.optional() })]).optional(),
        from_logits: z.boolean().optional(),
        optimizer: z
          .union([
            optimizerName,
            z.strictObject({
              name: optimizerName,
              learning_rate: positive.optional(),
              lr: positive.optional(),
              betas: z.tuple([probability, probability]).optional(),
              ...optimizerArgs,
            }),
          ])
          .optional(),
        learning_rate: positive.optional(),
        lr: positive.optional(),
        batch_size: z.number().int().positive().optional(),
        epochs: z.number().int().positive().optional(),
        weight_decay: nonNegative.optional(),
        early_stopping: z.boolean().optional(),
        // Keras fit(class_weight=...): class id -> weight of that class's rows in the loss
        class_weight: z.record(z.string().regex(/^\d{1,6}$/, { message: 'a class id is a whole number below 1,000,000' }), positive).optional(),
      })
      .optional(),
    smoke: z
      .strictObject({
        steps: z.number().int().positive().max(MAX_SMOKE_STEPS).optional(),
        seed: z.number().int().min(0).optional(),
        time_budget_s: positive.optional(),
      })
      .optional(),
    watch: z
      .array(
        z
          .string()
          .min(1)
          .refine((glob) => !glob.startsWith('/') && !/^[A-Za-z]:/.test(glob) && !glob.split('/').includes('..'), {
            message: 'a watch glob is relative to the repository root and stays inside it',
            params: { expected: 'a repository-relative glob such as train.py or src/model/**' },
          }),
      )
      .max(100)
      .optional(),
    checks: z
      .record(
        z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'a check id is lower-case words joined by -' }),
        z.enum(['off', 'notice', 'warning', 'error']),
      )
      .optional(),
  });
}

export type RawConfig = z.infer<ReturnType<typeof buildConfigSchema>>;
export type RawLayer = NonNullable<RawConfig['model']['layers']>[number];
