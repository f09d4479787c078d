// Entry point of the config layer: a `*.preflight.yml` path -> a validated PreflightConfig, or
// problems that name the file, line and key. Never throws on bad input.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileKind, isInside, resolveInsideRoot } from '../data/paths.ts';
import { issuesToProblems, problemAt, type ListedValues } from './issues.ts';
import { parseKerasModel } from './keras.ts';
import { loadOnnxModel } from './onnx/load.ts';
import { looksLikeZip, readKerasArchive } from './keras-archive.ts';
import { readKerasH5Weights } from './keras-h5.ts';
import { crossKeyProblems, layersModel, normalizeConfig } from './normalize.ts';
import { DEFAULT_CONFIG_LIMITS, type ConfigLimits, type ConfigProblem } from './problems.ts';
import { buildConfigSchema, type RawConfig } from './schema.ts';
import { loadTfjsWeights, MAX_WEIGHT_BYTES } from './tfjs-weights.ts';
import type { ConfigSource, ModelSpec, PreflightConfig, SourceRange } from './types.ts';
import { parseYamlWithRanges } from './yaml-source.ts';

export { DEFAULT_CONFIG_LIMITS, type ConfigLimits, type ConfigProblem } from './problems.ts';

/** A Keras/TF.js model description is small JSON; anything near this size is not one. */
export const MAX_MODEL_FILE_BYTES = 16 * 1024 * 1024;

/** Keys starting with this are the user's own annotations: allowed anywhere and ignored. */
const EXTENSION_KEY_PREFIX = 'x-';

export type ConfigLoadResult =
  /** notices: problems that do not stop the config from loading (a weight shard the model file lists is missing) */
  { ok: true; config: PreflightConfig; source: ConfigSource; notices?: ConfigProblem[] } | { ok: false; source?: ConfigSource; problems: ConfigProblem[] };

export async function loadConfig(
  absPath: string,
  opts: { root: string; displayPath: string; limits?: ConfigLimits; listed?: ListedValues },
): Promise<ConfigLoadResult> {
  const limits = opts.limits ?? DEFAULT_CONFIG_LIMITS;
  const file = opts.displayPath;
  const text = readConfigText(absPath, file, opts.root, limits);
  if (typeof text !== 'string') return { ok: false, problems: [text] };

  const parsed = parseYamlWithRanges(text, file, limits);
  const lines = text.split(/\r?\n/);
  if (!parsed.ok) return { ok: false, source: { file, text, lines, ranges: {} }, problems: parsed.problems };
  const { ranges } = parsed.parsed;
  const source: ConfigSource = { file, text, lines, ranges };
  const ctx = { file, ranges };

  const value = parsed.parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      source,
      problems: [{ message: 'the config must be a YAML mapping with at least `version`, `data`, `model` and `training`', file, line: 1, column: 1 }],
    };
  }
  const schema = buildConfigSchema(limits);
  const stripped = withoutExtensionKeys(value);
  const result = schema.safeParse(stripped, { reportInput: true });
  if (!result.success) {
    return { ok: false, source, problems: issuesToProblems(result.error.issues, { ...ctx, schema, value: stripped, listed: opts.listed, text }) };
  }
  const raw = result.data;
  const crossProblems = crossKeyProblems(raw, ctx);
  if (crossProblems.length > 0) return { ok: false, source, problems: crossProblems };

  const notices: ConfigProblem[] = [];
  const model =
    raw.model.keras !== undefined
      ? await loadKerasFile(raw, absPath, opts.root, file, ranges, limits, notices)
      : raw.model.onnx !== undefined
        ? loadOnnxFile(raw, absPath, opts.root, file, ranges, limits)
        : layersModel(raw);
  if (!('layers' in model)) return { ok: false, source, problems: model.problems };

  const normalized = normalizeConfig(raw, model, { ...ctx, displayPath: file, absolutePath: absPath });
  if (!normalized.ok) return { ok: false, source, problems: normalized.problems };
  return { ok: true, config: normalized.config, source, ...(notices.length > 0 ? { notices } : {}) };
}

export function readConfigText(absPath: string, file: string, root: string, limits: ConfigLimits): string | ConfigProblem {
  const kind = fileKind(absPath);
  if (kind === 'missing') return { message: `config file not found: ${file}`, file };
  if (kind !== 'file') return { message: `config path is not a regular file: ${file}`, file };
  // A config in the repository that links to a file outside it would put that file's keys and values
  // into the report. A config the user names outside the repository is their own choice.
  if (isInside(path.resolve(root), path.resolve(absPath))) {
    const resolved = resolveInsideRoot(root, path.dirname(absPath), path.basename(absPath));
    if (!resolved.ok) return { message: `config file refused: ${resolved.reason}`, file };
  }
  try {
    const size = statSync(absPath).size;
    if (size > limits.maxBytes) return { message: `the config file is ${size} bytes; the limit is ${limits.maxBytes}`, file };
    return readFileSync(absPath, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    return { message: `could not read the config file: ${(error as Error).message}`, file };
  }
}

export function withoutExtensionKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutExtensionKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith(EXTENSION_KEY_PREFIX))
      .map(([key, inner]) => [key, withoutExtensionKeys(inner)]),
  );
}

async function loadKerasFile(
  raw: RawConfig,
  configPath: string,
  root: string,
  displayPath: string,
  ranges: Record<string, SourceRange>,
  limits: ConfigLimits,
  notices: ConfigProblem[],
): Promise<ModelSpec | { problems: ConfigProblem[] }> {
  const relative = raw.model.keras!;
  const ctx = { file: displayPath, ranges };
  const at = (message: string) => ({ problems: [problemAt('model.keras', message, ctx)] });
  const resolved = resolveInsideRoot(root, path.dirname(configPath), relative);
  if (!resolved.ok) return at(`cannot read the Keras model file: ${resolved.reason}`);
  if (fileKind(resolved.absolute) !== 'file') return at(`the Keras model path "${relative}" is not a regular file`);
  if (await looksLikeZip(resolved.absolute)) return loadKerasArchive(raw, resolved.absolute, relative, displayPath, ranges, limits);
  let json: unknown;
  try {
    const size = statSync(resolved.absolute).size;
    if (size > MAX_MODEL_FILE_BYTES) return at(`the Keras model file is ${size} bytes; the limit is ${MAX_MODEL_FILE_BYTES}`);
    json = JSON.parse(readFileSync(resolved.absolute, 'utf8'));
  } catch (error) {
    return at(`the Keras model file "${relative}" is not valid JSON: ${(error as Error).message}`);
  }
  const modelDisplay = path.join(path.dirname(displayPath), relative);
  const parsed = parseKerasModel(json, modelDisplay);
  if (!parsed.ok) return { problems: parsed.problems.map((p) => problemAt('model.keras', `${modelDisplay}: ${p.message}`, ctx)) };
  const model = parsed.model;
  const layerProblems = kerasLayerProblems(model, limits);
  if (layerProblems.length > 0) return { problems: layerProblems.map((m) => problemAt('model.keras', m, ctx)) };
  if (raw.model.input_shape) model.input_shape = raw.model.input_shape;
  const weights = loadTfjsWeights(json, resolved.absolute, root, displayPath);
  if (!weights.ok) return { problems: weights.problems.map((p) => problemAt('model.keras', `${modelDisplay}: ${p.message}`, ctx)) };
  if (weights.weights) model.weights = weights.weights;
  if (weights.missingShard !== undefined) {
    notices.push(
      problemAt(
        'model.keras',
        `${modelDisplay} lists the weight shard "${weights.missingShard}" in its weightsManifest, but it does not exist next to the model file, so none of the model's weights were read and the smoke run trains from a fresh initialization`,
        ctx,
        { received: weights.missingShard },
      ),
    );
  }
  return model;
}

function loadOnnxFile(
  raw: RawConfig,
  configPath: string,
  root: string,
  displayPath: string,
  ranges: Record<string, SourceRange>,
  limits: ConfigLimits,
): ModelSpec | { problems: ConfigProblem[] } {
  const ctx = { file: displayPath, ranges };
  const loaded = loadOnnxModel(raw.model.onnx!, { configPath, root, displayPath, limits });
  if (!loaded.ok) return { problems: [problemAt('model.onnx', loaded.message, ctx)] };
  const layerProblems = kerasLayerProblems(loaded.model, limits, 'ONNX');
  if (layerProblems.length > 0) return { problems: layerProblems.map((m) => problemAt('model.onnx', m, ctx)) };
  return loaded.model;
}

/** A Keras 3 `.keras` archive: the model and compile config from config.json, the weights from model.weights.h5. */
async function loadKerasArchive(
  raw: RawConfig,
  absolute: string,
  relative: string,
  displayPath: string,
  ranges: Record<string, SourceRange>,
  limits: ConfigLimits,
): Promise<ModelSpec | { problems: ConfigProblem[] }> {
  const ctx = { file: displayPath, ranges };
  const modelDisplay = path.join(path.dirname(displayPath), relative);
  const at = (message: string) => ({ problems: [problemAt('model.keras', `${modelDisplay}: ${message}`, ctx)] });
  const read = await readKerasArchive(absolute, { maxJsonBytes: MAX_MODEL_FILE_BYTES, maxWeightBytes: MAX_WEIGHT_BYTES });
  if (!read.ok) return at(read.message);
  const { config, weights } = read.archive;
  const parsed = parseKerasModel(config, modelDisplay);
  if (!parsed.ok) return { problems: parsed.problems.map((p) => problemAt('model.keras', `${modelDisplay}: config.json: ${p.message}`, ctx)) };
  const model = parsed.model;
  const layerProblems = kerasLayerProblems(model, limits);
  if (layerProblems.length > 0) return { problems: layerProblems.map((m) => problemAt('model.keras', m, ctx)) };
  if (raw.model.input_shape) model.input_shape = raw.model.input_shape;
  if (weights === undefined) return model;
  const configLayers = ((config as { config?: { layers?: unknown } }).config?.layers ?? []) as unknown[];
  const loaded = await readKerasH5Weights(weights, configLayers, MAX_WEIGHT_BYTES / 4);
  if (loaded.ok === true) model.weights = loaded.weights;
  else if (loaded.ok === false) return at(loaded.message);
  else model.weights_unused = loaded.reason;
  return model;
}

/** A model file is not validated by the schema, so its sizes are checked here before anything counts parameters. */
function kerasLayerProblems(model: ModelSpec, limits: ConfigLimits, kind: 'Keras' | 'ONNX' = 'Keras'): string[] {
  const problems: string[] = [];
  if (model.layers.length === 0) {
    // Without a layer there is no output layer to check or train; say so instead of findings about one.
    const skipped = model.unsupported.map((u) => `\`${u.name}\` (${u.className})`);
    problems.push(
      `the ${kind} model has no layers${skipped.length > 0 ? ` nn-preflight can build (it skips ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', ...' : ''})` : ''}; a model needs at least its output layer`,
    );
  }
  if (model.layers.length > limits.maxLayers) problems.push(`the ${kind} model has ${model.layers.length} layers; the limit is ${limits.maxLayers}`);
  const isCount = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= limits.maxUnits;
  if (model.input_shape && !model.input_shape.every(isCount)) {
    problems.push(`the ${kind} model's input shape [${model.input_shape.join(', ')}] has a dimension above ${limits.maxUnits}`);
  }
  for (const layer of model.layers) {
    for (const key of ['units', 'filters', 'input_dim', 'output_dim'] as const) {
      if (layer[key] !== undefined && !isCount(layer[key])) {
        problems.push(`layer \`${layer.name}\` has ${key} ${JSON.stringify(layer[key])}; expected a whole number from 1 to ${limits.maxUnits}`);
      }
    }
    for (const key of ['kernel_size', 'strides', 'pool_size'] as const) {
      const sizes = layer[key];
      if (sizes !== undefined && !(Array.isArray(sizes) && sizes.length > 0 && sizes.every(isCount))) {
        problems.push(`layer \`${layer.name}\` has ${key} ${JSON.stringify(sizes)}; expected positive whole numbers`);
      }
    }
    if (layer.rate !== undefined && !(typeof layer.rate === 'number' && layer.rate >= 0 && layer.rate < 1)) {
      problems.push(`layer \`${layer.name}\` has rate ${JSON.stringify(layer.rate)}; expected a number in [0, 1)`);
    }
    if (layer.type === 'conv1d' || layer.type === 'conv2d') {
      if (!layer.kernel_size) problems.push(`layer \`${layer.name}\` has no kernel_size`);
      if (layer.filters === undefined) problems.push(`layer \`${layer.name}\` has no filters`);
    }
    if ((layer.type === 'dense' || layer.type === 'lstm' || layer.type === 'gru' || layer.type === 'simple_rnn') && layer.units === undefined) {
      problems.push(`layer \`${layer.name}\` has no units`);
    }
    if (layer.type === 'reshape' && !(Array.isArray(layer.target_shape) && layer.target_shape.every((d) => Number.isInteger(d) && (d > 0 || d === -1)))) {
      problems.push(`layer \`${layer.name}\` has target_shape ${JSON.stringify(layer.target_shape)}; expected positive whole numbers or -1`);
    }
  }
  return problems;
}
