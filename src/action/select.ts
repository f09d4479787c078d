// Which configs a run checks. On a pull request (with only-changed) that is the configs it adds or
// changes plus those whose data or model file it changes; otherwise every config. Also spots a
// workspace that does not hold the pull request's files (no checkout, or LFS pointers instead of data)
// and says what to add to the workflow.
import { existsSync, openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isConfigPath } from '../discover.ts';
import { listConfigFiles } from '../config/named-files.ts';
import { watchMatcher } from '../watch.ts';
import type { ChangedFile } from '../github/changed-files.ts';
import { LFS_POINTER_PREFIX } from '../follow-ups/lfs-pointer.ts';

export class WorkspaceError extends Error {}

/** Maps between paths relative to the checked folder and paths relative to the repository root. */
export interface PathMapper {
  toRepoPath(file: string): string;
  /** undefined when the repository path lies outside the checked folder */
  fromRepoPath(file: string): string | undefined;
}

export function pathMapper(workingDirectory: string): PathMapper {
  const base = path.posix.normalize(workingDirectory.split(path.sep).join('/')).replace(/\/+$/, '');
  const prefix = base === '.' || base === '' ? '' : `${base}/`;
  return {
    toRepoPath: (file) => path.posix.normalize(prefix + file.split(path.sep).join('/')),
    fromRepoPath: (file) => (prefix === '' ? file : file.startsWith(prefix) ? file.slice(prefix.length) : undefined),
  };
}

/** Configs (relative to `root`) that the changed files touch, directly or through a file they name. */
export function selectChangedConfigs(root: string, allConfigs: readonly string[], changed: readonly ChangedFile[], mapper: PathMapper): string[] {
  return explainChangedConfigs(root, allConfigs, changed, mapper).map((selected) => selected.config);
}

/** Why a config was selected: the config itself, a file it names, or a file one of its `watch:` globs matches. */
export interface SelectedConfig {
  config: string;
  reason: 'config' | 'data-or-model' | 'watch';
  /** the changed file (repository path for `watch`, else relative to `root`) */
  file: string;
  /** the `watch:` glob that matched */
  glob?: string;
}

export function explainChangedConfigs(root: string, allConfigs: readonly string[], changed: readonly ChangedFile[], mapper: PathMapper): SelectedConfig[] {
  const touched = new Set<string>();
  const repoPaths: string[] = [];
  for (const file of changed) {
    for (const name of [file.filename, file.previousFilename]) {
      if (name === undefined) continue;
      repoPaths.push(name);
      const local = mapper.fromRepoPath(name);
      if (local !== undefined) touched.add(local);
    }
  }
  const touchedList = [...touched];
  const selected: SelectedConfig[] = [];
  for (const config of allConfigs) {
    if (touched.has(config)) {
      selected.push({ config, reason: 'config', file: config });
      continue;
    }
    // The files the loader would read (data, model file, its weight shards); a named folder (an image
    // dataset) counts as changed when any file inside it changed.
    const named = listConfigFiles(root, config);
    const ref = named.files.find((f) => touched.has(f.path) || touchedList.some((file) => file.startsWith(`${f.path}/`)))?.path;
    if (ref !== undefined) {
      selected.push({ config, reason: 'data-or-model', file: ref });
      continue;
    }
    // `watch:` globs are repository-relative, so they match the pull request's paths as GitHub lists them.
    const globs = named.watch;
    if (globs.length === 0) continue;
    const matches = watchMatcher(globs);
    for (const file of repoPaths) {
      const glob = matches(file);
      if (glob !== undefined) {
        selected.push({ config, reason: 'watch', file, glob });
        break;
      }
    }
  }
  return selected;
}

/** One line per config selected through `watch:`, for the log and the summary. */
export function describeWatchSelections(selected: readonly SelectedConfig[]): string | undefined {
  const watched = selected.filter((s) => s.reason === 'watch');
  if (watched.length === 0) return undefined;
  const list = watched.map((s) => `\`${s.config}\` (\`${s.file}\` matches \`watch: ${s.glob}\`)`).join(', ');
  return `${watched.length === 1 ? 'This config was' : `These ${watched.length} configs were`} checked because a file ${watched.length === 1 ? 'it watches' : 'they watch'} changed: ${list}.`;
}

const CHECKOUT_HINT =
  'Add `- uses: actions/checkout@v5` before this step (on pull requests it checks out the pull request; add `with: lfs: true` when data lives in Git LFS).';

/** Throws a WorkspaceError when the workspace plainly was not checked out. */
export function assertWorkspaceCheckedOut(workspace: string, root: string): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(workspace);
  } catch {
    throw new WorkspaceError(`The workspace ${workspace} does not exist. ${CHECKOUT_HINT}`);
  }
  if (entries.length === 0) throw new WorkspaceError(`The workspace is empty: the repository was not checked out. ${CHECKOUT_HINT}`);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new WorkspaceError(`The working-directory ${path.relative(workspace, root) || '.'} does not exist in the workspace. ${CHECKOUT_HINT}`);
  }
}

/** Configs the pull request adds or changes that are not on disk: the checkout is of another commit. */
export function missingChangedConfigs(root: string, changed: readonly ChangedFile[], mapper: PathMapper): string[] {
  return changed
    .filter((file) => file.status !== 'removed' && isConfigPath(file.filename))
    .map((file) => mapper.fromRepoPath(file.filename))
    .filter((local): local is string => local !== undefined && !existsSync(path.join(root, local)));
}

export function missingFilesError(missing: readonly string[], headSha: string): WorkspaceError {
  return new WorkspaceError(
    `The workspace lacks ${missing.length} config file(s) this pull request adds or changes (${missing.slice(0, 5).join(', ')}). ` +
      `Check out the pull request head: \`- uses: actions/checkout@v5\` with \`ref: \${{ github.event.pull_request.head.sha }}\` (now ${headSha.slice(0, 12)}).`,
  );
}

function isLfsPointer(file: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(file).isFile()) return false;
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(LFS_POINTER_PREFIX.length);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8') === LFS_POINTER_PREFIX;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Data or model files of the selected configs that are Git LFS pointers, not the files themselves. */
export function lfsPointerFiles(root: string, configs: readonly string[]): string[] {
  const pointers = new Set<string>();
  for (const config of configs) {
    for (const ref of listConfigFiles(root, config).files) if (isLfsPointer(path.join(root, ref.path))) pointers.add(ref.path);
  }
  return [...pointers].sort();
}

export function lfsPointerError(files: readonly string[]): WorkspaceError {
  return new WorkspaceError(
    `${files.length} data file(s) are Git LFS pointers, not data (${files.slice(0, 5).join(', ')}). ` + 'Add `with: lfs: true` to the `actions/checkout` step.',
  );
}
