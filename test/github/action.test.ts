// The bundled action as GitHub runs it: dist/index.js under Node 24 against the fake GitHub server.
// Build first (`npm run build`); the suite fails with a clear message when dist/ is missing.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeGitHub, MAX_BODY_CHARS, diffRightLines, type FakeFile } from './fake-github/server.ts';
import {
  addedFilePatch,
  firstLinePatch,
  makeWorkspace,
  OUTPUT_LAYER_LINE,
  OWNER,
  pullRequestEvent,
  READ_ONLY_TOKEN,
  REPO,
  REPO_ROOT,
  runAction,
  SHARED_DATA,
  SHARED_DATA_CONFIG,
  SOFTMAX_CONFIG,
} from './harness.ts';

const HEAD = 'a'.repeat(40);
const MERGE = 'c'.repeat(40);
const MARKER = '<!-- nn-preflight:preflight -->';

before(() => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'dist/index.js')), 'dist/index.js is missing: run `npm run build` first');
});

function readWorkspaceFile(workspace: string, file: string): string {
  return readFileSync(path.join(workspace, file), 'utf8');
}

function noErrorResponses(server: FakeGitHub): void {
  const failed = server.requests.filter((r) => r.status >= 400);
  assert.deepEqual(failed.map((r) => `${r.method} ${r.path} ${r.status}`), []);
}

describe('same-repo pull request', () => {
  const workspace = makeWorkspace();
  const config = readWorkspaceFile(workspace, SOFTMAX_CONFIG);
  const files: FakeFile[] = [{ filename: SOFTMAX_CONFIG, status: 'added', patch: addedFilePatch(config) }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 7, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  before(() => server.start());
  after(() => server.stop());
  const event = pullRequestEvent(7, HEAD, `${OWNER}/${REPO}`, files.length);

  test('checks only the changed config, comments once, suggests the fix in a review and fails by fail-on', async () => {
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE, ref: 'refs/pull/7/merge' });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.deepEqual(JSON.parse(result.outputs.configs), [SOFTMAX_CONFIG]);
    assert.equal(result.outputs.conclusion, 'failure');
    assert.ok(Number(result.outputs.errors) >= 1);
    assert.ok(existsSync(result.outputs['report-json']));
    assert.match(result.summary, /output-activation-mismatch/);
    assert.match(result.stdout, /::error .*file=models\/softmax\.preflight\.yml,line=\d+/);

    const comments = server.issueComments.get(7) ?? [];
    assert.equal(comments.length, 1);
    assert.ok(comments[0].body.startsWith(MARKER));
    assert.match(comments[0].body, /output-activation-mismatch/);

    assert.equal(server.reviews.length, 1);
    const reviewComments = server.reviewComments.get(7) ?? [];
    assert.ok(reviewComments.length >= 1);
    const suggestion = reviewComments.find((c) => c.line === OUTPUT_LAYER_LINE);
    assert.ok(suggestion, JSON.stringify(reviewComments));
    assert.match(suggestion.body, /```suggestion\n.*activation: sigmoid/);
    noErrorResponses(server);
  });

  test('a rerun updates the same comment and posts no second review', async () => {
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE });
    assert.equal(result.code, 1);
    assert.equal((server.issueComments.get(7) ?? []).length, 1);
    assert.equal(server.reviews.length, 1);
    assert.equal(server.requests.filter((r) => r.method === 'PATCH' && /\/issues\/comments\//.test(r.path)).length, 1);
    noErrorResponses(server);
  });

  test('after the fix is pushed the comment says the findings are fixed and the job passes', async () => {
    const fixed = config.replace('activation: softmax', 'activation: sigmoid');
    writeFileSync(path.join(workspace, SOFTMAX_CONFIG), fixed);
    files[0].patch = addedFilePatch(fixed);
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE });
    assert.equal(result.code, 0, result.stdout);
    const comments = server.issueComments.get(7) ?? [];
    assert.equal(comments.length, 1);
    assert.match(comments[0].body, /Fixed: the 1 finding that failed the previous run is gone/);
    assert.doesNotMatch(comments[0].body, /output-activation-mismatch/);
  });
});
