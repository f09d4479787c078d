// Finding configs in a repository (the files each one names: config/named-files.ts).
import { readdirSync, lstatSync } from 'node:fs';
import path from 'node:path';

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
