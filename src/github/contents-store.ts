// The base version of a config through GitHub's REST API, for checkouts without the history (the
// default `fetch-depth: 1` of actions/checkout). Files are listed with "Get repository content" at the
// base commit and read by blob id with "Get a blob", which serves up to 100 MB as base64; every blob is
// checked against its id, so what lands in the copy is exactly the base's bytes. Only files that differ
// from the checkout are read (base-copy.ts copies the rest from the working tree), so the cost in
// requests is the files the pull request changed, within `maxReads`.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { gitBlobId, type BaseStore, type StoreEntry, type StoreResult } from '../follow-ups/base-copy.ts';
import { describeGitHubError, errorStatus, type GitHubClient } from './client.ts';

/** GitHub lists at most this many entries of one folder through the contents API. */
export const MAX_CONTENTS_LISTED = 1000;
/** Blobs read per config: each is one request against the job's hourly allowance. */
export const MAX_API_READS = 200;
/** Folder depth followed below a named folder (image folders are one or two levels deep). */
const MAX_DEPTH = 8;

export interface ContentsStoreOptions {
  owner: string;
  repo: string;
  /** the checkout's root: repository paths are relative to it */
  repoRoot: string;
  maxReads?: number;
  /** the pull request's renames (new path -> previous path), from its file list; the contents API cannot tell */
  renames?: ReadonlyMap<string, string>;
}

export function contentsStore(octokit: GitHubClient, options: ContentsStoreOptions): BaseStore {
  const { owner, repo } = options;
  const where = `${owner}/${repo}`;
  return {
    source: 'github-api',
    maxReads: options.maxReads ?? MAX_API_READS,
    async locate(configPath) {
      try {
        const root = realpathSync(options.repoRoot);
        const configRel = path.relative(root, realpathSync(configPath)).split(path.sep).join('/');
        if (configRel === '' || configRel === '..' || configRel.startsWith('../') || path.isAbsolute(configRel)) return undefined;
        return { repoRoot: root, configRel };
      } catch {
        return undefined;
      }
    },
    // The contents API takes a ref as it is (a commit id, a branch, a tag); a ref GitHub does not know
    // answers 404 on the first listing, which reads as "not found", so an unknown ref is checked here.
    async resolve(ref) {
      if (/^[0-9a-f]{40}$/.test(ref)) return { ok: true, value: ref };
      try {
        const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref, per_page: 1 });
        return { ok: true, value: data.sha };
      } catch (error) {
        return { ok: false, reason: describeGitHubError(`find ${ref} in ${where}`, error) };
      }
    },
    async list(commit, rel) {
      const entries: StoreEntry[] = [];
      const listed = await listInto(entries, commit, rel, 0);
      return listed.ok ? { ok: true, value: entries } : listed;
    },
    async read(entry) {
      let content: string;
      try {
        const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: entry.sha });
        if (data.encoding !== 'base64') return { ok: false, reason: `GitHub sent ${entry.path} as ${data.encoding}, not base64` };
        content = data.content;
      } catch (error) {
        return { ok: false, reason: describeGitHubError(`read ${entry.path} at the base from ${where}`, error) };
      }
      const bytes = Buffer.from(content, 'base64');
      if (gitBlobId(bytes) !== entry.sha)
        return { ok: false, reason: `the bytes GitHub sent for ${entry.path} do not match its blob id ${entry.sha.slice(0, 12)}` };
      return { ok: true, value: bytes };
    },
    async previousPath(_commit, rel) {
      return options.renames?.get(rel);
    },
  };

  /** Appends the files at `rel` (recursively for folders) to `entries`. */
  async function listInto(entries: StoreEntry[], commit: string, rel: string, depth: number): Promise<StoreResult<void>> {
    let data: unknown;
    try {
      ({ data } = await octokit.rest.repos.getContent({ owner, repo, path: rel, ref: commit }));
    } catch (error) {
      if (errorStatus(error) === 404) return { ok: true, value: undefined };
      return { ok: false, reason: describeGitHubError(`list ${rel} at the base in ${where}`, error) };
    }
    if (!Array.isArray(data)) {
      const entry = toEntry(data);
      if (entry) entries.push(entry);
      return { ok: true, value: undefined };
    }
    if (data.length >= MAX_CONTENTS_LISTED) {
      return {
        ok: false,
        reason: `the folder ${rel} holds ${MAX_CONTENTS_LISTED} or more entries at the base, more than GitHub's contents API lists (check out with \`fetch-depth: 0\` to compare it)`,
      };
    }
    for (const item of data) {
      const childPath = typeof item?.path === 'string' ? item.path : '';
      if (item?.type === 'dir') {
        if (depth >= MAX_DEPTH || !childPath.startsWith(`${rel}/`)) continue;
        const listed = await listInto(entries, commit, childPath, depth + 1);
        if (!listed.ok) return listed;
      } else {
        const entry = toEntry(item);
        if (entry && entry.path.startsWith(`${rel}/`)) entries.push(entry);
      }
    }
    return { ok: true, value: undefined };
  }
}

/** A file, symlink or submodule item of a contents answer; undefined for anything unexpected. */
function toEntry(item: unknown): StoreEntry | undefined {
  const { type, path: itemPath, sha, size } = (item ?? {}) as { type?: unknown; path?: unknown; sha?: unknown; size?: unknown };
  if (typeof itemPath !== 'string' || typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha) || typeof size !== 'number') return undefined;
  const kind = type === 'file' ? 'file' : type === 'symlink' ? 'symlink' : type === 'submodule' ? 'submodule' : undefined;
  if (!kind) return undefined;
  return { path: itemPath, sha, size, kind };
}
