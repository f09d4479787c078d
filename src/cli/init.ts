// `nn-preflight init`: reads a data file with the real loader and writes a commented starter config
// whose every choice (task, loss, output, preprocessing) follows from the data's own statistics.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSplit } from '../data/load.ts';
import { DEFAULT_DATA_LIMITS, type ColumnStats, type LoadedSplit, type LoadOptions } from '../data/types.ts';
import { MAX_SCALED_MEAN, MAX_SCALED_STD } from '../checks/unscaled-inputs.ts';
import { MIN_UPDATES_PER_EPOCH } from '../checks/batch-too-large.ts';

export type Framework = 'pytorch' | 'keras';

export interface InitSettings {
  /** the data file, as given */
  data?: string;
  model?: string;
  /** target column(s); guessed when absent */
  targets?: string[];
  framework?: Framework;
  force: boolean;
  /** the config to write (default: `<data stem>.preflight.yml` in the current folder) */
  out?: string;
}

export type InitResult = { ok: true; file: string; text: string; notes: string[] } | { ok: false; message: string };

/** Names that usually hold the answer, tried in this order when --target is not given. */
const TARGET_NAMES = ['target', 'label', 'labels', 'y', 'class', 'outcome', 'price'];
const DATA_GUESSES = ['train.csv', 'train.parquet', 'train.tsv', 'train.jsonl', 'data/train.csv', 'data/train.parquet', 'data/train.tsv', 'data/train.jsonl'];
/** At most this many categories make a text column one_hot; more is an id or free text. */
export const MAX_ONE_HOT_CATEGORIES = 50;
/** A class-id target has at most this many classes (0..k-1) for init to call it multiclass. */
const MAX_CLASSES = 100;
/** Columns already near unit scale are left alone: std in this range and |mean| <= MAX_SCALED_MEAN. */
const UNIT_STD = { min: 0.1, max: MAX_SCALED_STD };

export async function initConfig(settings: InitSettings, cwd: string, root: string): Promise<InitResult> {
  const data = settings.data ?? DATA_GUESSES.find((g) => existsSync(path.join(cwd, g)));
  if (data === undefined) return { ok: false, message: `give the data file: nn-preflight init DATA (none of ${DATA_GUESSES.join(', ')} exists here)` };
  const dataAbsolute = path.resolve(cwd, data);
  const out = path.resolve(cwd, settings.out ?? `${path.basename(data).replace(/\.[^.]+$/, '') || 'model'}.preflight.yml`);
  if (existsSync(out) && !settings.force) return { ok: false, message: `${path.relative(cwd, out) || out} exists; pass --force to overwrite it` };
  const outDir = path.dirname(out);
  const relativeData = toPosix(path.relative(outDir, dataAbsolute));

  const base: LoadOptions = {
    root,
    baseDir: outDir,
    sample: 1000,
    seed: 0,
    limits: DEFAULT_DATA_LIMITS,
    key: 'data.train',
    ...(settings.targets ? { targets: settings.targets } : { guessTarget: TARGET_NAMES }),
  };
  const first = await loadSplit({ kind: 'path', path: relativeData }, base);
  if (!first.ok) return { ok: false, message: `${first.problem.file}: ${first.problem.message}` };
  let split = first.split;
  const notes: string[] = [];
  if (split.format === 'images' || split.format === 'npy' || split.format === 'npz') {
    return { ok: false, message: `init writes configs for tables (csv, tsv, json, jsonl, parquet); ${data} is ${split.format} data` };
  }

  // a second pass reads the text columns as categories, to count them exactly
  let textColumns = split.features.filter((c) => c.text > 0).map((c) => c.name);
  const tooMany: string[] = [];
  while (textColumns.length > 0) {
    const again = await loadSplit(
      { kind: 'path', path: relativeData },
      { ...base, targets: split.targetNames, guessTarget: undefined, categorical: textColumns },
    );
    if (again.ok) {
      split = again.split;
      break;
    }
    const overflowing = textColumns.find((c) => again.problem.message.includes(`"${c}" has more than`));
    if (overflowing === undefined) return { ok: false, message: `${again.problem.file}: ${again.problem.message}` };
    tooMany.push(overflowing);
    textColumns = textColumns.filter((c) => c !== overflowing);
  }

  const textTarget = split.targets.find((t) => t.text > 0 && split.classNames === undefined);
  if (textTarget !== undefined) {
    return {
      ok: false,
      message: `target column ${textTarget.name} holds text that is not a small set of class names (${textTarget.text} text cells, e.g. ${textTarget.textExamples
        .slice(0, 3)
        .map((e) => JSON.stringify(e))
        .join(', ')}); pass --target with the column to predict`,
    };
  }
  const validation = siblingValidation(dataAbsolute);
  const plan = planColumns(split, tooMany);
  const task = inferTask(split.targets, split.classNames);
  const validationPath = validation === undefined ? undefined : toPosix(path.relative(outDir, validation));
  const text = renderConfig({ settings, split, relativeData, validationPath, outDir, plan, task, guessedTarget: settings.targets === undefined });
  writeFileSync(out, text);
  notes.push(`task ${task.kind} from the target ${split.targetNames.join(', ')}${settings.targets === undefined ? ' (guessed; pass --target to choose)' : ''}`);
  if (plan.dropped.length > 0) notes.push(`left out: ${plan.dropped.map((d) => `${d.name} (${d.why})`).join(', ')}`);
  if (plan.missing.length > 0) notes.push(`missing values in ${plan.missing.join(', ')}: fill them before training`);
  return { ok: true, file: out, text, notes };
}

interface ColumnPlan {
  features: string[];
  standardize: string[];
  oneHot: string[];
  kept: string[];
  dropped: { name: string; why: string }[];
  missing: string[];
}

function planColumns(split: LoadedSplit, tooMany: string[]): ColumnPlan {
  const plan: ColumnPlan = { features: [], standardize: [], oneHot: [], kept: [], dropped: [], missing: [] };
  for (const column of split.features) {
    const categories = split.categories?.[column.name];
    if (column.empty + column.nan + column.inf > 0) plan.missing.push(column.name);
    if (tooMany.includes(column.name) || (categories && categories.names.length > MAX_ONE_HOT_CATEGORIES)) {
      plan.dropped.push({ name: column.name, why: `text with ${categories ? categories.names.length : 'over 1000'} distinct values: an id or free text` });
      continue;
    }
    if (categories) {
      if (categories.names.length < 2) {
        plan.dropped.push({ name: column.name, why: 'a single category' });
        continue;
      }
      plan.features.push(column.name);
      plan.oneHot.push(column.name);
      continue;
    }
    if (column.numeric === 0 || column.distinct === 1 || !(column.std > 0)) {
      plan.dropped.push({ name: column.name, why: 'constant' });
      continue;
    }
    plan.features.push(column.name);
    if (nearUnitScale(column)) plan.kept.push(column.name);
    else plan.standardize.push(column.name);
  }
  return plan;
}

function nearUnitScale(c: ColumnStats): boolean {
  return c.std >= UNIT_STD.min && c.std <= UNIT_STD.max && Math.abs(c.mean) <= MAX_SCALED_MEAN;
}

type TaskPlan =
  | { kind: 'regression'; outputs: number; standardizeTargets: boolean; why: string }
  | { kind: 'binary'; why: string }
  | { kind: 'multiclass'; classes: number; why: string }
  | { kind: 'multilabel'; outputs: number; why: string };

export function inferTask(targets: ColumnStats[], classNames?: string[]): TaskPlan {
  const zeroOne = (t: ColumnStats) => t.integer && t.values !== undefined && t.values.every((v) => v.value === 0 || v.value === 1);
  if (targets.length > 1) {
    if (targets.every(zeroOne)) return { kind: 'multilabel', outputs: targets.length, why: `${targets.length} target columns, all 0/1` };
    return {
      kind: 'regression',
      outputs: targets.length,
      standardizeTargets: targets.some((t) => !nearUnitScale(t)),
      why: `${targets.length} numeric target columns`,
    };
  }
  const t = targets[0];
  if (classNames !== undefined) {
    const shown = classNames.slice(0, 5).join(', ') + (classNames.length > 5 ? ', ...' : '');
    return classNames.length === 2
      ? { kind: 'binary', why: `2 class names (${shown}), read as 0/1 in sorted order` }
      : {
          kind: 'multiclass',
          classes: classNames.length,
          why: `${classNames.length} class names (${shown}), read as ids 0..${classNames.length - 1} in sorted order`,
        };
  }
  if (zeroOne(t)) return { kind: 'binary', why: 'the target holds only 0 and 1' };
  const ids =
    t.integer &&
    t.min >= 0 &&
    t.values !== undefined &&
    t.max + 1 <= MAX_CLASSES &&
    t.values.length >= 3 &&
    t.values.length <= t.max + 1 &&
    t.values.length < t.numeric / 2;
  if (ids)
    return { kind: 'multiclass', classes: t.max + 1, why: `the target holds whole numbers 0..${t.max} (${t.values!.length} distinct), read as class ids` };
  return {
    kind: 'regression',
    outputs: 1,
    standardizeTargets: !nearUnitScale(t),
    why: `the target is continuous (mean ${round(t.mean)}, std ${round(t.std)})`,
  };
}

interface RenderInput {
  settings: InitSettings;
  split: LoadedSplit;
  relativeData: string;
  validationPath?: string;
  outDir: string;
  plan: ColumnPlan;
  task: TaskPlan;
  guessedTarget: boolean;
}

function renderConfig({ settings, split, relativeData, validationPath, outDir, plan, task, guessedTarget }: RenderInput): string {
  const torch = settings.framework === 'pytorch';
  const lines: string[] = [];
  const add = (...more: string[]) => lines.push(...more);
  add(
    `# nn-preflight config written by \`nn-preflight init\` from ${relativeData} (${split.rows} rows).`,
    '# Every value below follows from the data; check it against your real training code.',
    '# Format: https://github.com/OWNER/nn-preflight/blob/main/docs/CONFIG.md',
    'version: 1',
    `task: ${task.kind}                  # ${task.why}`,
    '',
    'data:',
    `  train: ${yamlScalar(relativeData)}`,
    ...(validationPath !== undefined ? [`  validation: ${yamlScalar(validationPath)}       # found beside the training file`] : []),
    `  targets: ${yamlList(split.targetNames)}${guessedTarget ? '     # guessed: pass --target COLUMN to choose' : ''}`,
  );
  const allFeatures = split.featureNames.length === plan.features.length;
  if (!allFeatures) add(`  features: ${yamlList(plan.features)}`);
  for (const d of plan.dropped) add(`  # left out: ${d.name} (${d.why})`);
  for (const m of plan.missing) add(`  # ${m} has missing values: fill them (e.g. with the training median) before training`);
  if (split.dialect && (split.dialect.delimiter !== ',' || split.dialect.decimal !== '.')) {
    add(`  delimiter: ${yamlScalar(split.dialect.delimiter === '\t' ? 'tab' : split.dialect.delimiter)}`);
    if (split.dialect.decimal !== '.') add(`  decimal: ${yamlScalar(split.dialect.decimal)}`);
  }
  add('', 'preprocessing:                   # what your own pipeline does before the model sees the data');
  const byColumn = plan.oneHot.length > 0 || (plan.standardize.length > 0 && plan.kept.length > 0);
  if (!byColumn) {
    add(
      `  inputs: ${plan.standardize.length > 0 ? 'standardize' : 'none'}${plan.standardize.length > 0 ? '             # every input is far from mean 0 / std 1' : '                    # the inputs are already near mean 0 / std 1'}`,
    );
  } else {
    add('  inputs:');
    if (plan.standardize.length > 0) add(`    standardize: ${yamlList(plan.standardize)}   # far from mean 0 / std 1: (x - train mean) / train std`);
    if (plan.oneHot.length > 0)
      add(
        `    one_hot: ${yamlList(plan.oneHot)}   # text categories: one 0/1 column each (${plan.oneHot.map((c) => `${c}: ${split.categories?.[c]?.names.length}`).join(', ')})`,
      );
    if (plan.kept.length > 0) add(`    none: ${yamlList(plan.kept)}   # already near mean 0 / std 1`);
  }
  const standardizeTargets = task.kind === 'regression' && task.standardizeTargets;
  add(`  targets: ${standardizeTargets ? 'standardize' : 'none'}${standardizeTargets ? '            # the regression target is far from mean 0 / std 1' : ''}`);

  const outputs = task.kind === 'binary' ? 1 : task.kind === 'multiclass' ? task.classes : task.outputs;
  const head = outputHead(task, torch);
  add('', 'model:');
  if (settings.model !== undefined) {
    const modelPath = toPosix(path.relative(outDir, path.resolve(settings.model)));
    const key = modelPath.toLowerCase().endsWith('.onnx') ? 'onnx' : 'keras';
    add(
      `  ${key}: ${yamlScalar(modelPath)}`,
      `  # its output should be ${outputs} unit${outputs === 1 ? '' : 's'} with ${head.activation} output for ${head.loss}`,
    );
  } else {
    const hidden = Math.max(32, 2 * outputs);
    add(
      '  layers:                        # a small starting point: replace with your real model',
      `    - {type: dense, units: ${hidden}, activation: relu, kernel_initializer: he_normal}`,
      '    - {type: dropout, rate: 0.1}',
      `    - {type: dense, units: ${Math.max(16, outputs)}, activation: relu, kernel_initializer: he_normal}`,
      `    - {type: dense, units: ${outputs}, activation: ${head.activation}}`,
    );
  }
  add('', 'training:');
  if (settings.framework !== undefined) add(`  framework: ${settings.framework}`);
  add(
    `  loss: ${head.loss}${' '.repeat(Math.max(1, 24 - head.loss.length))}# ${head.why}`,
    '  optimizer: adam',
    '  learning_rate: 0.001',
    `  batch_size: ${batchSize(split.rows)}${batchSize(split.rows) < 32 ? `                  # ${split.rows} rows: at least ${MIN_UPDATES_PER_EPOCH} updates per epoch` : ''}`,
    '',
  );
  return lines.join('\n');
}

/** `train.csv` -> `val.csv`, `valid.csv` or `validation.csv` beside it, when one exists. */
function siblingValidation(trainFile: string): string | undefined {
  const name = path.basename(trainFile);
  if (!/train/i.test(name)) return undefined;
  for (const word of ['val', 'valid', 'validation']) {
    const candidate = path.join(path.dirname(trainFile), name.replace(/train/i, word));
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function batchSize(rows: number): number {
  return Math.max(1, Math.min(32, Math.floor(rows / MIN_UPDATES_PER_EPOCH)));
}

function outputHead(task: TaskPlan, torch: boolean): { loss: string; activation: string; why: string } {
  switch (task.kind) {
    case 'regression':
      return { loss: torch ? 'MSELoss' : 'mean_squared_error', activation: 'linear', why: 'continuous target: a linear output' };
    case 'binary':
      return torch
        ? { loss: 'BCEWithLogitsLoss', activation: 'linear', why: 'one logit per row; the loss applies the sigmoid' }
        : { loss: 'binary_crossentropy', activation: 'sigmoid', why: 'one probability per row' };
    case 'multiclass':
      return torch
        ? { loss: 'CrossEntropyLoss', activation: 'linear', why: 'class indices and logits; the loss applies log-softmax' }
        : { loss: 'sparse_categorical_crossentropy', activation: 'softmax', why: 'class ids 0..k-1 and a softmax over k units' };
    case 'multilabel':
      return torch
        ? { loss: 'BCEWithLogitsLoss', activation: 'linear', why: 'one logit per label; the loss applies the sigmoid' }
        : { loss: 'binary_crossentropy', activation: 'sigmoid', why: 'one independent probability per label' };
  }
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_.\/-]*$/;
const YAML_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n', '~']);

/** A YAML scalar: bare when unambiguous, else double-quoted (JSON strings are valid YAML). */
export function yamlScalar(value: string): string {
  return PLAIN.test(value) && !YAML_WORDS.has(value.toLowerCase()) ? value : JSON.stringify(value);
}

function yamlList(values: string[]): string {
  return `[${values.map(yamlScalar).join(', ')}]`;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function round(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(4))) : String(n);
}
