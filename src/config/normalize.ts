// A schema-valid raw config -> PreflightConfig: canonical names, Keras defaults, and the few rules
// that span several keys (exactly one of layers/keras, a loss from somewhere, targets for tables).
import path from 'node:path';
import { buildLayerSpec } from './layers.ts';
import { canonicalLoss, type OptimizerName } from './names.ts';
import {
  channelsLastInputShape,
  frameworkOf,
  frameworkProblems,
  kerasDefaultLearningRate,
  kerasOptimizerName,
  rawLossName,
  resolveWrittenLoss,
  torchDefaultLearningRate,
  torchOptimizerOf,
} from './framework.ts';
import { problemAt } from './issues.ts';
import type { ConfigProblem } from './problems.ts';
import type { RawConfig } from './schema.ts';
import type { DataSource, InputPreprocessing, LayerSpec, LayerType, ModelSpec, OptimizerSpec, PreflightConfig, SourceRange } from './types.ts';

export const DEFAULT_BATCH_SIZE = 32;
export const DEFAULT_SAMPLE_ROWS = 10_000;
// 20 s covers a config's whole smoke part (main run, controls, confirmations, fix checks): a PR waits a known time.
export const DEFAULT_SMOKE = { steps: 200, seed: 0, time_budget_s: 20 } as const;
const DEFAULT_OPTIMIZER: OptimizerName = 'adam';
/** Keras losses that take a `from_logits` argument. */
const CROSSENTROPY_LOSSES = new Set(['binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy']);
const TABULAR_EXTENSIONS = new Set(['.csv', '.tsv', '.jsonl', '.ndjson', '.json', '.parquet', '.pq']);

interface Context {
  file: string;
  ranges: Record<string, SourceRange>;
}

export function layersModel(raw: RawConfig): ModelSpec {
  const counters = new Map<string, number>();
  const layers: LayerSpec[] = (raw.model.layers ?? []).map((rawLayer, index) => {
    const args = rawLayer as Record<string, unknown> & { type: LayerType; name?: string };
    const n = (counters.get(args.type) ?? 0) + 1;
    counters.set(args.type, n);
    // Layers written in YAML start as the framework would start them (PyTorch's or Keras's default initialization).
    return buildLayerSpec(
      args.type,
      args.name ?? `${args.type}_${n}`,
      args,
      `model.layers[${index}]`,
      raw.training?.framework === 'pytorch' ? 'pytorch' : 'keras',
    );
  });
  const inputShape = raw.model.input_shape ?? firstLayerInputShape(raw.model.layers?.[0] as Record<string, unknown> | undefined);
  return { ...(inputShape ? { input_shape: inputShape } : {}), layers, origin: { kind: 'layers' }, unsupported: [] };
}

/** Keras lets the first layer carry the input: `input_shape: [3]`, or `input_dim: 3` on a dense layer. */
function firstLayerInputShape(first: Record<string, unknown> | undefined): number[] | undefined {
  if (Array.isArray(first?.input_shape)) return first.input_shape as number[];
  if (first?.type === 'dense' && typeof first.input_dim === 'number') return [first.input_dim];
  return undefined;
}

/** Cross-key rules that a per-key schema cannot express. */
export function crossKeyProblems(raw: RawConfig, ctx: Context): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const given = (['layers', 'keras', 'onnx'] as const).filter((key) => raw.model[key] !== undefined);
  if (given.length !== 1) {
    problems.push(
      problemAt(
        'model',
        given.length > 1
          ? `\`model\` has ${given.length === 2 ? 'both ' : ''}${given.map((k) => `\`${k}\``).join(' and ')}; give exactly one`
          : '`model` needs exactly one of `layers` (a list of layers), `keras` (a Keras model file) or `onnx` (an ONNX file, e.g. from torch.onnx.export)',
        ctx,
        { expected: 'layers, keras or onnx' },
      ),
    );
  }
  if (raw.data.train !== undefined && typeof raw.data.train === 'string' && raw.data.targets === undefined) {
    const extension = path.extname(raw.data.train).toLowerCase();
    if (TABULAR_EXTENSIONS.has(extension)) {
      problems.push(
        problemAt('data.targets', `tabular data (\`${raw.data.train}\`) needs \`data.targets\`: the column(s) the model predicts`, ctx, {
          expected: 'a list of column names',
          received: 'nothing',
        }),
      );
    }
  }
  const features = raw.data.features === undefined ? [] : asList(raw.data.features);
  const targets = raw.data.targets === undefined ? [] : asList(raw.data.targets);
  for (const column of targets.filter((t) => features.includes(t))) {
    problems.push(problemAt('data.features', `column \`${column}\` is both a feature and a target: the model would see the answer`, ctx, { received: column }));
  }
  const perColumn = raw.preprocessing?.inputs;
  if (typeof perColumn === 'object' && !('scale' in perColumn)) {
    const seen = new Map<string, string>();
    for (const how of ['standardize', 'minmax', 'one_hot', 'none'] as const) {
      const listed = perColumn[how];
      for (const column of listed === undefined ? [] : asList(listed)) {
        const before = seen.get(column);
        if (before !== undefined)
          problems.push(
            problemAt(
              `preprocessing.inputs.${how}`,
              `column \`${column}\` is listed under both \`${before}\` and \`${how}\`; give each column one transform`,
              ctx,
              { received: column },
            ),
          );
        seen.set(column, how);
        if (targets.includes(column))
          problems.push(
            problemAt(
              `preprocessing.inputs.${how}`,
              `column \`${column}\` is a target; \`preprocessing.inputs\` is for input columns (targets have \`preprocessing.targets\`)`,
              ctx,
              { received: column },
            ),
          );
      }
    }
  }
  const lossName = rawLossName(raw.training);
  // A PyTorch loss name is judged with the framework (normalizeConfig), which knows whether it is allowed.
  if (
    raw.training?.from_logits !== undefined &&
    lossName !== undefined &&
    canonicalLoss(lossName) !== undefined &&
    !CROSSENTROPY_LOSSES.has(canonicalLoss(lossName) ?? '')
  ) {
    problems.push(
      problemAt('training.from_logits', `\`from_logits\` applies to the crossentropy losses only, not to ${canonicalLoss(lossName)}`, ctx, {
        expected: [...CROSSENTROPY_LOSSES].join(', '),
        received: lossName,
      }),
    );
  }
  return problems;
}

export function normalizeConfig(
  raw: RawConfig,
  model: ModelSpec,
  ctx: Context & { displayPath: string; absolutePath?: string },
): { ok: true; config: PreflightConfig } | { ok: false; problems: ConfigProblem[] } {
  const compile = model.compile ?? {};
  const framework = frameworkOf(raw, model);
  const vocabulary = frameworkProblems(raw, framework, ctx);
  if (vocabulary.length > 0) return { ok: false, problems: vocabulary };
  const written = resolveWrittenLoss(raw, framework);
  const lossName = written?.loss ?? (compile.loss !== undefined ? (canonicalLoss(compile.loss) ?? compile.loss) : undefined);
  if (lossName === undefined) {
    const where = model.origin.kind === 'keras' ? ' (and the Keras file has no compile_config loss)' : '';
    const example = framework === 'pytorch' ? 'a torch.nn loss name, e.g. CrossEntropyLoss or MSELoss' : 'a Keras loss name, e.g. mean_squared_error';
    return {
      ok: false,
      problems: [problemAt('training.loss', `no loss given: set \`training.loss\`${where}`, ctx, { expected: example, received: 'nothing' })],
    };
  }
  const writtenName = rawLossName(raw.training);
  const lossFromFile = writtenName === undefined || canonicalLoss(writtenName) === canonicalLoss(compile.loss ?? '');

  const { optimizer, optimizerLearningRate } = framework === 'pytorch' ? torchOptimizer(raw) : optimizerOf(raw, compile.optimizer);
  const explicitRate =
    framework === 'pytorch'
      ? optimizerLearningRate
      : (raw.training?.learning_rate ?? optimizerLearningRate ?? (raw.training?.optimizer === undefined ? compile.learning_rate : undefined));
  const learningRate = explicitRate ?? (framework === 'pytorch' ? torchDefaultLearningRate(optimizer.name) : kerasDefaultLearningRate(optimizer.name));

  const config: PreflightConfig = {
    version: 1,
    name: raw.name ?? defaultName(ctx.displayPath, ctx.absolutePath),
    ...(raw.task ? { task: raw.task } : {}),
    data: {
      train: dataSource(raw.data.train),
      ...(raw.data.validation !== undefined ? { validation: dataSource(raw.data.validation) } : {}),
      ...(raw.data.features !== undefined ? { features: asList(raw.data.features) } : {}),
      ...(raw.data.targets !== undefined ? { targets: asList(raw.data.targets) } : {}),
      sample: raw.data.sample ?? DEFAULT_SAMPLE_ROWS,
      ...(raw.data.delimiter !== undefined ? { delimiter: raw.data.delimiter === 'tab' ? '\t' : raw.data.delimiter } : {}),
      ...(raw.data.decimal !== undefined ? { decimal: raw.data.decimal } : {}),
    },
    preprocessing: {
      inputs: inputPreprocessing(raw.preprocessing?.inputs),
      targets: raw.preprocessing?.targets ?? 'none',
    },
    model: channelsLastInputShape(model, framework),
    training: {
      framework,
      loss: lossName,
      ...(written?.torchLoss ? { torch_loss: written.torchLoss } : {}),
      ...(written?.args ? { loss_args: written.args } : {}),
      from_logits: written?.fromLogits ?? raw.training?.from_logits ?? (lossFromFile ? compile.from_logits : undefined) ?? false,
      optimizer,
      learning_rate: learningRate,
      learning_rate_explicit: explicitRate !== undefined,
      batch_size: raw.training?.batch_size ?? DEFAULT_BATCH_SIZE,
      ...(raw.training?.epochs !== undefined ? { epochs: raw.training.epochs } : {}),
      // Under PyTorch the weight decay lives in the optimizer's arguments, with its semantics.
      weight_decay: framework === 'pytorch' ? 0 : (raw.training?.weight_decay ?? 0),
      early_stopping: raw.training?.early_stopping ?? false,
      ...(raw.training?.class_weight !== undefined ? { class_weight: { ...raw.training.class_weight } } : {}),
    },
    smoke: { ...DEFAULT_SMOKE, ...definedOnly(raw.smoke ?? {}) },
    checks: { ...(raw.checks ?? {}) },
    ...(raw.watch !== undefined ? { watch: [...raw.watch] } : {}),
  };
  return { ok: true, config };
}

function optimizerOf(raw: RawConfig, fromFile: OptimizerSpec | undefined): { optimizer: OptimizerSpec; optimizerLearningRate?: number } {
  const written = raw.training?.optimizer;
  if (written === undefined) return { optimizer: fromFile ?? { name: DEFAULT_OPTIMIZER, args: {} } };
  if (typeof written === 'string') return { optimizer: { name: kerasOptimizerName(written), args: {} } };
  const { name, learning_rate, ...rest } = written as Record<string, unknown> & { name: string; learning_rate?: number };
  const args = Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')) as Record<string, number | boolean>;
  return { optimizer: { name: kerasOptimizerName(name), args }, ...(learning_rate !== undefined ? { optimizerLearningRate: learning_rate } : {}) };
}

function torchOptimizer(raw: RawConfig): { optimizer: OptimizerSpec; optimizerLearningRate?: number } {
  const { optimizer, learningRate } = torchOptimizerOf(raw);
  return { optimizer, ...(learningRate !== undefined ? { optimizerLearningRate: learningRate } : {}) };
}

function dataSource(raw: string | { x: string; y: string }): DataSource {
  return typeof raw === 'string' ? { kind: 'path', path: raw } : { kind: 'arrays', x: raw.x, y: raw.y };
}

function asList(raw: string | string[]): string[] {
  return typeof raw === 'string' ? [raw] : [...raw];
}

function inputPreprocessing(raw: NonNullable<RawConfig['preprocessing']>['inputs']): InputPreprocessing {
  if (raw === undefined) return 'none';
  if (typeof raw === 'string') return raw;
  if ('scale' in raw) return { scale: raw.scale, shift: raw.shift ?? 0 };
  const columns: Record<string, 'none' | 'standardize' | 'minmax' | 'one_hot'> = {};
  for (const how of ['standardize', 'minmax', 'one_hot', 'none'] as const) {
    const listed = raw[how];
    for (const column of listed === undefined ? [] : asList(listed)) columns[column] = how;
  }
  return { columns, others: raw.others ?? 'none' };
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `models/housing.preflight.yml` -> `housing`; a bare `preflight.yml` takes its folder's name (from the file's own path). */
export function defaultName(displayPath: string, absolutePath: string = path.resolve(displayPath)): string {
  const base = path.basename(displayPath).replace(/\.ya?ml$/i, '');
  const stripped = base.replace(/\.?preflight$/i, '');
  if (stripped !== '') return stripped;
  const folder = path.basename(path.dirname(absolutePath));
  return folder || base;
}
