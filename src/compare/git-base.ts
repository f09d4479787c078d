// Reads a config and the files it names as they were at a git ref, into a temporary folder that
// mirrors the repository layout, so the ordinary pipeline can run on the base version.
// Only plumbing commands that read objects are used (rev-parse, ls-tree, cat-file, hash-object
// --no-filters): nothing from the repository is executed, no filter driver or hook runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { referencedFiles } from '../discover.ts';

export interface BaseCopyLimits {
  /** blobs copied per config (image folders can hold many) */
  maxFiles: number;
  /** bytes copied per config */
  maxBytes: number;
  /** seconds one git command may take */
  gitTimeoutS: number;
}

export const DEFAULT_BASE_COPY_LIMITS: BaseCopyLimits = { maxFiles: 20_000, maxBytes: 512 * 1024 ** 2, gitTimeoutS: 60 };

export interface BaseCopy {
  /** temporary repository root holding the base files */
  root: string;
  /** absolute path of the base config inside `root` */
  configPath: string;
  /** the config file itself differs from the base */
  configChanged: boolean;
  /** files the base config names whose contents differ at the head (repo-relative) */
  changedFiles: string[];
  /** removes the temporary folder */
  dispose(): void;
}

export type BaseRead =
  | { ok: true; copy: BaseCopy }
  | { ok: false; status: 'new-config' | 'unavailable'; reason: string };

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  size: number;
  path: string;
}

/**
 * The base version at `ref` of the config at `configPath`, from the git work tree that holds it. Never throws: a missing ref or history is `unavailable`, a config absent at the ref is
 * `new-config`.
 */
export function readBaseCopy(configPath: string, ref: string, limits: BaseCopyLimits = DEFAULT_BASE_COPY_LIMITS): BaseRead {
  if (!/^[^\s-][^\s]*$/.test(ref)) return { ok: false, status: 'unavailable', reason: `"${ref}" is not a git ref` };
  const located = locateInRepository(configPath, limits.gitTimeoutS);
  if (!located) return { ok: false, status: 'unavailable', reason: `${configPath} is not inside a git work tree` };
  const { repoRoot, configRel } = located;
  const git: Git = (args, input) => runGit(repoRoot, args, limits.gitTimeoutS, input);
  const commit = git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok) {
    return { ok: false, status: 'unavailable', reason: `the ref ${ref} is not in the local git history (on GitHub Actions, check out with \`fetch-depth: 0\`)` };
  }
  const sha = commit.text.trim();
  const configEntries = listTree(git, sha, configRel);
  const configEntry = configEntries?.find((e) => e.path === configRel && e.type === 'blob');
  if (!configEntry) return { ok: false, status: 'new-config', reason: `${configRel} does not exist at ${ref}` };

  const root = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-base-'));
  const dispose = () => rmSync(root, { recursive: true, force: true });
  const budget = { files: limits.maxFiles, bytes: limits.maxBytes };
  const copied = copyEntries(git, root, [configEntry], budget, limits);
  if (!copied.ok) {
    dispose();
    return { ok: false, status: 'unavailable', reason: copied.reason };
  }
  const named = referencedFiles(root, configRel);
  const entries: TreeEntry[] = [];
  for (const rel of named) entries.push(...(listTree(git, sha, rel) ?? []));
  const copiedData = copyEntries(git, root, entries, budget, limits);
  if (!copiedData.ok) {
    dispose();
    return { ok: false, status: 'unavailable', reason: copiedData.reason };
  }
  const headShas = hashWorkingFiles(git, repoRoot, [configEntry, ...entries].map((e) => e.path));
  const changedFiles = entries.filter((e) => headShas.get(e.path) !== e.sha).map((e) => e.path);
  const configChanged = headShas.get(configRel) !== configEntry.sha;
  return { ok: true, copy: { root, configPath: path.join(root, ...configRel.split('/')), configChanged, changedFiles, dispose } };
}

/** The work tree's root and the config's path inside it (forward slashes). */
function locateInRepository(configPath: string, timeoutS: number): { repoRoot: string; configRel: string } | undefined {
  let real: string;
  try {
    real = realpathSync(configPath);
  } catch {
    return undefined;
  }
  const top = runGit(path.dirname(real), ['rev-parse', '--show-toplevel'], timeoutS);
  if (!top.ok) return undefined;
  const repoRoot = top.text.trim();
  const configRel = path.relative(repoRoot, real).split(path.sep).join('/');
  if (configRel.startsWith('..') || path.isAbsolute(configRel)) return undefined;
  return { repoRoot, configRel };
}

type Git = (args: string[], input?: string) => GitResult;
type GitResult = { ok: true; text: string; bytes: Buffer } | { ok: false };

function runGit(cwd: string, args: string[], timeoutS: number, input?: string): GitResult {
  try {
    const bytes = execFileSync('git', args, { cwd, timeout: timeoutS * 1000, maxBuffer: 1024 ** 3, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'] });
    return { ok: true, text: bytes.toString('utf8'), bytes };
  } catch {
    return { ok: false };
  }
}

/** Blobs under `rel` at `commit` (the file itself, or every file below a folder); undefined when git fails. */
function listTree(git: Git, commit: string, rel: string): TreeEntry[] | undefined {
  const listed = git(['ls-tree', '-r', '-l', '-z', commit, '--', rel]);
  if (!listed.ok) return undefined;
  const entries: TreeEntry[] = [];
  for (const record of listed.text.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/);
    entries.push({ mode, type, sha, size: Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

/** Writes regular-file blobs into `root`; symlinks and submodules are skipped, never followed. */
function copyEntries(
  git: Git,
  root: string,
  entries: TreeEntry[],
  budget: { files: number; bytes: number },
  limits: BaseCopyLimits,
): { ok: true } | { ok: false; reason: string } {
  for (const entry of entries) {
    if (entry.type !== 'blob' || entry.mode === '120000') continue;
    if (entry.path.split('/').includes('..')) continue;
    budget.files -= 1;
    budget.bytes -= Number.isFinite(entry.size) ? entry.size : 0;
    if (budget.files < 0) return { ok: false, reason: `the base version names more than ${limits.maxFiles} files` };
    if (budget.bytes < 0) return { ok: false, reason: `the base version's files hold more than ${Math.round(limits.maxBytes / 1024 ** 2)} MB` };
    const blob = git(['cat-file', 'blob', entry.sha]);
    if (!blob.ok) return { ok: false, reason: `git could not read ${entry.path} at the base` };
    const target = path.join(root, ...entry.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, blob.bytes);
  }
  return { ok: true };
}

/** Blob ids of the working-tree files (missing files are absent from the map). */
function hashWorkingFiles(git: Git, repoRoot: string, rels: string[]): Map<string, string> {
  const shas = new Map<string, string>();
  const present = rels.filter((rel) => existsSync(path.join(repoRoot, ...rel.split('/'))));
  if (present.length === 0) return shas;
  const hashed = git(['hash-object', '--no-filters', '--stdin-paths'], present.join('\n') + '\n');
  if (!hashed.ok) return shas;
  const lines = hashed.text.trim().split('\n');
  present.forEach((rel, i) => {
    if (lines[i]) shas.set(rel, lines[i]);
  });
  return shas;
}
