// The base version from the checkout's own git history. Only plumbing commands that read objects are
// used (rev-parse, ls-tree, cat-file): nothing from the repository is executed, no filter driver or hook
// runs. Each command runs with a timeout, so a huge or broken repository costs seconds, not the job.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { BaseStore, StoreEntry, StoreResult } from './base-copy.ts';

/** Seconds one git command may take. */
export const GIT_TIMEOUT_S = 60;

export function gitStore(timeoutS = GIT_TIMEOUT_S): BaseStore {
  // One store serves one read: locate binds it to the work tree that holds the config.
  let repoRoot = '';
  const git = (args: string[]) => runGit(repoRoot, args, timeoutS);
  return {
    source: 'git',
    // Reading blobs locally costs no request, so no cap beyond the copy limits.
    maxReads: Number.POSITIVE_INFINITY,
    async locate(configPath) {
      const located = await locateInRepository(configPath, timeoutS);
      if (located) repoRoot = located.repoRoot;
      return located;
    },
    async resolve(ref) {
      const commit = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
      if (!commit.ok) {
        return { ok: false, reason: `the ref ${ref} is not in the local git history (on GitHub Actions, check out with \`fetch-depth: 0\`)` };
      }
      return { ok: true, value: commit.value.toString('utf8').trim() };
    },
    async list(commit, rel) {
      const listed = await git(['ls-tree', '-r', '-l', '-z', commit, '--', rel]);
      if (!listed.ok) return { ok: false, reason: `git could not list ${rel} at ${commit.slice(0, 12)}` };
      return { ok: true, value: parseTree(listed.value.toString('utf8')) };
    },
    async read(entry) {
      const blob = await git(['cat-file', 'blob', entry.sha]);
      return blob.ok ? blob : { ok: false, reason: `git could not read ${entry.path} at the base` };
    },
    // Tree against tree (the base commit and HEAD), so no work-tree file is read and no filter runs;
    // a rename not yet committed is not seen.
    async previousPath(commit, rel) {
      const renames = await git(['diff-tree', '-r', '-z', '-M', '--name-status', '--diff-filter=R', '--no-ext-diff', commit, 'HEAD']);
      return renames.ok ? parseRenames(renames.value.toString('utf8')).get(rel) : undefined;
    },
  };
}

/** `diff-tree -z --name-status` rename records: `R<score>\0<old>\0<new>\0`, as new path -> old path. */
function parseRenames(text: string): Map<string, string> {
  const fields = text.split('\0');
  const renames = new Map<string, string>();
  for (let i = 0; i + 2 < fields.length; i++) {
    if (!/^R\d*$/.test(fields[i])) continue;
    renames.set(fields[i + 2], fields[i + 1]);
    i += 2;
  }
  return renames;
}

/** `ls-tree -r -l -z` records: `<mode> <type> <sha> <size>\t<path>`. */
function parseTree(text: string): StoreEntry[] {
  const entries: StoreEntry[] = [];
  for (const record of text.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/);
    const kind = type === 'commit' ? 'submodule' : mode === '120000' ? 'symlink' : type === 'blob' ? 'file' : undefined;
    if (kind) entries.push({ path: record.slice(tab + 1), sha, size: Number(size), kind });
  }
  return entries;
}

/** The work tree's root and the config's path inside it (forward slashes). */
async function locateInRepository(configPath: string, timeoutS: number): Promise<{ repoRoot: string; configRel: string } | undefined> {
  let real: string;
  try {
    real = realpathSync(configPath);
  } catch {
    return undefined;
  }
  const top = await runGit(path.dirname(real), ['rev-parse', '--show-toplevel'], timeoutS);
  if (!top.ok) return undefined;
  const repoRoot = top.value.toString('utf8').trim();
  const configRel = path.relative(repoRoot, real).split(path.sep).join('/');
  if (configRel === '..' || configRel.startsWith('../') || path.isAbsolute(configRel)) return undefined;
  return { repoRoot, configRel };
}

function runGit(cwd: string, args: string[], timeoutS: number): Promise<StoreResult<Buffer>> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: timeoutS * 1000, maxBuffer: 1024 ** 3, encoding: 'buffer' }, (error, stdout) => {
      resolve(error ? { ok: false, reason: error.message } : { ok: true, value: stdout });
    });
  });
}
