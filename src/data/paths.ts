// Every path a pull request names is resolved here, so that nothing outside the repository is read.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export type Resolved = { ok: true; absolute: string } | { ok: false; reason: string };

/**
 * Resolve `relative` (as written in a config) against `baseDir`, and accept it only when it stays
 * inside `root` after following symlinks. Absolute paths are refused outright: a config describes
 * its own repository.
 */
export function resolveInsideRoot(root: string, baseDir: string, relative: string): Resolved {
  if (typeof relative !== 'string' || relative.length === 0) return { ok: false, reason: 'the path is empty' };
  if (relative.includes('\0')) return { ok: false, reason: 'the path contains a NUL byte' };
  if (path.isAbsolute(relative) || /^[a-zA-Z]:[\\/]/.test(relative)) {
    return { ok: false, reason: `absolute paths are not allowed ("${relative}"); write it relative to the config file` };
  }
  const rootReal = safeRealpath(root);
  const realRoot = rootReal === undefined || rootReal === 'loop' ? path.resolve(root) : rootReal;
  const lexical = path.resolve(baseDir, relative);
  if (!isInside(realRoot, lexical) && !isInside(path.resolve(root), lexical)) {
    return { ok: false, reason: `"${relative}" leaves the repository` };
  }
  const real = safeRealpath(lexical);
  if (real === 'loop') return { ok: false, reason: `"${relative}" is a loop of symbolic links (each one points on to another, back to itself)` };
  if (real === undefined) return { ok: false, reason: `"${relative}" does not exist` };
  if (!isInside(realRoot, real)) {
    return { ok: false, reason: `"${relative}" is a symbolic link that leaves the repository` };
  }
  return { ok: true, absolute: real };
}

/** Only regular files and folders are ever opened: a FIFO or a device could block or stream forever. */
export function fileKind(absolute: string): 'file' | 'directory' | 'other' | 'missing' {
  try {
    const s = statSync(absolute);
    if (s.isFile()) return 'file';
    if (s.isDirectory()) return 'directory';
    return 'other';
  } catch {
    return 'missing';
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  // `..train.csv` is a file in the root, not a step out of it: only a whole `..` segment leaves.
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

function safeRealpath(p: string): string | 'loop' | undefined {
  try {
    return realpathSync(p);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : undefined;
  }
}
