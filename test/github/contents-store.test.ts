// The base version read through GitHub's REST API (contents listing, blobs by id) from a local server
// that answers like GitHub, for a checkout without the history: the copy holds the base's bytes, only
// files the checkout lacks are fetched, and every refusal becomes a reason, never a throw.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getOctokit } from '@actions/github';
import { readBaseCopy, type BaseStore } from '../../src/follow-ups/base-copy.ts';
import { gitStore } from '../../src/follow-ups/git-store.ts';
import { contentsStore } from '../../src/github/contents-store.ts';
import { FakeGitHub, type FakeTreeFile } from './fake-github/server.ts';
import { regressionConfig } from '../follow-ups/git-repo.ts';

const OWNER = 'octo';
const REPO = 'models';
const BASE = 'c'.repeat(40);
const OTHER = 'd'.repeat(40);
const FOLDER_BASE = 'e'.repeat(40);

const baseConfig = regressionConfig({ learningRate: 0.01 }).replace('data/train.csv', 'data/');
const headConfig = regressionConfig({ learningRate: 3 }).replace('data/train.csv', 'data/');

const baseTree: Record<string, FakeTreeFile> = {
  'cfg/model.preflight.yml': baseConfig,
  'cfg/data/a.csv': 'x,y\n1,2\n',
  'cfg/data/nested/b.csv': 'x,y\n3,4\n',
  'cfg/data/link.csv': { symlink: '/etc/hostname' },
  'README.md': '# models\n',
};

function workspaceWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nnp-contents-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe("the base version through GitHub's API", () => {
  const manyFiles = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`cfg/data/img/${String(i).padStart(4, '0')}.csv`, `x,y\n${i},${i}\n`]));
  const server = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    commits: {
      [BASE]: baseTree,
      [OTHER]: { 'README.md': '# models\n' },
      [FOLDER_BASE]: { 'cfg/model.preflight.yml': baseConfig, ...manyFiles },
    },
    refs: { main: BASE },
  });
  // A checkout of the head alone (fetch-depth: 1 without .git history, or no .git at all).
  const workspace = workspaceWith({
    'cfg/model.preflight.yml': headConfig,
    'cfg/data/a.csv': 'x,y\n1,2\n',
    'cfg/data/nested/b.csv': 'x,y\n5,6\n',
    'cfg/data/new.csv': 'x,y\n9,9\n',
  });
  const configPath = path.join(workspace, 'cfg/model.preflight.yml');
  let api: BaseStore;
  before(async () => {
    await server.start();
    api = contentsStore(getOctokit('ghs_token', { baseUrl: server.url }), { owner: OWNER, repo: REPO, repoRoot: workspace });
  });
  after(async () => {
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  });
  const requestsTo = (pattern: RegExp) => server.requests.filter((r) => pattern.test(r.path));

  it('falls back from git, copies the base bytes, and fetches only the files the checkout lacks', async () => {
    server.requests.length = 0;
    const read = await readBaseCopy(configPath, BASE, [gitStore(), api]);
    assert.ok(read.ok, read.ok ? '' : read.reason);
    const { copy } = read;
    try {
      assert.equal(copy.source, 'github-api');
      assert.equal(copy.fallbackReasons.length, 1);
      assert.match(copy.fallbackReasons[0], /^git: /);
      assert.equal(copy.configChanged, true);
      assert.deepEqual(copy.changedFiles.sort(), ['cfg/data/nested/b.csv', 'cfg/data/new.csv']);
      assert.equal(readFileSync(copy.configPath, 'utf8'), baseConfig);
      assert.equal(readFileSync(path.join(copy.root, 'cfg/data/nested/b.csv'), 'utf8'), 'x,y\n3,4\n');
      assert.equal(readFileSync(path.join(copy.root, 'cfg/data/a.csv'), 'utf8'), 'x,y\n1,2\n');
      assert.equal(existsSync(path.join(copy.root, 'cfg/data/link.csv')), false, 'a symlink of the base is not written');
      assert.equal(existsSync(path.join(copy.root, 'cfg/data/new.csv')), false);
    } finally {
      copy.dispose();
    }
    const blobs = requestsTo(/\/git\/blobs\//);
    assert.equal(blobs.length, 2, 'the config and b.csv; a.csv comes from the checkout');
    const listings = requestsTo(/\/contents\//);
    assert.ok(listings.length >= 3 && listings.every((r) => r.query.get('ref') === BASE), 'every listing asks for the base commit');
    assert.ok(
      server.requests.every((r) => r.method === 'GET'),
      'reading the base writes nothing',
    );
  });

  it('resolves a branch name to its commit, and calls a config absent there new', async () => {
    const byBranch = await readBaseCopy(configPath, 'main', [api]);
    assert.ok(byBranch.ok);
    byBranch.copy.dispose();
    const absent = await readBaseCopy(configPath, OTHER, [api]);
    assert.ok(!absent.ok && absent.status === 'new-config', JSON.stringify(absent));
    const unknown = await readBaseCopy(configPath, 'no-such-branch', [api]);
    assert.ok(!unknown.ok && unknown.status === 'unavailable' && /HTTP 404/.test(unknown.reason), JSON.stringify(unknown));
  });

  it('says why when GitHub fails, and does not throw', async () => {
    server.faults.push({ method: 'GET', path: /\/contents\//, kind: 'server-error' });
    const read = await readBaseCopy(configPath, BASE, [api]);
    assert.ok(!read.ok && read.status === 'unavailable' && /HTTP 502/.test(read.reason), JSON.stringify(read));
  });

  it('refuses a folder past what the contents API lists, and a read count past its cap', async () => {
    const big = await readBaseCopy(configPath, FOLDER_BASE, [api]);
    assert.ok(!big.ok && /1000 or more entries/.test(big.reason) && /fetch-depth: 0/.test(big.reason), JSON.stringify(big));
    const capped = contentsStore(getOctokit('ghs_token', { baseUrl: server.url }), { owner: OWNER, repo: REPO, repoRoot: workspace, maxReads: 1 });
    const read = await readBaseCopy(configPath, BASE, [capped]);
    assert.ok(!read.ok && /more than 1 of the base version's files differ/.test(read.reason), JSON.stringify(read));
  });

  it('never writes a listed path that leaves the copy', async () => {
    const bytes = Buffer.from(baseConfig.replace('data/', '../outside/'));
    const hostile: BaseStore = {
      ...api,
      async list(_commit, rel) {
        if (rel === 'cfg/model.preflight.yml') return { ok: true, value: [{ path: rel, sha: 'f'.repeat(40), size: bytes.length, kind: 'file' }] };
        return {
          ok: true,
          value: [
            { path: '../escaped.csv', sha: 'a'.repeat(40), size: 3, kind: 'file' },
            { path: '/tmp/abs.csv', sha: 'b'.repeat(40), size: 3, kind: 'file' },
          ],
        };
      },
      async read(entry) {
        return { ok: true, value: entry.path.endsWith('.yml') ? bytes : Buffer.from('1,2') };
      },
    };
    const read = await readBaseCopy(configPath, BASE, [hostile]);
    assert.ok(read.ok);
    try {
      assert.equal(existsSync(path.join(read.copy.root, '../escaped.csv')), false);
      assert.equal(existsSync('/tmp/abs.csv'), false);
    } finally {
      read.copy.dispose();
    }
  });

  it("reads a renamed config from its previous path, as the pull request's file list names it", async () => {
    const moved = workspaceWith({
      'configs/model.preflight.yml': headConfig.replace(/data\//g, '../cfg/data/'),
      'cfg/data/a.csv': 'x,y\n1,2\n',
      'cfg/data/nested/b.csv': 'x,y\n3,4\n',
    });
    try {
      const octokit = getOctokit('ghs_token', { baseUrl: server.url });
      const renamedConfig = path.join(moved, 'configs/model.preflight.yml');
      const withRenames = contentsStore(octokit, {
        owner: OWNER,
        repo: REPO,
        repoRoot: moved,
        renames: new Map([['configs/model.preflight.yml', 'cfg/model.preflight.yml']]),
      });
      const read = await readBaseCopy(renamedConfig, BASE, [withRenames]);
      assert.ok(read.ok, read.ok ? '' : read.reason);
      try {
        assert.equal(read.copy.renamedFrom, 'cfg/model.preflight.yml');
        assert.equal(readFileSync(read.copy.configPath, 'utf8'), baseConfig);
        assert.equal(read.copy.configChanged, true);
      } finally {
        read.copy.dispose();
      }
      // Without the file list the API cannot tell a rename from a new file.
      const blind = await readBaseCopy(renamedConfig, BASE, [contentsStore(octokit, { owner: OWNER, repo: REPO, repoRoot: moved })]);
      assert.ok(!blind.ok && blind.status === 'new-config');
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });
});
