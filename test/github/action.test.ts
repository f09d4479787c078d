// The bundled action as GitHub runs it: dist/index.js under Node 24 against the fake GitHub server.
// Build first (`npm run build`); the suite fails with a clear message when dist/ is missing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { makeZip } from './zip-writer.ts';
import { buildReport } from '../../src/report/build.ts';
import { renderJson } from '../../src/report/json.ts';
import type { Report } from '../../src/report/types.ts';
import type { Finding } from '../../src/checks/types.ts';

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
  assert.deepEqual(
    failed.map((r) => `${r.method} ${r.path} ${r.status}`),
    [],
  );
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

    // SARIF for upload-sarif beside report.json, with paths from the repository root.
    const sarif = JSON.parse(readFileSync(path.join(path.dirname(result.outputs['report-json']), 'report.sarif'), 'utf8'));
    const uris = sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(uris.includes(SOFTMAX_CONFIG), JSON.stringify(uris));
    // Each config's progress in its own log group, opened before commands stop and closed after they resume.
    assert.match(result.stdout, new RegExp(`^::group::nn-preflight: ${SOFTMAX_CONFIG.replace(/[.]/g, '\\.')}\n::stop-commands::`, 'm'));
    assert.match(result.stdout, /: loading the config\n[\s\S]*: done: \d+ errors?, \d+ warnings?, \d+ notices? in [\d.]+ s\n::[0-9a-f]+::\n::endgroup::$/m);
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
    // The earlier suggestion on the fixed line says so and no longer offers to apply the old change.
    const suggestion = (server.reviewComments.get(7) ?? []).find((c) => c.line === OUTPUT_LAYER_LINE)!;
    assert.match(suggestion.body, /^✅ \*\*Fixed\*\* at a{7}/);
    assert.doesNotMatch(suggestion.body, /```suggestion/);
    noErrorResponses(server);
  });
});

describe('comment: on-findings', () => {
  const workspace = makeWorkspace();
  const sound = 'models/sound.preflight.yml';
  // 120 rows in batches of 8: enough updates per epoch, so only the no-validation-data notice remains.
  writeFileSync(path.join(workspace, sound), readWorkspaceFile(workspace, sound).replace('learning_rate: 0.001\n', 'learning_rate: 0.001\n  batch_size: 8\n'));
  const files: FakeFile[] = [{ filename: sound, status: 'modified', patch: firstLinePatch(readWorkspaceFile(workspace, sound)) }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 21, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  before(() => server.start());
  after(() => server.stop());
  const event = pullRequestEvent(21, HEAD, `${OWNER}/${REPO}`, files.length);

  test('a pull request with nothing to report gets no comment', async () => {
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'pull_request',
      event,
      sha: MERGE,
      inputs: { comment: 'on-findings', 'fail-on': 'warning' },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.outputs.warnings, '0');
    assert.equal(result.outputs.errors, '0');
    assert.deepEqual(
      server.writes().map((w) => `${w.method} ${w.path}`),
      [],
    );
    assert.equal((server.issueComments.get(21) ?? []).length, 0);
    noErrorResponses(server);
  });

  test('with an earlier comment, that comment is updated to say everything is fixed', async () => {
    server.issueComments.set(21, [
      { id: 77, body: `${MARKER}\n<!-- nn-preflight-state:findings=2;failing=1 -->\n\nold report`, user: { login: 'github-actions[bot]', type: 'Bot' } },
    ]);
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE, inputs: { comment: 'on-findings' } });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const comments = server.issueComments.get(21) ?? [];
    assert.equal(comments.length, 1);
    assert.match(comments[0].body, /Everything is fixed: nothing left to report on this pull request \(the previous run reported 2 findings\)/);
    assert.equal(server.writes().filter((w) => w.method === 'POST').length, 0);
    noErrorResponses(server);
  });
});

describe('pull request from a fork (read-only token)', () => {
  const workspace = makeWorkspace();
  const config = readWorkspaceFile(workspace, SOFTMAX_CONFIG);
  const files: FakeFile[] = [{ filename: SOFTMAX_CONFIG, status: 'modified', patch: addedFilePatch(config) }];
  const server = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    readOnlyTokens: [READ_ONLY_TOKEN],
    pulls: [{ number: 8, headSha: HEAD, headRepo: 'forker/models', state: 'open', files }],
  });
  before(() => server.start());
  after(() => server.stop());
  const event = pullRequestEvent(8, HEAD, 'forker/models', files.length);

  test('reports through summary, annotations and report.json, writes nothing, exits by fail-on', async () => {
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE, token: READ_ONLY_TOKEN });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout + result.stderr, /failed unexpectedly|Resource not accessible/);
    assert.deepEqual(server.writes(), []);
    assert.match(result.summary, /output-activation-mismatch/);
    assert.match(result.summary, /fork/);
    assert.match(result.stdout, /::error .*file=models\/softmax\.preflight\.yml/);
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8'));
    assert.equal(report.conclusion, 'failure');
    const context = JSON.parse(readFileSync(path.join(path.dirname(result.outputs['report-json']), 'publish-context.json'), 'utf8'));
    assert.equal(context.key, 'preflight');
  });

  test('with fail-on never the same run passes', async () => {
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'pull_request',
      event,
      sha: MERGE,
      token: READ_ONLY_TOKEN,
      inputs: { 'fail-on': 'never' },
    });
    assert.equal(result.code, 0, result.stdout);
    assert.equal(result.outputs.conclusion, 'success');
    assert.deepEqual(server.writes(), []);
  });

  test('a write that GitHub refuses with 403 is a warning, not a crash', async () => {
    // Same-repo event, but the token turns out read-only (e.g. restricted workflow permissions).
    const sameRepoEvent = pullRequestEvent(8, HEAD, `${OWNER}/${REPO}`, files.length);
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event: sameRepoEvent, sha: MERGE, token: READ_ONLY_TOKEN });
    assert.equal(result.code, 1);
    assert.ok(server.requests.some((r) => r.status === 403));
    assert.match(result.summary, /HTTP 403/);
    assert.match(result.summary, /output-activation-mismatch/);
    assert.doesNotMatch(result.stdout + result.stderr, /failed unexpectedly/);
  });
});

describe('workflow_dispatch on a branch', () => {
  const workspace = makeWorkspace();
  const branchHead = 'd'.repeat(40);
  const server = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    pulls: [{ number: 9, headSha: branchHead, headRepo: `${OWNER}/${REPO}`, state: 'open', files: [] }],
  });
  before(() => server.start());
  after(() => server.stop());

  test('with an open pull request for the commit: checks every config and comments there', async () => {
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'workflow_dispatch',
      event: { ref: 'refs/heads/feature' },
      sha: branchHead,
      ref: 'refs/heads/feature',
    });
    assert.equal(result.code, 1);
    assert.deepEqual(JSON.parse(result.outputs.configs), ['models/shared.preflight.yml', SOFTMAX_CONFIG, 'models/sound.preflight.yml']);
    assert.ok(server.requests.some((r) => r.path === `/repos/${OWNER}/${REPO}/commits/${branchHead}/pulls`));
    const comments = server.issueComments.get(9) ?? [];
    assert.equal(comments.length, 1);
    assert.ok(comments[0].body.startsWith(MARKER));
    noErrorResponses(server);
  });

  test('discover-only lists the configs for a matrix and checks nothing', async () => {
    const writes = server.writes().length;
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'push',
      event: {},
      sha: branchHead,
      inputs: { 'discover-only': 'true', configs: 'models/s*.preflight.yml' },
    });
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(JSON.parse(result.outputs.configs), ['models/shared.preflight.yml', SOFTMAX_CONFIG, 'models/sound.preflight.yml']);
    assert.equal(result.outputs['report-json'], undefined);
    assert.equal(server.writes().length, writes);
  });

  test('without a pull request: reports in the job summary only', async () => {
    const lonely = 'e'.repeat(40);
    const before = server.writes().length;
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'workflow_dispatch',
      event: { ref: 'refs/heads/lonely' },
      sha: lonely,
      ref: 'refs/heads/lonely',
    });
    assert.equal(result.code, 1);
    assert.equal(server.writes().length, before);
    assert.match(result.summary, /output-activation-mismatch/);
    assert.match(result.stdout, /No open pull request/);
  });
});

describe('a pull request with more than 100 changed files', () => {
  const workspace = makeWorkspace();
  const files: FakeFile[] = [];
  for (let i = 0; i < 230; i++) files.push({ filename: `docs/page-${String(i).padStart(3, '0')}.md`, status: 'added', patch: '@@ -0,0 +1 @@\n+text' });
  // The only relevant change is on the third page: a data file one config reads.
  files.push({ filename: SHARED_DATA, status: 'modified' });
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 11, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  before(() => server.start());
  after(() => server.stop());

  test('reads every page, selects the config whose data changed, and survives a 502 and a secondary rate limit', async () => {
    server.faults.push({ method: 'GET', path: /\/pulls\/11\/files$/, kind: 'server-error' });
    server.faults.push({ method: 'POST', path: /\/issues\/11\/comments$/, kind: 'secondary-rate-limit' });
    const event = pullRequestEvent(11, HEAD, `${OWNER}/${REPO}`, files.length);
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE });
    assert.deepEqual(JSON.parse(result.outputs.configs), [SHARED_DATA_CONFIG]);
    const pages = server.requests.filter((r) => r.path.endsWith('/pulls/11/files') && r.status === 200).map((r) => r.query.get('page') ?? '1');
    assert.deepEqual(pages, ['1', '2', '3']);
    assert.ok(server.requests.some((r) => r.path.endsWith('/pulls/11/files') && r.status === 502));
    assert.ok(server.requests.some((r) => r.path.endsWith('/issues/11/comments') && r.status === 403));
    assert.equal((server.issueComments.get(11) ?? []).length, 1);
    assert.equal(result.code, 0, result.stdout);
  });
});

describe('a pull request that changes only the training script', () => {
  const workspace = makeWorkspace();
  // The sound config watches the training script; the other two watch nothing.
  writeFileSync(
    path.join(workspace, 'models/sound.preflight.yml'),
    readWorkspaceFile(workspace, 'models/sound.preflight.yml') + 'watch: [models/train.py, "models/net/**"]\n',
  );
  writeFileSync(path.join(workspace, 'models/train.py'), 'print("training")\n');
  const files: FakeFile[] = [{ filename: 'models/train.py', status: 'modified', patch: '@@ -1 +1 @@\n-print("old")\n+print("training")' }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 12, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  before(() => server.start());
  after(() => server.stop());

  test('re-checks the config that watches it, and says why in the log and the summary', async () => {
    const event = pullRequestEvent(12, HEAD, `${OWNER}/${REPO}`, files.length);
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE });
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(JSON.parse(result.outputs.configs), ['models/sound.preflight.yml']);
    assert.match(result.stdout, /models\/sound\.preflight\.yml: models\/train\.py matches watch: models\/train\.py/);
    assert.match(
      result.summary,
      /checked because a file it watches changed: `models\/sound\.preflight\.yml` \(`models\/train\.py` matches `watch: models\/train\.py`\)/,
    );
    const report = JSON.parse(readFileSync(result.outputs['report-json'], 'utf8')) as { results: { config: string; watch?: string[] }[] };
    assert.deepEqual(
      report.results.map((r) => [r.config, r.watch]),
      [['models/sound.preflight.yml', ['models/train.py', 'models/net/**']]],
    );
  });
});

/** A report with `count` findings whose text alone is far beyond one comment. */
function bigReport(count: number): Report {
  const findings: Finding[] = [];
  for (let i = 0; i < count; i++) {
    findings.push({
      id: 'learning-rate-too-high',
      severity: i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warning' : 'notice',
      title: `Synthetic finding number ${i}`,
      message: `Finding ${i}: ${'the loss explodes after a few steps because the learning rate is far too high. '.repeat(8)}`,
      fix: 'Lower training.learning_rate.',
      file: 'models/big.preflight.yml',
      line: 2 + (i % 10),
      docs: 'docs/checks/learning-rate-too-high.md',
      evidence: { losses: Array.from({ length: 30 }, (_, k) => k * i) },
      ...(i === 0 ? { suggestion: { line: 40, replacement: '  learning_rate: 0.001' } } : {}),
    });
  }
  return buildReport([{ config: 'models/big.preflight.yml', name: 'big', findings }], 'error', '0.1.0');
}

describe('a report too large for one comment (merged from matrix jobs)', () => {
  const workspace = makeWorkspace();
  const report = bigReport(240);
  mkdirSync(path.join(workspace, 'reports/job-1'), { recursive: true });
  writeFileSync(path.join(workspace, 'reports/job-1/report.json'), renderJson(report));
  const files: FakeFile[] = [{ filename: 'models/big.preflight.yml', status: 'modified', patch: '@@ -1,2 +1,2 @@\n-version: 0\n+version: 1\n name: big' }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 12, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  before(() => server.start());
  after(() => server.stop());

  test('the comment stays under 65,536 characters, the summary holds the rest, extra annotations go to a check run', async () => {
    const event = pullRequestEvent(12, HEAD, `${OWNER}/${REPO}`, files.length);
    const result = await runAction({ apiUrl: server.url, workspace, eventName: 'pull_request', event, sha: MERGE, inputs: { 'merge-reports': 'reports' } });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    noErrorResponses(server);
    const comment = (server.issueComments.get(12) ?? [])[0];
    assert.ok(comment && comment.body.length <= MAX_BODY_CHARS, `comment is ${comment?.body.length} characters`);
    assert.match(comment.body, /shortened to fit/);
    // The suggestion's line is outside the diff: it appears in the comment, not as a review comment.
    assert.equal(server.reviews.length, 0);
    assert.match(comment.body, /learning_rate: 0\.001/);
    const lastTitle = 'Synthetic finding number 239';
    assert.ok(result.summary.includes(lastTitle), 'the job summary holds every finding');
    assert.ok(result.summary.length > comment.body.length);
    // 10 per level go out as workflow commands; the other 210 to one check run, in batches of 50.
    assert.equal((result.stdout.match(/^::(error|warning|notice) /gm) ?? []).length, 30);
    assert.equal(server.checkRuns.length, 1);
    assert.equal(server.checkRuns[0].annotations.length, 210);
    assert.equal(server.checkRuns[0].conclusion, 'failure');
    assert.equal(server.checkRuns[0].head_sha, HEAD);
  });
});

describe('workflow_run publisher for a fork pull request', () => {
  const workspace = makeWorkspace();
  const forkHead = 'f'.repeat(40);
  const files: FakeFile[] = [{ filename: SOFTMAX_CONFIG, status: 'added', patch: addedFilePatch(readWorkspaceFile(workspace, SOFTMAX_CONFIG)) }];
  const report = buildReport(
    [
      {
        config: SOFTMAX_CONFIG,
        name: 'softmax-one-unit',
        findings: [
          {
            id: 'output-activation-mismatch',
            severity: 'error',
            title: 'Output activation does not fit the loss',
            message: 'softmax over one unit <!-- nn-preflight:preflight --> always outputs 1',
            fix: 'Use sigmoid.',
            file: SOFTMAX_CONFIG,
            line: OUTPUT_LAYER_LINE,
            docs: 'docs/checks/output-activation-mismatch.md',
            evidence: {},
            suggestion: { line: OUTPUT_LAYER_LINE, replacement: '    - {type: dense, units: 1, activation: sigmoid}' },
          },
          {
            id: 'exploding-gradients',
            severity: 'warning',
            title: 'Exploding gradients',
            message: 'The gradient norm grows 1e6 times from the last layer to the first.',
            fix: 'Lower the learning rate.',
            file: SOFTMAX_CONFIG,
            docs: 'docs/checks/exploding-gradients.md',
            evidence: {},
          },
        ],
        // The chart-ready run data the evidence charts draw, as the fork's run wrote it.
        smoke: {
          backend: 'wasm',
          steps: 2,
          seconds: 1,
          steps_per_second: 2,
          loss: [1, 0.9],
          val_loss: [],
          val_steps: [],
          layers: [
            { name: 'dense', grad_norm: [1e6], update_ratio: [0.1] },
            { name: 'dense_1', grad_norm: [1], update_ratio: [0.1] },
          ],
        },
      },
    ],
    'error',
    '0.1.0',
  );
  const zip = makeZip({
    'report.json': renderJson(report),
    'publish-context.json': JSON.stringify({ key: 'preflight', workingDirectory: '.', headSha: forkHead }),
  });
  const badZip = makeZip({ 'report.json': JSON.stringify({ ...JSON.parse(renderJson(report)), conclusion: 'success' }) });
  const server = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    pulls: [{ number: 13, headSha: forkHead, headRepo: 'forker/models', state: 'open', files }],
    artifacts: [
      { runId: 555, id: 77, name: 'nn-preflight-report', zip },
      { runId: 556, id: 78, name: 'nn-preflight-report', zip: badZip },
    ],
  });
  before(() => server.start());
  after(() => server.stop());
  const workflowRunEvent = (id: number) => ({
    action: 'completed',
    workflow_run: {
      id,
      head_sha: forkHead,
      head_repository: { full_name: 'forker/models' },
      event: 'pull_request',
      html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${id}`,
      pull_requests: [],
    },
  });

  test('downloads the report, finds the PR by head SHA and posts the comment and suggestion', async () => {
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'workflow_run',
      event: workflowRunEvent(555),
      sha: 'b'.repeat(40),
      entry: 'publish.js',
      job: 'publish',
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.outputs['pull-request'], '13');
    const comments = server.issueComments.get(13) ?? [];
    assert.equal(comments.length, 1);
    // The marker belongs to the job that made the report, so a later same-job comment is the same one.
    assert.ok(comments[0].body.startsWith(MARKER));
    // Text from the report cannot plant a second marker.
    assert.equal(comments[0].body.split(MARKER).length, 2);
    // The evidence charts are drawn from the report alone, as the checking run's comment would have them.
    assert.match(comments[0].body, /Gradient norm by layer/);
    assert.equal((server.reviewComments.get(13) ?? []).length, 1);
    const line = (server.reviewComments.get(13) ?? [])[0].line;
    assert.ok(diffRightLines(files[0].patch!).has(line));
  });

  test('a report whose conclusion contradicts its findings is rejected and nothing is posted', async () => {
    const writes = server.writes().length;
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'workflow_run',
      event: workflowRunEvent(556),
      sha: 'b'.repeat(40),
      entry: 'publish.js',
      job: 'publish',
    });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /rejected/);
    assert.equal(server.writes().length, writes);
  });
});

describe('a review GitHub refuses', () => {
  const workspace = makeWorkspace();
  const base = bigReport(2).results[0];
  const findings = base.findings.map((f, i) => ({ ...f, line: i + 1, suggestion: { line: i + 1, replacement: `fixed: ${i}` } }));
  const report = buildReport([{ ...base, findings }], 'error', '0.1.0');
  mkdirSync(path.join(workspace, 'reports'), { recursive: true });
  writeFileSync(path.join(workspace, 'reports/report.json'), renderJson(report));
  const listed = '@@ -1,2 +1,2 @@\n-a\n-b\n+version: 1\n+name: big';
  const files: FakeFile[] = [{ filename: 'models/big.preflight.yml', status: 'modified', patch: listed }];
  const server = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    pulls: [
      {
        number: 14,
        headSha: HEAD,
        headRepo: `${OWNER}/${REPO}`,
        state: 'open',
        files,
        reviewablePatches: { 'models/big.preflight.yml': '@@ -1 +1 @@\n-a\n+version: 1' },
      },
    ],
  });
  before(() => server.start());
  after(() => server.stop());

  test('one unplaceable line does not sink the others: it moves to the comment', async () => {
    const event = pullRequestEvent(14, HEAD, `${OWNER}/${REPO}`, files.length);
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'pull_request',
      event,
      sha: MERGE,
      inputs: { 'merge-reports': 'reports/report.json' },
    });
    assert.equal(result.code, 1);
    assert.ok(server.requests.some((r) => r.path.endsWith('/pulls/14/reviews') && r.status === 422));
    assert.deepEqual(
      (server.reviewComments.get(14) ?? []).map((c) => c.line),
      [1],
    );
    const comment = (server.issueComments.get(14) ?? [])[0];
    assert.match(comment.body, /fixed: 1/);
    assert.doesNotMatch(comment.body, /fixed: 0/);
    assert.match(result.summary, /refused 1 suggestion/);
  });
});

describe('a workspace without the pull request files', () => {
  const files: FakeFile[] = [{ filename: 'models/new.preflight.yml', status: 'added', patch: '@@ -0,0 +1 @@\n+version: 1' }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 15, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  before(() => server.start());
  after(() => server.stop());
  const event = pullRequestEvent(15, HEAD, `${OWNER}/${REPO}`, files.length);

  test('an empty workspace stops with the checkout step to add', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'nnp-empty-'));
    const result = await runAction({ apiUrl: server.url, workspace: empty, eventName: 'pull_request', event, sha: MERGE });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /::error::The workspace is empty.*actions\/checkout/);
  });

  test('a config the pull request adds but the workspace lacks names the ref to check out', async () => {
    const result = await runAction({ apiUrl: server.url, workspace: makeWorkspace(), eventName: 'pull_request', event, sha: MERGE });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /lacks 1 config file.*models\/new\.preflight\.yml.*head\.sha/);
  });
});

describe('a busy pull request', () => {
  const workspace = makeWorkspace();
  const config = readWorkspaceFile(workspace, SOFTMAX_CONFIG);
  const files: FakeFile[] = [{ filename: SOFTMAX_CONFIG, status: 'added', patch: addedFilePatch(config) }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 16, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  // 130 comments by people and other bots; this job's comment is on the second page, another job's on the first.
  const seeded = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, body: `comment ${i}`, user: { login: 'someone', type: 'User' } }));
  // The action's own comments are written by the account the token acts as (github-actions[bot] for GITHUB_TOKEN).
  seeded[40] = { ...seeded[40], body: '<!-- nn-preflight:other-job -->\nolder report of another job', user: { login: 'github-actions[bot]', type: 'Bot' } };
  seeded[120] = { ...seeded[120], body: `${MARKER}\nolder report`, user: { login: 'github-actions[bot]', type: 'Bot' } };
  server.issueComments.set(16, seeded);
  before(() => server.start());
  after(() => server.stop());

  test('the comment is found on a later page and updated in place; other jobs keep theirs', async () => {
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'pull_request',
      event: pullRequestEvent(16, HEAD, `${OWNER}/${REPO}`, 1),
      sha: MERGE,
    });
    assert.equal(result.code, 1);
    const comments = server.issueComments.get(16) ?? [];
    assert.equal(comments.length, 130);
    assert.match(comments[120].body, /output-activation-mismatch/);
    assert.equal(comments[40].body, '<!-- nn-preflight:other-job -->\nolder report of another job');
    const pages = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/16/comments')).map((r) => r.query.get('page') ?? '1');
    assert.deepEqual(pages, ['1', '2']);
  });

  test('comment: new adds a fresh comment instead', async () => {
    await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'pull_request',
      event: pullRequestEvent(16, HEAD, `${OWNER}/${REPO}`, 1),
      sha: MERGE,
      inputs: { comment: 'new' },
    });
    const comments = server.issueComments.get(16) ?? [];
    assert.equal(comments.length, 131);
    assert.ok(comments[130].body.startsWith(MARKER));
  });
});
