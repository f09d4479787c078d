// Finding configs in a repository (the files each one names: config/named-files.ts). Discovery walks the folders as a
// user expects: it honours .gitignore files (nested ones too, and .git/info/exclude), skips virtual
// environments, caches and dependency folders, and says so when it stops at its entry limit.
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

export const DEFAULT_CONFIG_GLOB = '**/*.preflight.y*ml';
/** Folders never searched: version control, dependencies, virtual environments, caches and build output. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  'dist',
  '.venv',
  'venv',
  'site-packages',
  '__pycache__',
  '.tox',
  '.nox',
  '.eggs',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  '.cache',
]);
/** Files and folders looked at before discovery stops (a monorepo with vendored data can hold millions). */
export const MAX_WALK_ENTRIES = 200_000;
/** A .gitignore beyond this is not a hand-written one; its first bytes are used. */
const MAX_GITIGNORE_BYTES = 256 * 1024;

export function isConfigPath(file: string): boolean {
  return /\.preflight\.ya?ml$/i.test(file);
}

export interface DiscoverOptions {
  /** globs of config paths relative to the searched folder; a leading `!` excludes (default DEFAULT_CONFIG_GLOB) */
  patterns?: readonly string[];
  /** globs of repository paths never searched (the repository settings' `ignore:`); a leading `!` re-includes */
  ignore?: readonly string[];
  /** the repository root: .gitignore files from here down apply, and `ignore` globs are relative to it (default: the folder) */
  repoRoot?: string;
  /** entries looked at before the walk stops (default MAX_WALK_ENTRIES) */
  maxEntries?: number;
}

export interface Discovery {
  /** paths relative to the searched folder (forward slashes, sorted) */
  configs: string[];
  /** set when the walk stopped at its entry limit: folders beyond it were not searched */
  stopped?: { entries: number; limit: number };
}

/** Repo-relative paths (forward slashes, sorted) of the files under `root` matching `patterns` (`!` excludes). */
export function discoverConfigs(root: string, patterns: readonly string[] = [DEFAULT_CONFIG_GLOB]): string[] {
  return discover(root, { patterns }).configs;
}

/** The configs below `folder`, and whether the walk saw everything. */
export function discover(folder: string, opts: DiscoverOptions = {}): Discovery {
  const matches = globListMatcher(opts.patterns ?? [DEFAULT_CONFIG_GLOB]);
  const repoRoot = path.resolve(opts.repoRoot ?? folder);
  const start = path.resolve(folder);
  const prefix = toPosix(path.relative(repoRoot, start));
  // A folder outside the repository root has no repository rules to follow.
  const inRepo = prefix === '' || (!prefix.startsWith('../') && prefix !== '..' && !path.isAbsolute(prefix));
  const repoPath = (rel: string) => (inRepo && prefix !== '' ? (rel ? `${prefix}/${rel}` : prefix) : rel);
  const ignoredBySettings = opts.ignore && opts.ignore.length > 0 ? globListMatcher(opts.ignore, []) : undefined;
  const settingsNegate = opts.ignore?.some((glob) => glob.startsWith('!')) ?? false;
  const rules = new GitignoreRules(inRepo ? repoRoot : start);
  rules.loadAncestors(inRepo ? prefix : '');

  const walked = walkFiles(start, opts.maxEntries ?? MAX_WALK_ENTRIES, (rel, isDirectory) => {
    const repoRel = repoPath(rel);
    // With a `!` glob a folder's files are judged one by one, so that the `!` can bring some back.
    if (ignoredBySettings && (!isDirectory || !settingsNegate) && ignoredBySettings(repoRel)) return false;
    if (rules.ignores(repoRel, isDirectory)) return false;
    if (isDirectory) rules.load(repoRel);
    return true;
  });
  const configs = walked.files.filter((rel) => matches(rel)).sort();
  return walked.stopped ? { configs, stopped: walked.stopped } : { configs };
}

/**
 * One test for a list of globs, read in order like .gitignore: a path matches when the last glob that
 * matches it is not negated (`!`). A list that opens with a `!` glob (or is empty) starts from `base`
 * (default: every config), since excluding from nothing would select nothing.
 */
export function globListMatcher(globs: readonly string[], base: readonly string[] = [DEFAULT_CONFIG_GLOB]): (file: string) => boolean {
  const rules = globs
    .filter((glob) => glob !== '' && glob !== '!')
    .map((glob) => (glob.startsWith('!') ? { negated: true, test: compileGlob(glob.slice(1)) } : { negated: false, test: compileGlob(glob) }));
  const all = rules.length === 0 || rules[0].negated ? [...base.map((glob) => ({ negated: false, test: compileGlob(glob) })), ...rules] : rules;
  return (file) => {
    let matched = false;
    for (const rule of all) if (rule.test(file)) matched = !rule.negated;
    return matched;
  };
}

function compileGlob(glob: string): (file: string) => boolean {
  try {
    return picomatch(glob, { dot: true });
  } catch {
    // picomatch refuses only what is no glob at all (overlong); such a pattern matches nothing.
    return () => false;
  }
}

/**
 * Regular files below `root` (relative, forward slashes) that `keep` accepts, folders too: a folder it
 * refuses is not entered. Symlinks are not followed: a link could point out of the repository or loop.
 */
function walkFiles(
  root: string,
  maxEntries: number,
  keep: (rel: string, isDirectory: boolean) => boolean,
): { files: string[]; stopped?: { entries: number; limit: number } } {
  const files: string[] = [];
  const pending = [''];
  let seen = 0;
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let entries: string[];
    try {
      entries = readdirSync(path.join(root, rel)).sort().reverse();
    } catch {
      continue;
    }
    for (const name of entries) {
      if (seen >= maxEntries) return { files, stopped: { entries: seen, limit: maxEntries } };
      seen++;
      const childRel = rel ? `${rel}/${name}` : name;
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(path.join(root, childRel));
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name) && !isPythonEnvironment(path.join(root, childRel)) && keep(childRel, true)) pending.push(childRel);
      } else if (st.isFile() && keep(childRel, false)) files.push(childRel);
    }
  }
  return { files };
}

/** A virtual environment or conda environment under any name (`env/`, `.env311/`) carries one of these. */
function isPythonEnvironment(folder: string): boolean {
  return existsSync(path.join(folder, 'pyvenv.cfg')) || existsSync(path.join(folder, 'conda-meta'));
}

/**
 * The .gitignore files met on the way down, with git's precedence: a deeper file's rules come later,
 * so its `!pattern` re-includes what a shallower one ignored; within one file the last match wins.
 */
class GitignoreRules {
  /** folder (repository path, '' for the root) -> its rules, .git/info/exclude before the root's .gitignore */
  private readonly levels = new Map<string, Ignore[]>();

  constructor(private readonly repoRoot: string) {
    this.add('', readSmallText(path.join(repoRoot, '.git', 'info', 'exclude')));
  }

  /** The .gitignore files of the repository root and every folder down to `prefix`. */
  loadAncestors(prefix: string): void {
    this.load('');
    const parts = prefix === '' ? [] : prefix.split('/');
    for (let i = 1; i <= parts.length; i++) this.load(parts.slice(0, i).join('/'));
  }

  /** The .gitignore of the folder at repository path `folder`, when it has one. */
  load(folder: string): void {
    this.add(folder, readSmallText(path.join(this.repoRoot, ...(folder ? folder.split('/') : []), '.gitignore')));
  }

  /** Only the path's own ancestors are asked, so a repository with thousands of .gitignore files stays linear. */
  ignores(repoRel: string, isDirectory: boolean): boolean {
    let ignored = false;
    const parts = repoRel.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const base = parts.slice(0, depth).join('/');
      const rules = this.levels.get(base);
      if (!rules) continue;
      const rel = parts.slice(depth).join('/');
      for (const rule of rules) {
        let result: ReturnType<typeof rule.test>;
        try {
          result = rule.test(isDirectory ? `${rel}/` : rel);
        } catch {
          continue; // a path `ignore` cannot take (it refuses some odd names) is simply not ignored
        }
        if (result.ignored) ignored = true;
        else if (result.unignored) ignored = false;
      }
    }
    return ignored;
  }

  private add(base: string, text: string | undefined): void {
    if (text === undefined) return;
    try {
      const rules = ignore().add(text);
      this.levels.set(base, [...(this.levels.get(base) ?? []), rules]);
    } catch {
      // A .gitignore the library cannot read ignores nothing, as a broken one does for git.
    }
  }
}

/** A regular file's text (links are not followed), at most its first MAX_GITIGNORE_BYTES whole lines. */
function readSmallText(file: string): string | undefined {
  let fd: number | undefined;
  try {
    const stat = lstatSync(file);
    if (!stat.isFile()) return undefined;
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_GITIGNORE_BYTES));
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, read).toString('utf8');
    return stat.size <= MAX_GITIGNORE_BYTES ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
