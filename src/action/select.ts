// Which configs a run checks. On a pull request (with only-changed) that is the configs it adds or
// changes plus those whose data or model file it changes; otherwise every config. Also spots a
// workspace that does not hold the pull request's files (no checkout, or LFS pointers instead of data)
// and says what to add to the workflow.
import { existsSync, openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isConfigPath, referencedFiles } from '../discover.ts';
import type { ChangedFile } from '../github/changed-files.ts';
import { LFS_POINTER_PREFIX } from '../compare/lfs-pointer.ts';


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
export function selectChangedConfigs(
  root: string,
  allConfigs: readonly string[],
  changed: readonly ChangedFile[],
  mapper: PathMapper,
): string[] {
  const touched = new Set<string>();
  for (const file of changed) {
    for (const name of [file.filename, file.previousFilename]) {
      const local = name === undefined ? undefined : mapper.fromRepoPath(name);
      if (local !== undefined) touched.add(local);
    }
  }
  const touchedList = [...touched];
  return allConfigs.filter((config) => {
    if (touched.has(config)) return true;
    // A referenced folder (an image dataset) counts as changed when any file inside it changed.
    return referencedFiles(root, config).some((ref) => touched.has(ref) || touchedList.some((file) => file.startsWith(`${ref.replace(/\/+$/, '')}/`)));
  });
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
    for (const ref of referencedFiles(root, config)) if (isLfsPointer(path.join(root, ref))) pointers.add(ref);
  }
  return [...pointers].sort();
}

export function lfsPointerError(files: readonly string[]): WorkspaceError {
  return new WorkspaceError(
    `${files.length} data file(s) are Git LFS pointers, not data (${files.slice(0, 5).join(', ')}). ` +
      'Add `with: lfs: true` to the `actions/checkout` step.',
  );
}
