// A config as it was at the pull request's base, with the files it names, copied into a temporary
// folder that mirrors the repository layout, so the ordinary pipeline can run on the base version.
// Where the base's bytes come from is a BaseStore: the checkout's git objects (git-store.ts) or, when
// the checkout lacks the history, GitHub's API (src/github/contents-store.ts). Files whose base bytes
// equal the working tree's are copied from the working tree, so a store is only asked for what changed.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listConfigFiles } from '../config/named-files.ts';
import { holdsLfsObject, parseLfsPointer } from './lfs-pointer.ts';
import type { BaseSource } from '../evidence/comparison.ts';

export interface BaseCopyLimits {
  /** files copied per config (image folders can hold many) */
  maxFiles: number;
  /** bytes copied per config */
  maxBytes: number;
}

/** Changed files named in the report; a folder of new images would otherwise list thousands. */
export const MAX_CHANGED_FILES_LISTED = 1_000;

export const DEFAULT_BASE_COPY_LIMITS: BaseCopyLimits = { maxFiles: 20_000, maxBytes: 512 * 1024 ** 2 };

/** One file of the base commit, as a store lists it. */
export interface StoreEntry {
  /** repository-relative, forward slashes */
  path: string;
  /** git blob id: sha1 of `blob <size>\0` and the bytes */
  sha: string;
  size: number;
  /** only regular files are copied; links and submodules are never followed */
  kind: 'file' | 'symlink' | 'submodule';
}

/**
 * A ref git and GitHub's API both take as one argument: a branch, tag or commit id, with git's revision
 * suffixes (`HEAD~1`, `main^`, `main@{1}`). Never something read as an option (`-`), a range (`..`), a
 * path (`ref:file`) or spread over words; at most 255 characters, as git's own ref names.
 */
export function isGitRef(ref: string): boolean {
  return /^[A-Za-z0-9_@][A-Za-z0-9._/~^@{}+-]{0,254}$/.test(ref) && !ref.includes('..') && !ref.endsWith('.lock') && !ref.endsWith('/');
}

export type StoreResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Read-only access to a repository's history. */
export interface BaseStore {
  source: BaseSource;
  /** the repository root that holds the config, and the config's path inside it; undefined when outside */
  locate(configPath: string): Promise<{ repoRoot: string; configRel: string } | undefined>;
  /** the commit `ref` names */
  resolve(ref: string): Promise<StoreResult<string>>;
  /** files at `rel` in `commit` (the file itself, or every file below a folder); [] when absent */
  list(commit: string, rel: string): Promise<StoreResult<StoreEntry[]>>;
  /** the bytes of one listed file */
  read(entry: StoreEntry): Promise<StoreResult<Buffer>>;
  /** the path `rel` had in `commit` when the change since then renamed it (git's rename detection); else undefined */
  previousPath(commit: string, rel: string): Promise<string | undefined>;
  /** most files this store may be asked to read for one config (each may cost a request) */
  maxReads: number;
}

export interface BaseCopy {
  /** temporary repository root holding the base files */
  root: string;
  /** absolute path of the base config inside `root` */
  configPath: string;
  /** the config file itself differs from the base */
  configChanged: boolean;
  /** the config's path at the base when the change renamed it (repo-relative) */
  renamedFrom?: string;
  /** files the base config names whose contents differ at the head, or that the head added below a named folder (repo-relative) */
  changedFiles: string[];
  /** which store supplied the base */
  source: BaseSource;
  /** why earlier stores could not (say, git without the history before the API) */
  fallbackReasons: string[];
  /** removes the temporary folder */
  dispose(): void;
}

export type BaseRead = { ok: true; copy: BaseCopy } | { ok: false; status: 'new-config' | 'unavailable'; reason: string };

/** Reads the base version of a config: the first store that has the ref answers. Never throws. */
export type BaseReader = (configPath: string, ref: string) => Promise<BaseRead>;

/**
 * The base version at `ref` of the config at `configPath`, from the first store that can supply it. A
 * store that has the commit but not the config settles it as `new-config`; when no store has the commit
 * the result is `unavailable`, with every store's reason.
 */
export async function readBaseCopy(
  configPath: string,
  ref: string,
  stores: readonly BaseStore[],
  limits: BaseCopyLimits = DEFAULT_BASE_COPY_LIMITS,
): Promise<BaseRead> {
  const reasons: string[] = [];
  for (const store of stores) {
    let read: BaseRead;
    try {
      read = await readFromStore(store, configPath, ref, limits);
    } catch (error) {
      read = { ok: false, status: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
    if (read.ok) {
      read.copy.fallbackReasons = reasons;
      return read;
    }
    if (read.status === 'new-config') return read;
    reasons.push(stores.length > 1 ? `${SOURCE_NAMES[store.source]}: ${read.reason}` : read.reason);
  }
  return { ok: false, status: 'unavailable', reason: reasons.join('; ') || 'no source for the base version' };
}

const SOURCE_NAMES: Record<BaseSource, string> = { git: 'git', 'github-api': "GitHub's API" };

async function readFromStore(store: BaseStore, configPath: string, ref: string, limits: BaseCopyLimits): Promise<BaseRead> {
  const unavailable = (reason: string): BaseRead => ({ ok: false, status: 'unavailable', reason });
  const located = await store.locate(configPath);
  if (!located) return unavailable(`${configPath} is not inside the repository`);
  const { repoRoot, configRel } = located;
  if (!isGitRef(ref)) return unavailable(`"${ref}" is not a git ref`);
  const commit = await store.resolve(ref);
  if (!commit.ok) return unavailable(commit.reason);
  const configListing = await store.list(commit.value, configRel);
  if (!configListing.ok) return unavailable(configListing.reason);
  let configEntry = configListing.value.find((e) => e.path === configRel && e.kind === 'file');
  // A renamed config is the same config: GitHub shows it as one file, and so does the comparison.
  const renamedFrom = configEntry ? undefined : await store.previousPath(commit.value, configRel);
  if (renamedFrom !== undefined && isSafeRelative(renamedFrom)) {
    const previous = await store.list(commit.value, renamedFrom);
    if (!previous.ok) return unavailable(previous.reason);
    configEntry = previous.value.find((e) => e.path === renamedFrom && e.kind === 'file');
  }
  if (!configEntry) return { ok: false, status: 'new-config', reason: `${configRel} does not exist at ${ref}` };

  const root = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-base-'));
  const dispose = () => rmSync(root, { recursive: true, force: true });
  let read: BaseRead | undefined;
  try {
    read = await copyInto(root, store, commit.value, repoRoot, configEntry, configRel, limits);
    if (read.ok && configEntry.path !== configRel) read.copy.renamedFrom = configEntry.path;
    return read.ok ? { ok: true, copy: { ...read.copy, dispose } } : read;
  } finally {
    if (!read?.ok) dispose();
  }
}

/** Copies the config, then every file it names; what changed is found on the way. */
async function copyInto(
  root: string,
  store: BaseStore,
  commit: string,
  repoRoot: string,
  configEntry: StoreEntry,
  headConfigRel: string,
  limits: BaseCopyLimits,
): Promise<BaseRead> {
  const unavailable = (reason: string): BaseRead => ({ ok: false, status: 'unavailable', reason });
  const configRel = configEntry.path;
  // A renamed config's head bytes are at its new path; every other file keeps its path.
  const copier = new Copier(store, repoRoot, root, limits, (rel) => (rel === configRel ? headConfigRel : rel));
  const config = await copier.copy([configEntry]);
  if (!config.ok) return unavailable(config.reason);
  // The files the base config names, as its loader would read them. A TF.js model file names its weight
  // shards, which can only be listed once the model file itself is in the copy: hence a second round.
  const named: string[] = [];
  const entries: StoreEntry[] = [];
  for (let round = 0; round < 2; round++) {
    const fresh = listConfigFiles(root, configRel)
      .files.map((f) => f.path)
      .filter((rel) => !named.includes(rel));
    if (fresh.length === 0) break;
    named.push(...fresh);
    const listedNow: StoreEntry[] = [];
    for (const rel of fresh) {
      const listed = await store.list(commit, rel);
      if (!listed.ok) return unavailable(listed.reason);
      listedNow.push(...listed.value);
    }
    const data = await copier.copy(listedNow);
    if (!data.ok) return unavailable(data.reason);
    entries.push(...listedNow);
  }
  const changedFiles = entries.filter((e) => e.kind === 'file' && !copier.sameAtHead.has(e.path)).map((e) => e.path);
  const listedPaths = new Set(entries.map((e) => e.path));
  for (const rel of named) changedFiles.push(...headFilesBelow(repoRoot, rel, limits.maxFiles).filter((p) => !listedPaths.has(p)));
  return {
    ok: true,
    copy: {
      root,
      configPath: path.join(root, ...configRel.split('/')),
      configChanged: !copier.sameAtHead.has(configRel),
      changedFiles: changedFiles.slice(0, MAX_CHANGED_FILES_LISTED),
      source: store.source,
      fallbackReasons: [],
      dispose: () => {},
    },
  };
}

/** Writes base files into the copy within the limits; bytes equal to the working tree's come from there. */
class Copier {
  /** base paths whose bytes equal the working tree's (at the head path, for a renamed file) */
  readonly sameAtHead = new Set<string>();
  private files = 0;
  private bytes = 0;
  private reads = 0;

  constructor(
    private readonly store: BaseStore,
    private readonly repoRoot: string,
    private readonly root: string,
    private readonly limits: BaseCopyLimits,
    /** where a base path's file is in the working tree */
    private readonly headPathOf: (basePath: string) => string,
  ) {}

  async copy(entries: readonly StoreEntry[]): Promise<StoreResult<void>> {
    for (const entry of entries) {
      if (entry.kind !== 'file') continue;
      if (!isSafeRelative(entry.path)) continue;
      this.files += 1;
      this.bytes += Number.isFinite(entry.size) ? entry.size : 0;
      if (this.files > this.limits.maxFiles) return { ok: false, reason: `the base version names more than ${this.limits.maxFiles} files` };
      if (this.bytes > this.limits.maxBytes)
        return { ok: false, reason: `the base version's files hold more than ${Math.round(this.limits.maxBytes / 1024 ** 2)} MB` };
      const target = path.join(this.root, ...entry.path.split('/'));
      mkdirSync(path.dirname(target), { recursive: true });
      const working = path.join(this.repoRoot, ...this.headPathOf(entry.path).split('/'));
      if (gitBlobIdOf(working) === entry.sha) {
        this.sameAtHead.add(entry.path);
        copyFileSync(working, target);
        continue;
      }
      this.reads += 1;
      if (this.reads > this.store.maxReads) {
        return {
          ok: false,
          reason: `more than ${this.store.maxReads} of the base version's files differ from the checkout, more than ${SOURCE_NAMES[this.store.source]} is asked for per config`,
        };
      }
      const bytes = await this.store.read(entry);
      if (!bytes.ok) return bytes;
      const pointer = parseLfsPointer(bytes.value);
      if (pointer) {
        if (!(await holdsLfsObject(working, pointer))) {
          return {
            ok: false,
            reason: `${entry.path} is stored in Git LFS and differs between the base and the checkout; nn-preflight does not download LFS objects`,
          };
        }
        this.bytes += pointer.size - entry.size;
        if (this.bytes > this.limits.maxBytes)
          return { ok: false, reason: `the base version's files hold more than ${Math.round(this.limits.maxBytes / 1024 ** 2)} MB` };
        this.sameAtHead.add(entry.path);
        copyFileSync(working, target);
        continue;
      }
      writeFileSync(target, bytes.value);
    }
    return { ok: true, value: undefined };
  }
}

/** No `..`, no absolute path, no empty segment: a path a store lists must stay inside the copy. */
function isSafeRelative(rel: string): boolean {
  return (
    rel.length > 0 &&
    !rel.startsWith('/') &&
    rel.split('/').every((part) => part !== '' && part !== '.' && part !== '..') &&
    !rel.includes('\\') &&
    !rel.includes('\0')
  );
}

/** Git's blob id of a regular file in the working tree (the bytes as they are, no filters); undefined for anything else. */
export function gitBlobIdOf(file: string): string | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  const hash = createHash('sha1').update(`blob ${stat.size}\0`);
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    let read = 0;
    let total = 0;
    while ((read = readSync(fd, chunk, 0, chunk.length, null)) > 0) {
      hash.update(chunk.subarray(0, read));
      total += read;
    }
    // A file that changed size while being read has no single id.
    if (total !== stat.size) return undefined;
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Git's blob id of bytes in memory. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Regular files below `rel` in the working tree (repo-relative), at most `max`; [] when `rel` is not a folder. */
function headFilesBelow(repoRoot: string, rel: string, max: number): string[] {
  const found: string[] = [];
  const walk = (dirRel: string) => {
    let names: string[];
    try {
      names = readdirSync(path.join(repoRoot, ...dirRel.split('/'))).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (found.length >= max) return;
      if (name === '.git') continue;
      const childRel = `${dirRel}/${name}`;
      const stat = lstatSync(path.join(repoRoot, ...childRel.split('/')));
      if (stat.isDirectory()) walk(childRel);
      else if (stat.isFile()) found.push(childRel);
    }
  };
  try {
    if (lstatSync(path.join(repoRoot, ...rel.split('/'))).isDirectory()) walk(rel);
  } catch {
    // absent at the head: nothing added there
  }
  return found;
}
