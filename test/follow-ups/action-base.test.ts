// The bundled action on a pull request: the changed config is trained at the pull request's base
// commit too, read with git when the checkout holds the history and through the contents and blobs
// API when it does not, and the comment carries the regression and both curves. Build first
// (`npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeGitHub, type FakeFile } from '../github/fake-github/server.ts';
import { firstLinePatch, makeWorkspace, OWNER, pullRequestEvent, REPO, REPO_ROOT, runAction } from '../github/harness.ts';

const CONFIG = 'models/sound.preflight.yml';
const HEAD = 'a'.repeat(40);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd })
    .toString()
    .trim();
}

/** The pull request's change: the sound config's sigmoid output becomes a softmax over one unit. */
function breakConfig(workspace: string): FakeFile[] {
  const broken = readFileSync(path.join(workspace, CONFIG), 'utf8').replace('activation: sigmoid', 'activation: softmax');
  writeFileSync(path.join(workspace, CONFIG), broken);
  return [{ filename: CONFIG, status: 'modified', patch: firstLinePatch(broken) }];
}

/** Runs the action on pull request 9 with base `baseSha`; the comment must report the regression against that base. */
async function checkPullRequest(server: FakeGitHub, workspace: string, files: FakeFile[], baseSha: string, config = CONFIG) {
  const event = pullRequestEvent(9, HEAD, `${OWNER}/${REPO}`, files.length);
  (event.pull_request.base as { sha: string }).sha = baseSha;
  const result = await runAction({
    apiUrl: server.url,
    workspace,
    eventName: 'pull_request',
    event,
    sha: HEAD,
    ref: 'refs/pull/9/merge',
    inputs: { smoke: 'true', 'time-budget': '150' },
  });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const body = (server.issueComments.get(9) ?? [])[0]?.body ?? '';
  assert.match(body, /training-regression/, body.slice(0, 3000));
  assert.match(body, new RegExp(`Compared with base <code>${baseSha.slice(0, 7)}</code>`));
  const report = JSON.parse(readFileSync(path.join(result.workspace, 'nn-preflight-report/report.json'), 'utf8'));
  const comparison = report.results.find((r: { config: string }) => r.config === config)?.comparison;
  assert.equal(comparison?.status, 'compared');
  return { body, comparison };
}

/**
 * A pull request whose checkout holds the head commit only, as actions/checkout leaves it by default;
 * the fake GitHub serves the base commit's files and the pull request's file list. Call inside a describe.
 */
function headOnlyPullRequest(baseSha: string, change: (workspace: string) => FakeFile[]) {
  const workspace = makeWorkspace();
  const baseFiles = Object.fromEntries(['README.md', CONFIG, 'models/data/train.csv'].map((rel) => [rel, readFileSync(path.join(workspace, rel), 'utf8')]));
  const files = change(workspace);
  git(workspace, 'init', '-q');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'head');
  const server = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    pulls: [{ number: 9, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }],
    commits: { [baseSha]: baseFiles },
  });
  before(() => server.start());
  after(() => server.stop());
  return { workspace, files, server };
}

/** A checkout with the whole history: the sound config at the base commit, broken by the head commit. */
function checkoutWithHistory() {
  const workspace = makeWorkspace();
  git(workspace, 'init', '-q');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'base');
  const baseSha = git(workspace, 'rev-parse', 'HEAD');
  const files = breakConfig(workspace);
  git(workspace, 'commit', '-q', '-am', 'head');
  return { workspace, baseSha, files, headSha: git(workspace, 'rev-parse', 'HEAD') };
}

describe('pull request with the history checked out (fetch-depth: 0)', () => {
  const { workspace, baseSha, files } = checkoutWithHistory();
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 9, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  before(() => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist/index.js')), 'dist/index.js is missing: run `npm run build` first');
    return server.start();
  });
  after(() => server.stop());

  test('compares the changed config with the base commit and draws both curves in the comment', async () => {
    const { body, comparison } = await checkPullRequest(server, workspace, files, baseSha);
    assert.equal(comparison.source, 'git');
    assert.match(body, new RegExp(`grey: training loss at ${baseSha.slice(0, 7)} \\(base\\)`));
    const chart = body.split('```mermaid').find((block) => block.includes('title "Loss: sound"'));
    assert.ok(chart, 'the loss chart of the changed config');
    assert.equal(
      chart
        .split('```')[0]
        .split('\n')
        .filter((line) => line.trim().startsWith('line [')).length,
      2,
    );
    assert.equal(server.requests.filter((r) => r.path.includes('/contents/') || r.path.includes('/git/blobs/')).length, 0, 'git had the base: no API reads');
  });
});

describe('pull request checked out without the base commit (fetch-depth: 1)', () => {
  const baseSha = 'c0ffee'.padEnd(40, '0');
  const { workspace, files, server } = headOnlyPullRequest(baseSha, breakConfig);

  test('reads the base through the API, compares, and says where the base came from', async () => {
    const { body, comparison } = await checkPullRequest(server, workspace, files, baseSha);
    assert.equal(comparison.source, 'github-api');
    assert.match(body, /base read from GitHub's API; not read from git: the ref c0ffee0\d* is not in the local git history/);
    const contents = server.requests.filter((r) => r.path.startsWith(`/repos/${OWNER}/${REPO}/contents/`));
    assert.ok(contents.length > 0 && contents.every((r) => r.query.get('ref') === baseSha && r.status === 200));
    const blobs = server.requests.filter((r) => r.path.includes('/git/blobs/'));
    assert.equal(blobs.length, 1, "only the changed config is fetched; the data is the same as the checkout's");
  });
});

describe('pull request that renames the config and breaks it, checked out without the base commit', () => {
  const RENAMED = 'models/renamed.preflight.yml';
  const baseSha = 'bead'.padEnd(40, '0');
  const { files, server, workspace } = headOnlyPullRequest(baseSha, (checkout) => {
    const [changed] = breakConfig(checkout);
    renameSync(path.join(checkout, CONFIG), path.join(checkout, RENAMED));
    return [{ ...changed, filename: RENAMED, status: 'renamed', previous_filename: CONFIG }];
  });

  test("compares with the config at its previous path, as the pull request's file list names it", async () => {
    const { body, comparison } = await checkPullRequest(server, workspace, files, baseSha, RENAMED);
    assert.equal(comparison.source, 'github-api');
    assert.equal(comparison.renamedFrom, CONFIG);
    assert.match(body, new RegExp(`where the config was ${CONFIG.replace('.', '\\.')} \\(the pull request renamed it\\)`));
    const contents = server.requests.filter((r) => r.path.startsWith(`/repos/${OWNER}/${REPO}/contents/`));
    assert.ok(
      contents.some((r) => decodeURIComponent(r.path).endsWith(`/contents/${CONFIG}`)),
      contents.map((r) => r.path).join(', '),
    );
  });
});

describe('push and workflow_dispatch: the base is the previous head, or the base-ref input', () => {
  const { workspace, baseSha, headSha } = checkoutWithHistory();
  git(workspace, 'branch', 'known-good', baseSha);
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [] });
  before(() => server.start());
  after(() => server.stop());

  async function comparisonOf(eventName: string, event: Record<string, unknown>, inputs: Record<string, string> = {}) {
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName,
      event,
      sha: headSha,
      inputs: { smoke: 'true', 'time-budget': '150', ...inputs },
    });
    assert.ok(result.code === 0 || result.code === 1, result.stdout + result.stderr);
    const report = JSON.parse(readFileSync(path.join(result.workspace, 'nn-preflight-report/report.json'), 'utf8'));
    return report.results.find((r: { config: string }) => r.config === CONFIG)?.comparison;
  }

  test('a push is compared with its previous head, github.event.before', async () => {
    const comparison = await comparisonOf('push', { ref: 'refs/heads/main', before: baseSha, after: headSha, deleted: false });
    assert.deepEqual([comparison?.ref, comparison?.status, comparison?.verdict, comparison?.source], [baseSha, 'compared', 'regression', 'git']);
  });

  test('a new branch (before is all zeros) is not compared; workflow_dispatch compares with base-ref', async () => {
    assert.equal(await comparisonOf('push', { ref: 'refs/heads/new', before: '0'.repeat(40), after: headSha }), undefined);
    const dispatched = await comparisonOf('workflow_dispatch', { inputs: {} }, { 'base-ref': 'known-good' });
    assert.deepEqual([dispatched?.ref, dispatched?.status, dispatched?.verdict], ['known-good', 'compared', 'regression']);
  });
});
