// The PR comment an engineer reads in ten seconds (issue 17), on the bundled example and against the
// local stand-in for GitHub's REST API: the visible part stays short, each verified fix is stated once,
// `comment: on-findings` leaves a clean pull request alone, and earlier suggestions are marked fixed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck } from '../../src/pipeline.ts';
import { composeCommentBody } from '../../src/github/comment-body.ts';
import { allFindings, buildReport } from '../../src/report/build.ts';
import { layoutOf } from '../../src/report/layout.ts';
import type { Report } from '../../src/report/types.ts';
import type { Finding } from '../../src/checks/types.ts';
import { FakeGitHub } from './fake-github/server.ts';
import { finding, smoke } from '../report/fixtures.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = 'examples/housing/housing-price.preflight.yml';
const MARKDOWN = { mermaid: true, runUrl: 'https://github.com/octo/models/actions/runs/4242', docsBaseUrl: 'https://github.com/octo/nn-preflight/blob/v1/' };
const MARKER = '<!-- nn-preflight:preflight -->';

/** What a reader sees without opening anything: the body without hidden markers, collapsed blocks and chart code. */
export function visibleComment(body: string): string {
  let text = body.replace(/<!--[\s\S]*?-->/g, '').replace(/^(`{3,})mermaid\n[\s\S]*?\n\1$/gm, '');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(/<details>(?:(?!<details>)[\s\S])*?<\/details>/g, '');
  }
  return text.replace(/\n{3,}/g, '\n\n');
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('the comment on the bundled example (housing, raw units)', () => {
  let report: Report;
  let body: string;
  before(async () => {
    const cwd = process.cwd();
    process.chdir(REPO_ROOT);
    try {
      report = await runCheck({ root: REPO_ROOT, configs: [EXAMPLE], smoke: true, backend: 'auto', failOn: 'warning' });
    } finally {
      process.chdir(cwd);
    }
    // The worst case: every one-line fix outside the diff, so all of them are in the comment too.
    const outsideDiff = allFindings(report.results).filter((f) => f.suggestion);
    body = composeCommentBody({ report, marker: MARKER, markdown: MARKDOWN, outsideDiff, toRepoPath: (file) => file });
  });

  test('the visible part is at most 3,000 characters with no line over 400', (t) => {
    const visible = visibleComment(body);
    t.diagnostic(
      `visible: ${visible.length} characters, longest line ${Math.max(...visible.split('\n').map((line) => line.length))}; whole body ${body.length}`,
    );
    assert.ok(visible.length <= 3000, `visible comment has ${visible.length} characters:\n${visible}`);
    const longest = Math.max(...visible.split('\n').map((line) => line.length));
    assert.ok(longest <= 400, `a visible line has ${longest} characters`);
    assert.ok(visible.includes('**Fix first**'), visible);
  });

  test('the verified fix is stated once, with its effect against the trivial baseline', () => {
    const [result] = report.results;
    const { rootCauses } = layoutOf(result);
    assert.ok(rootCauses.length >= 1, 'the example has a verified fix (its inputs and targets are raw)');
    assert.ok(
      rootCauses.some((cause) => cause.changes.includes('preprocessing.targets: standardize')),
      JSON.stringify(rootCauses.map((c) => c.changes)),
    );
    const visible = visibleComment(body);
    assert.equal(count(visible, '✅ verified:'), rootCauses.length);
    for (const cause of rootCauses) assert.equal(count(visible, `<code>${cause.changes[0]}</code>`), 1, cause.changes.join(' + '));
    assert.match(visible, /verified: loss as a multiple of the trivial baseline [\d.e+]+× → [\d.e+-]+×/);
    // Nowhere in the comment, not even in the details, is the verification sentence repeated per finding.
    assert.equal(count(body, 'erified together with the other'), 0);
    assert.equal(count(body, 'Not verified alone'), 0);
  });

  test('each finding outside "Fix first" is one line with its check linked to its docs page', () => {
    const [result] = report.results;
    const lines = visibleComment(body)
      .split('\n')
      .filter((line) => /^\s*- (↳ )?(🔴|🟡|🔵) /.test(line));
    assert.equal(lines.length, result.findings.length);
    for (const line of lines) assert.match(line, /\[[a-z-]+\]\(https:\/\/github\.com\/octo\/nn-preflight\/blob\/v1\/docs\/checks\/[a-z-]+\.md\): /);
  });

  test('one final loss: the footnote, the loss-not-decreasing finding and the base definition agree', () => {
    const visible = visibleComment(body);
    assert.match(visible, /final loss [\d.e+]+ \(mean of the last 10% of steps\)/);
    assert.equal(count(visible, 'suggested learning rate'), count(body, 'suggested learning rate'), 'the learning rate is suggested in one place');
    assert.ok(count(body, 'suggested learning rate') <= 1);
  });
});

function makeReport(findings: Finding[]): Report {
  return buildReport([{ config: 'models/a.preflight.yml', name: 'a', findings, smoke: smoke() }], 'error', '0.1.0');
}

describe('publishing against the REST stand-in', () => {
  const headSha = 'c'.repeat(40);
  const configPath = 'models/a.preflight.yml';
  const patch = ['@@ -1,4 +1,4 @@', ' version: 1', '-name: old', '+name: a', '   inputs: none', '   targets: none'].join('\n');
  const server = new FakeGitHub({
    owner: 'octo',
    repo: 'models',
    pulls: [{ number: 5, headSha, headRepo: 'octo/models', state: 'open', files: [{ filename: configPath, status: 'modified', patch }] }],
  });
  let publish: typeof import('../../src/github/publish-to-pr.ts').publishToPullRequest;
  let client: import('../../src/github/client.ts').GitHubClient;
  const log = { info: () => {}, warning: () => {} };
  const pr = { owner: 'octo', repo: 'models', pullNumber: 5 };

  before(async () => {
    const baseUrl = await server.start();
    ({ publishToPullRequest: publish } = await import('../../src/github/publish-to-pr.ts'));
    const { createGitHubClient } = await import('../../src/github/client.ts');
    client = createGitHubClient('ghs_token', log, { retryAfterBaseMs: 1, requestTimeoutMs: 5000, baseUrl });
  });
  after(() => server.stop());

  const request = (report: Report, comment: 'update' | 'on-findings') => ({
    pr,
    headSha,
    report,
    key: 'preflight',
    author: 'github-actions[bot]',
    comment,
    suggestions: true,
    toRepoPath: (file: string) => file,
    markdown: MARKDOWN,
  });

  test('comment: on-findings posts nothing on a clean pull request (notices alone are not worth a comment)', async () => {
    const clean = makeReport([finding('no-validation-data', 'notice', { file: configPath, line: 2 })]);
    const outcome = await publish(client, request(clean, 'on-findings'), log);
    assert.deepEqual(outcome.warnings, []);
    assert.equal(outcome.commentAction, 'skipped');
    assert.equal(server.writes().length, 0, JSON.stringify(server.writes().map((w) => `${w.method} ${w.path}`)));
    assert.equal((server.issueComments.get(5) ?? []).length, 0);
    // The same run with `update` does comment: the skip is the mode's doing.
    const updated = await publish(client, request(clean, 'update'), log);
    assert.equal(updated.commentAction, 'created');
    server.issueComments.delete(5);
  });

  test('a root cause with fixes on adjacent diff lines gets one suggestion that applies all of them', async () => {
    const fixCheck = {
      change: 'preprocessing.inputs: standardize',
      seed: 0,
      steps: 100,
      metric: 'loss',
      before: 4,
      after: 3,
      verified: false,
      combined: { changes: ['preprocessing.inputs: standardize', 'preprocessing.targets: standardize'], metric: 'loss', before: 4, after: 0.1, verified: true },
    };
    const targetsCheck = { ...fixCheck, change: 'preprocessing.targets: standardize' };
    const broken = makeReport([
      finding('unscaled-inputs', 'warning', {
        file: configPath,
        line: 3,
        suggestion: { line: 3, replacement: '  inputs: standardize' },
        evidence: { fix_check: fixCheck },
      }),
      finding('unscaled-targets', 'warning', {
        file: configPath,
        line: 4,
        suggestion: { line: 4, replacement: '  targets: standardize' },
        evidence: { fix_check: targetsCheck },
      }),
    ]);
    assert.equal(layoutOf(broken.results[0]).rootCauses.length, 1);
    const outcome = await publish(client, request(broken, 'on-findings'), log);
    assert.equal(outcome.commentAction, 'created');
    const posted = server.reviewComments.get(5) ?? [];
    assert.equal(posted.length, 1, 'one suggestion for the whole fix');
    assert.equal(posted[0].start_line, 3);
    assert.equal(posted[0].line, 4);
    assert.match(posted[0].body, /```suggestion\n {2}inputs: standardize\n {2}targets: standardize\n```/);
  });

  test('once fixed: the earlier comment says everything is fixed and the earlier suggestion loses its apply button', async () => {
    const fixed = makeReport([finding('no-validation-data', 'notice', { file: configPath, line: 2 })]);
    const before = server.reviewComments.get(5)![0].body;
    const outcome = await publish(client, request(fixed, 'on-findings'), log);
    assert.equal(outcome.commentAction, 'updated');
    const [comment] = server.issueComments.get(5)!;
    assert.match(comment.body, /Everything is fixed: nothing left to report/);
    assert.equal(outcome.suggestionsResolved, 1);
    const resolved = server.reviewComments.get(5)![0].body;
    assert.notEqual(resolved, before);
    assert.match(resolved, /^✅ \*\*Fixed\*\* at ccccccc/);
    assert.doesNotMatch(resolved, /```suggestion/);
    assert.ok(server.requests.some((r) => r.method === 'PATCH' && r.path === '/repos/octo/models/pulls/comments/' + server.reviewComments.get(5)![0].id));
    // A second clean run edits nothing more on the review.
    const again = await publish(client, request(fixed, 'on-findings'), log);
    assert.equal(again.suggestionsResolved, 0);
  });
});

test('an annotation carries the fix once, without the verification paragraph the comment states in "Fix first"', async () => {
  const { toAnnotation } = await import('../../src/github/annotations.ts');
  const combined = { changes: ['a: 1', 'b: 2'], metric: 'loss', before: 4, after: 0.1, verified: true };
  const fixed = finding('unscaled-inputs', 'warning', {
    fix: 'Standardize the inputs. Not verified alone: with a: 1 the smoke run did not clearly train better. Verified together with the other fixes (a: 1 + b: 2): final loss 4 -> 0.1.',
    evidence: { fix_check: { change: 'a: 1', seed: 0, steps: 100, metric: 'loss', before: 4, after: 3, verified: false, combined } },
  });
  const annotation = toAnnotation(fixed, (file) => file);
  assert.match(annotation.message, /\nFix: Standardize the inputs\. \(verified together with other fixes\)$/);
  assert.doesNotMatch(annotation.message, /Not verified alone/);
});
