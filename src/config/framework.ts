// `training.framework`: which framework's words the config speaks and what they mean. The schema accepts
// both vocabularies; this module picks the framework, refuses the other one's words with the right
// translation, and resolves the loss and optimizer with that framework's defaults.
import { ownEntry } from '../own-entry.ts';
import { canonicalLoss, OPTIMIZER_DEFAULT_LEARNING_RATE, OPTIMIZER_NAMES } from './names.ts';
import { problemAt } from './issues.ts';
import type { ConfigProblem } from './problems.ts';
import type { RawConfig } from './schema.ts';
import {
  KERAS_OPTIMIZER_IN_TORCH,
  KERAS_TO_TORCH_ARG,
  TORCH_OPTIMIZER_DEFAULTS,
  TORCH_OPTIMIZER_NAMES,
  TORCH_TO_KERAS_ARG,
  torchLoss,
  torchOptimizerArgs,
  torchOptimizerName,
  type Framework,
  type TorchOptimizerName,
} from './torch.ts';
import type { ModelSpec, OptimizerSpec, PreflightConfig, SourceRange } from './types.ts';

interface Context {
  file: string;
  ranges: Record<string, SourceRange>;
}

type RawTraining = NonNullable<RawConfig['training']>;

/** Written, or PyTorch for a model PyTorch exported, else Keras. */
export function frameworkOf(raw: RawConfig, model: ModelSpec): Framework {
  const written = raw.training?.framework;
  if (written === 'pytorch' || written === 'keras') return written;
  return model.origin.kind === 'onnx' && model.origin.producer.name.toLowerCase() === 'pytorch' ? 'pytorch' : 'keras';
}

export function rawLossName(training: RawTraining | undefined): string | undefined {
  const loss = training?.loss;
  return typeof loss === 'string' ? loss : loss?.name;
}

/** Words of the other framework, each refused with what to write instead. */
export function frameworkProblems(raw: RawConfig, framework: Framework, ctx: Context): ConfigProblem[] {
  const training = raw.training;
  if (training === undefined) return [];
  const problems = framework === 'keras' ? kerasProblems(training, ctx) : pytorchProblems(training, ctx);
  return problems.length > 0 ? problems : lossArgumentProblems(training, framework, ctx);
}

/** `beta` belongs to SmoothL1Loss and `delta` to Huber: on any other loss it would be silently ignored. */
function lossArgumentProblems(training: RawTraining, framework: Framework, ctx: Context): ConfigProblem[] {
  const loss = training.loss;
  if (typeof loss !== 'object') return [];
  const resolved = framework === 'pytorch' ? (torchLoss(loss.name)?.loss ?? canonicalLoss(loss.name)) : canonicalLoss(loss.name);
  const problems: ConfigProblem[] = [];
  if (loss.beta !== undefined && resolved !== 'smooth_l1') {
    problems.push(
      problemAt('training.loss.beta', `\`beta\` is an argument of SmoothL1Loss, not of \`${loss.name}\``, ctx, {
        expected: 'no beta (or loss SmoothL1Loss)',
        received: 'beta',
      }),
    );
  }
  if (loss.delta !== undefined && resolved !== 'huber') {
    problems.push(
      problemAt('training.loss.delta', `\`delta\` is an argument of the Huber loss (HuberLoss, huber), not of \`${loss.name}\``, ctx, {
        expected: 'no delta (or a Huber loss)',
        received: 'delta',
      }),
    );
  }
  return problems;
}

const SWITCH = "or set `training.framework: pytorch` to use PyTorch's names";

function kerasProblems(training: RawTraining, ctx: Context): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (training.lr !== undefined) {
    problems.push(
      problemAt('training.lr', `unknown key \`lr\` under framework keras; did you mean \`learning_rate\`? (\`lr\` is PyTorch's spelling: ${SWITCH})`, ctx, {
        expected: 'learning_rate',
        received: 'lr',
      }),
    );
  }
  const lossName = rawLossName(training);
  const torch = lossName !== undefined && canonicalLoss(lossName) === undefined ? torchLoss(lossName) : undefined;
  if (torch) {
    const keras = torch.kerasEquivalent ? `\`${torch.kerasEquivalent}\`` : 'no Keras loss computes the same';
    problems.push(
      problemAt(
        lossKey(training),
        `\`${lossName}\` is a PyTorch loss (torch.nn.${torch.className}) and the framework is keras: set \`training.framework: pytorch\`, or use the Keras name (${keras})`,
        ctx,
        {
          expected: torch.kerasEquivalent ? `training.framework: pytorch, or ${torch.kerasEquivalent}` : 'training.framework: pytorch',
          received: lossName!,
        },
      ),
    );
  }
  const optimizer = training.optimizer;
  if (optimizer !== undefined && typeof optimizer !== 'string') {
    for (const [key, value] of Object.entries(optimizer)) {
      const keras = ownEntry(TORCH_TO_KERAS_ARG, key);
      if (value === undefined || keras === undefined) continue;
      problems.push(
        problemAt(`training.optimizer.${key}`, `\`${key}\` is PyTorch's spelling; under framework keras write ${keras} (${SWITCH})`, ctx, {
          expected: keras.replaceAll('`', ''),
          received: key,
        }),
      );
    }
  }
  return problems;
}

function pytorchProblems(training: RawTraining, ctx: Context): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const lossName = rawLossName(training);
  const torch = lossName !== undefined ? torchLoss(lossName) : undefined;
  if (training.from_logits !== undefined && torch !== undefined) {
    problems.push(
      problemAt(
        'training.from_logits',
        `PyTorch losses have no \`from_logits\`: the loss name says what it takes (${torch.className} takes ${torch.fromLogits ? 'logits' : torch.loss === 'nll_loss' || torch.loss === 'kl_div' ? 'log-probabilities' : torch.loss === 'binary_crossentropy' ? 'probabilities' : 'raw outputs'}; CrossEntropyLoss and BCEWithLogitsLoss take logits, BCELoss probabilities, NLLLoss log-probabilities); remove \`from_logits\``,
        ctx,
        {
          expected: 'no from_logits under framework pytorch',
          received: `from_logits: ${training.from_logits}`,
        },
      ),
    );
  }
  if (training.lr !== undefined && training.learning_rate !== undefined) {
    problems.push(
      problemAt('training.lr', '`lr` and `learning_rate` are the same setting; give one', ctx, { expected: 'lr or learning_rate', received: 'both' }),
    );
  }
  const optimizer = training.optimizer;
  const name = optimizer === undefined ? undefined : typeof optimizer === 'string' ? optimizer : optimizer.name;
  if (name === undefined) return problems;
  const torchName = torchOptimizerName(name);
  const nameKey = typeof optimizer === 'string' ? 'training.optimizer' : 'training.optimizer.name';
  if (torchName === undefined) {
    const torchClass = KERAS_OPTIMIZER_IN_TORCH[name.toLowerCase()];
    problems.push(
      problemAt(
        nameKey,
        `optimizer \`${name}\`${torchClass ? ` (torch.optim.${torchClass})` : ''} is not supported under framework pytorch; supported: ${TORCH_OPTIMIZER_NAMES.join(', ')}`,
        ctx,
        {
          expected: `one of ${TORCH_OPTIMIZER_NAMES.join(', ')}`,
          received: name,
        },
      ),
    );
    return problems;
  }
  if (optimizer === undefined || typeof optimizer === 'string') return problems;
  const allowed = new Set([...torchOptimizerArgs(torchName), 'name', 'lr', 'learning_rate']);
  for (const [key, value] of Object.entries(optimizer)) {
    if (value === undefined || allowed.has(key)) continue;
    const torchWord = ownEntry(KERAS_TO_TORCH_ARG, key);
    const hint =
      torchWord && allowed.has(torchWord)
        ? `; \`${key}\` is Keras's spelling, PyTorch's is \`${torchWord}\`${torchWord === 'betas' ? ' (`betas: [0.9, 0.999]`)' : ''}`
        : `; ${torchName} takes ${[...allowed].filter((k) => k !== 'name' && k !== 'learning_rate').join(', ')}`;
    problems.push(
      problemAt(`training.optimizer.${key}`, `torch.optim.${torchName} has no argument \`${key}\`${hint}`, ctx, {
        expected: torchWord && allowed.has(torchWord) ? torchWord : [...allowed].join(', '),
        received: key,
      }),
    );
  }
  if (optimizer.lr !== undefined && optimizer.learning_rate !== undefined) {
    problems.push(
      problemAt('training.optimizer.lr', '`lr` and `learning_rate` are the same setting; give one', ctx, { expected: 'lr or learning_rate', received: 'both' }),
    );
  }
  return problems;
}

function lossKey(training: RawTraining): string {
  return typeof training.loss === 'object' ? 'training.loss.name' : 'training.loss';
}

export interface ResolvedLoss {
  loss: string;
  fromLogits?: boolean;
  torchLoss?: string;
  args?: { beta?: number; delta?: number };
}

/** The written loss in internal terms; undefined when none is written. */
export function resolveWrittenLoss(raw: RawConfig, framework: Framework): ResolvedLoss | undefined {
  const training = raw.training;
  const name = rawLossName(training);
  if (name === undefined) return undefined;
  const written = typeof training?.loss === 'object' ? training.loss : undefined;
  const args =
    written && (written.beta !== undefined || written.delta !== undefined)
      ? { ...(written.beta !== undefined ? { beta: written.beta } : {}), ...(written.delta !== undefined ? { delta: written.delta } : {}) }
      : undefined;
  const torch = framework === 'pytorch' ? torchLoss(name) : undefined;
  if (torch) {
    // CrossEntropyLoss takes class indices or class probabilities; one-hot targets are probabilities.
    const loss = torch.className === 'CrossEntropyLoss' && raw.preprocessing?.targets === 'one_hot' ? 'categorical_crossentropy' : torch.loss;
    return { loss, fromLogits: torch.fromLogits, torchLoss: torch.className, ...(args ? { args } : {}) };
  }
  const keras = canonicalLoss(name);
  return keras === undefined ? undefined : { loss: keras, ...(args ? { args } : {}) };
}

/**
 * A PyTorch CrossEntropyLoss whose targets turn out to be rows of class probabilities (one column per
 * class) is categorical crossentropy from logits, not the sparse form: settled once the data is read.
 */
export function withTargetWidth(config: PreflightConfig, targetWidth: number): PreflightConfig {
  const training = config.training;
  if (training.torch_loss !== 'CrossEntropyLoss' || targetWidth <= 1 || training.loss !== 'sparse_categorical_crossentropy') return config;
  return { ...config, training: { ...training, loss: 'categorical_crossentropy' } };
}

/** A torch.optim optimizer with every default filled in, and the learning rate as written (lr or learning_rate). */
export function torchOptimizerOf(raw: RawConfig): { optimizer: OptimizerSpec; learningRate?: number } {
  const training = raw.training;
  const written = training?.optimizer;
  const name: TorchOptimizerName = (written === undefined ? 'Adam' : torchOptimizerName(typeof written === 'string' ? written : written.name)) ?? 'Adam';
  const args: Record<string, number | boolean> = { ...TORCH_OPTIMIZER_DEFAULTS[name] };
  delete args.lr;
  let optimizerRate: number | undefined;
  if (written !== undefined && typeof written !== 'string') {
    const { name: _name, lr, learning_rate, betas, ...rest } = written as Record<string, unknown> & { betas?: [number, number] };
    optimizerRate = (lr ?? learning_rate) as number | undefined;
    if (betas) [args.beta1, args.beta2] = betas;
    for (const [key, value] of Object.entries(rest)) if (typeof value === 'number' || typeof value === 'boolean') args[key] = value;
  }
  // `training.weight_decay` is the optimizer's weight_decay argument under PyTorch (L2 in the gradient; decoupled for AdamW).
  const argWritten = written !== undefined && typeof written !== 'string' && (written as Record<string, unknown>).weight_decay !== undefined;
  if (!argWritten && training?.weight_decay !== undefined) {
    args.weight_decay = training.weight_decay;
  }
  const learningRate = training?.lr ?? training?.learning_rate ?? optimizerRate;
  return { optimizer: { name, args, framework: 'pytorch' }, ...(learningRate !== undefined ? { learningRate } : {}) };
}

export function torchDefaultLearningRate(name: string): number {
  const torchName = torchOptimizerName(name);
  return torchName ? (TORCH_OPTIMIZER_DEFAULTS[torchName].lr as number) : 1e-3;
}

/** Keras accepts an optimizer's class name (`Adam`, `SGD`); the config stores the snake_case name. */
export function kerasOptimizerName(name: string): string {
  const lower = name.toLowerCase();
  return (OPTIMIZER_NAMES as string[]).includes(lower) || lower === 'adamw' ? lower : name;
}

export function kerasDefaultLearningRate(name: string): number {
  return ownEntry(OPTIMIZER_DEFAULT_LEARNING_RATE, name) ?? 0.001;
}

const IMAGE_LAYERS = new Set(['conv2d', 'max_pooling2d', 'average_pooling2d', 'global_average_pooling2d']);

/**
 * PyTorch images are (N, C, H, W); the engine is channels-last. Under framework pytorch a model with 2-D
 * convolutions or pooling reads (N, C, H, W) arrays transposed to (N, H, W, C), once, as the data is read.
 */
export function readsChannelsFirst(config: PreflightConfig): boolean {
  if (config.training.framework !== 'pytorch') return false;
  const origin = config.model.origin;
  if (origin.kind === 'onnx' && origin.layout !== 'nchw') return false;
  return config.model.layers.some((layer) => IMAGE_LAYERS.has(layer.type));
}

/** A PyTorch-style `input_shape: [C, H, W]` of a YAML image model, as the channels-last [H, W, C] the engine builds. */
export function channelsLastInputShape(model: ModelSpec, framework: Framework): ModelSpec {
  const shape = model.input_shape;
  if (framework !== 'pytorch' || model.origin.kind !== 'layers' || shape?.length !== 3) return model;
  if (!model.layers.some((layer) => IMAGE_LAYERS.has(layer.type))) return model;
  const [channels, height, width] = shape;
  if (channels > 4 || width <= 4) return model;
  return { ...model, input_shape: [height, width, channels] };
}
