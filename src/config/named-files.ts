// The files a config depends on, listed with the loader's own rules: its text read and parsed as the
// loader reads it, each path validated by the loader's schema and resolved against the config's folder,
// and a TF.js model file's weight shards read from its weightsManifest as the loader reads them. A pull
// request that changes only one of these files re-checks the config, and the base copy holds them all.
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileKind, isInside, resolveInsideRoot } from '../data/paths.ts';
import { MAX_MODEL_FILE_BYTES, readConfigText, withoutExtensionKeys } from './load.ts';
import { DEFAULT_CONFIG_LIMITS } from './problems.ts';
import { buildConfigSchema } from './schema.ts';
import { weightShardPaths } from './tfjs-weights.ts';
import { parseYamlWithRanges } from './yaml-source.ts';

export interface NamedFile {
  /** relative to the root the files were listed under, forward slashes; a folder (image data) has no trailing slash */
  path: string;
  /** the config key that names it (a weight shard: the model file's key) */
  key: string;
  role: 'data' | 'model' | 'weights';
}

export interface ConfigFiles {
  files: NamedFile[];
  /** the config's `watch:` globs (repository-relative) */
  watch: string[];
}

const ZIP_MAGIC = 'PK\u0003\u0004';

/**
 * The files the config at `root`/`configRel` names, relative to `root`. Best effort by design: each key
 * is validated on its own, so a config the pull request broke elsewhere still names its files (and is
 * re-checked when they change); a path that leaves `root` is left out. Never throws.
 */
export function listConfigFiles(root: string, configRel: string): ConfigFiles {
  const none: ConfigFiles = { files: [], watch: [] };
  const configAbs = path.join(root, ...configRel.split('/'));
  const text = readConfigText(configAbs, configRel, root, DEFAULT_CONFIG_LIMITS);
  if (typeof text !== 'string') return none;
  const parsed = parseYamlWithRanges(text, configRel, DEFAULT_CONFIG_LIMITS);
  if (!parsed.ok) return none;
  const value = withoutExtensionKeys(parsed.parsed.value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return none;
  const raw = value as { data?: Record<string, unknown>; model?: Record<string, unknown>; watch?: unknown };
  const schema = buildConfigSchema(DEFAULT_CONFIG_LIMITS).shape;
  const valid = <T>(sub: { safeParse(v: unknown): { success: boolean; data?: T } }, v: unknown): T | undefined => {
    const result = sub.safeParse(v);
    return result.success ? result.data : undefined;
  };

  const configDir = path.posix.dirname(configRel.split(path.sep).join('/'));
  const files: NamedFile[] = [];
  const add = (relative: string, key: string, role: NamedFile['role'], fromDir = configDir) => {
    const repoPath = path.posix.normalize(path.posix.join(fromDir, relative.split('\\').join('/'))).replace(/\/+$/, '');
    if (path.posix.isAbsolute(relative) || repoPath === '..' || repoPath.startsWith('../') || repoPath === '.' || repoPath === '') return;
    if (!files.some((f) => f.path === repoPath)) files.push({ path: repoPath, key, role });
  };
  for (const split of ['train', 'validation'] as const) {
    const source = valid<string | { x: string; y: string }>(schema.data.shape[split], raw.data?.[split]);
    if (typeof source === 'string') add(source, `data.${split}`, 'data');
    else if (source) {
      add(source.x, `data.${split}.x`, 'data');
      add(source.y, `data.${split}.y`, 'data');
    }
  }
  for (const key of ['keras', 'onnx'] as const) {
    const file = valid<string>(schema.model.shape[key], raw.model?.[key]);
    if (file === undefined) continue;
    add(file, `model.${key}`, 'model');
    if (key === 'keras') for (const shard of tfjsShards(root, configAbs, file)) add(shard.relative, 'model.keras', 'weights', shard.fromDir);
  }
  const watch = valid<string[]>(schema.watch, raw.watch) ?? [];
  return { files, watch };
}

/** The weight shards a TF.js model.json lists, each relative to the model file's folder (as the loader resolves them). */
function tfjsShards(root: string, configAbs: string, modelRelative: string): { relative: string; fromDir: string }[] {
  const resolved = resolveInsideRoot(root, path.dirname(configAbs), modelRelative);
  if (!resolved.ok || fileKind(resolved.absolute) !== 'file') return [];
  const json = readJsonFile(resolved.absolute);
  if (json === undefined) return [];
  // The loader reads the shards next to the model file's real path (a link's target), and so does this.
  const realRoot = safeRealpath(root);
  if (!isInside(realRoot, resolved.absolute)) return [];
  const fromDir = path.relative(realRoot, path.dirname(resolved.absolute)).split(path.sep).join('/') || '.';
  return weightShardPaths(json).map((relative) => ({ relative, fromDir }));
}

function safeRealpath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** A small JSON file's value; undefined for a zip (a .keras archive), a large file or anything unparsable. */
function readJsonFile(absolute: string): unknown {
  let fd: number | undefined;
  try {
    const size = statSync(absolute).size;
    if (size > MAX_MODEL_FILE_BYTES) return undefined;
    fd = openSync(absolute, 'r');
    const bytes = Buffer.alloc(size);
    const read = readSync(fd, bytes, 0, size, 0);
    const text = bytes.subarray(0, read).toString('utf8');
    if (text.startsWith(ZIP_MAGIC)) return undefined;
    return JSON.parse(text);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
