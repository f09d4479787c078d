// Finding configs in a repository, and the files each one depends on.
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const DEFAULT_CONFIG_GLOB = '**/*.preflight.y*ml';
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist']);
const MAX_WALK_ENTRIES = 200_000;

export function isConfigPath(file: string): boolean {
  return /\.preflight\.ya?ml$/i.test(file);
}

/** Repo-relative paths (forward slashes, sorted) of the files under `root` matching any of `patterns`. */
export function discoverConfigs(root: string, patterns: string[] = [DEFAULT_CONFIG_GLOB]): string[] {
  const matchers = patterns.map(globToRegExp);
  return walkFiles(root)
    .filter((rel) => matchers.some((m) => m.test(rel)))
    .sort();
}

/**
 * The data and model files a config names, repo-relative (best effort: an unreadable config names none).
 * A pull request that changes only a data file must still get its config checked.
 */
export function referencedFiles(root: string, configPath: string): string[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path.join(root, configPath), 'utf8'), { maxAliasCount: 100 });
  } catch {
    return [];
  }
  const configDir = path.posix.dirname(toPosix(configPath));
  const named: string[] = [];
  const data = (doc as { data?: Record<string, unknown> } | null)?.data;
  for (const split of [data?.train, data?.validation]) {
    if (typeof split === 'string') named.push(split);
    else if (split && typeof split === 'object') {
      for (const v of Object.values(split as Record<string, unknown>)) if (typeof v === 'string') named.push(v);
    }
  }
  const model = (doc as { model?: { keras?: unknown; onnx?: unknown } } | null)?.model;
  for (const file of [model?.keras, model?.onnx]) if (typeof file === 'string') named.push(file);
  return named
    .filter((p) => !path.isAbsolute(p))
    .map((p) => path.posix.normalize(path.posix.join(configDir, toPosix(p))))
    .filter((p) => p !== '..' && !p.startsWith('../'));
}

/**
 * The `watch:` globs of a config, repository-relative (best effort: an unreadable config watches nothing).
 * Read apart from the schema so that a config broken by the pull request is still selected and reported.
 */
export function watchedGlobs(root: string, configPath: string): string[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path.join(root, configPath), 'utf8'), { maxAliasCount: 100 });
  } catch {
    return [];
  }
  const watch = (doc as { watch?: unknown } | null)?.watch;
  const list = Array.isArray(watch) ? watch : [];
  return list.filter((glob): glob is string => typeof glob === 'string' && glob !== '' && !glob.startsWith('/')).slice(0, 100);
}

/** `**` crosses folders, `*` does not, `?` is one character, `{a,b}` alternatives. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += '(?:' + glob.slice(i + 1, end).split(',').map(escapeRegExp).join('|') + ')';
        i = end;
      }
    } else re += escapeRegExp(c);
  }
  return new RegExp('^' + re + '$');
}

function walkFiles(root: string): string[] {
  const found: string[] = [];
  const pending = [''];
  let seen = 0;
  while (pending.length > 0 && seen < MAX_WALK_ENTRIES) {
    const rel = pending.pop()!;
    let entries: string[];
    try {
      entries = readdirSync(path.join(root, rel));
    } catch {
      continue;
    }
    for (const name of entries) {
      seen++;
      const childRel = rel ? `${rel}/${name}` : name;
      let st;
      try {
        st = lstatSync(path.join(root, childRel));
      } catch {
        continue;
      }
      // Symlinks are not followed: a link could point out of the repository or loop.
      if (st.isDirectory() && !SKIPPED_FOLDERS.has(name)) pending.push(childRel);
      else if (st.isFile()) found.push(childRel);
    }
  }
  return found;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
