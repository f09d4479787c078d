// Every GitHub call the action makes on a pull request, broken every way GitHub breaks: a 5xx once (retried,
// then it works), a 5xx every time, a 5xx after GitHub did the work (retried without posting twice), a 403,
// a 404, a secondary rate limit with retry-after (waited out), and a request that never answers (timed out). In each case the findings survive: the job summary and the JSON
// report exist before the first write reaches GitHub, the exit code follows fail-on, and the summary and
// the log say what could not be done. Needs `npm run build` first (a copy of dist/ is run).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { FakeGitHub, type FakeFile } from '../github/fake-github/server.ts';
import { addedFilePatch, makeWorkspace, OWNER, pullRequestEvent, REPO, SOFTMAX_CONFIG } from '../github/harness.ts';
import { snapshotDist } from '../robustness/dist-snapshot.ts';
import { MAX_RETRIES, OPERATION_RETRIES } from '../../src/github/client.ts';
import { FAULT_KINDS, FaultProxy, type FaultKind, type FaultRule } from './fault-proxy.ts';
import { makeRunner, TEST_REQUEST_TIMEOUT_MS } from './run-action.ts';

const HEAD = 'a'.repeat(40);
const PULL = 7;
const BASE = `/repos/${OWNER}/${REPO}`;
/** the finding the workspace's broken config must produce, wherever the report ends up */
const FINDING = 'output-activation-mismatch';

/** Every call of a same-repository pull-request run, in the order the action makes them. */
const CALLS: { method: string; path: string; what: string /** what the summary must say was not done */; says: RegExp }[] = [
  { method: 'GET', path: `${BASE}/pulls/${PULL}/files`, what: 'list the changed files', says: /list the files of pull request #7/ },
  { method: 'GET', path: `${BASE}/pulls/${PULL}/comments`, what: 'read the review comments', says: /review/ },
  { method: 'POST', path: `${BASE}/pulls/${PULL}/reviews`, what: 'post the review', says: /post the review/ },
  { method: 'GET', path: `${BASE}/issues/${PULL}/comments`, what: 'find the sticky comment', says: /comment on pull request #7/ },
  { method: 'POST', path: `${BASE}/issues/${PULL}/comments`, what: 'post the comment', says: /post the comment on pull request #7/ },
];

/** Faults a retry outlasts; the others must end in a note that says what was not done. */
const RECOVERABLE: ReadonlySet<FaultKind> = new Set(['server-error-once', 'answer-lost', 'secondary-rate-limit']);

/**
 * How often a call that keeps failing is sent. A GET is retried by the client; a POST that failed with a
 * 5xx or a timeout may have landed, so it is not resent as is: the operation around it (which reads first)
 * runs again. A 403 or 404 is final.
 */
function sendsOfFailingCall(kind: FaultKind, method: string): number {
  if (kind !== 'server-error-always' && kind !== 'hang') return 1;
  return method === 'POST' ? 1 + OPERATION_RETRIES : 1 + MAX_RETRIES;
}

const dist = await snapshotDist();
/** folders every run leaves behind (workspaces, runner folders), removed at the end */
const temporary: string[] = [dist];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

interface Scenario {
  rule?: FaultRule;
  failOn: 'error' | 'never';
}

async function runScenario({ rule, failOn }: Scenario) {
  const workspace = makeWorkspace();
  const config = readFileSync(path.join(workspace, SOFTMAX_CONFIG), 'utf8');
  const files: FakeFile[] = [{ filename: SOFTMAX_CONFIG, status: 'added', patch: addedFilePatch(config) }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: PULL, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  await server.start();
  const proxy = new FaultProxy(server.url, rule);
  await proxy.start();
  const runner = makeRunner(dist);
  temporary.push(workspace, runner.dir);
  const reportPath = path.join(workspace, 'nn-preflight-report/report.json');
  let beforeFirstWrite: { summaryHasFinding: boolean; reportHasFinding: boolean } | undefined;
  proxy.onFirstWrite = () => {
    beforeFirstWrite = {
      summaryHasFinding: readFileSync(runner.summaryPath, 'utf8').includes(FINDING),
      reportHasFinding: existsSync(reportPath) && readFileSync(reportPath, 'utf8').includes(FINDING),
    };
  };
  try {
    const run = await runner.run({
      apiUrl: proxy.url,
      workspace,
      event: pullRequestEvent(PULL, HEAD, `${OWNER}/${REPO}`, files.length),
      inputs: { 'fail-on': failOn },
    });
    return { run, server, proxy, reportPath, beforeFirstWrite };
  } finally {
    await proxy.stop();
    await server.stop();
  }
}

/** The lines of the job summary that say something could not be done on GitHub. */
function couldNotLines(summary: string): string[] {
  return summary.split('\n').filter((line) => /could not/i.test(line));
}

test('without faults: every call succeeds once, comment and review are posted, nothing is reported missing', async () => {
  const { run, server, proxy, beforeFirstWrite } = await runScenario({ failOn: 'error' });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual(
    proxy.requests.map((r) => `${r.method} ${r.path} ${r.status}`).sort(),
    CALLS.map((c) => `${c.method} ${c.path} ${c.method === 'POST' && c.path.includes('issues') ? 201 : 200}`).sort(),
  );
  assert.equal((server.issueComments.get(PULL) ?? []).length, 1);
  assert.equal(server.reviews.length, 1);
  assert.deepEqual(beforeFirstWrite, { summaryHasFinding: true, reportHasFinding: true });
  assert.deepEqual(couldNotLines(run.summary), []);
});

describe('a fault on each call', { concurrency: 2 }, () => {
  for (const call of CALLS) {
    for (const kind of FAULT_KINDS) {
      // A few runs with fail-on never show that the exit code follows fail-on, not the faults.
      const failOn = kind === 'server-error-always' ? 'never' : 'error';
      test(`${call.method} ${call.path.replace(BASE, '')} (${call.what}): ${kind}, fail-on ${failOn}`, async () => {
        const { run, server, proxy, reportPath, beforeFirstWrite } = await runScenario({ rule: { method: call.method, path: call.path, kind }, failOn });
        const log = run.stdout + run.stderr;

        // The findings are never lost, and they left the process before anything was posted.
        assert.ok(existsSync(reportPath), 'report.json written');
        assert.match(readFileSync(reportPath, 'utf8'), new RegExp(FINDING));
        assert.match(run.summary, new RegExp(FINDING));
        assert.equal(run.outputs['report-json'], reportPath);
        if (beforeFirstWrite) assert.deepEqual(beforeFirstWrite, { summaryHasFinding: true, reportHasFinding: true });
        assert.match(run.stdout, new RegExp(`::error .*file=${SOFTMAX_CONFIG.replace(/\./g, '\\.')}`), 'annotations emitted');

        // The exit code follows fail-on, whatever GitHub did.
        assert.equal(run.code, failOn === 'error' ? 1 : 0, log);
        assert.equal(run.outputs.conclusion, failOn === 'error' ? 'failure' : 'success');
        assert.doesNotMatch(log, /failed unexpectedly/);

        const attempts = proxy.matched;
        const notes = couldNotLines(run.summary);
        if (RECOVERABLE.has(kind)) {
          if (kind === 'answer-lost' && call.method === 'POST') {
            // The write landed; the retried operation reads it back and does not send it again.
            assert.equal(attempts.length, 1, JSON.stringify(attempts));
          } else {
            assert.ok(attempts.length >= 2, `retried: ${JSON.stringify(attempts)}`);
            assert.ok(
              typeof attempts.at(-1)!.status === 'number' && (attempts.at(-1)!.status as number) < 300,
              `the retry succeeded: ${JSON.stringify(attempts)}`,
            );
          }
          assert.deepEqual(notes, [], 'nothing reported as missing after a successful retry');
          // Exactly one comment and one review, even when the first write landed and only its answer was lost.
          assert.equal((server.issueComments.get(PULL) ?? []).length, 1);
          assert.equal(server.reviews.length, 1);
          return;
        }
        // The changed files are listed once to pick the configs and, when that failed, once more for the review.
        const operations = call.path.endsWith('/files') ? 2 : 1;
        assert.equal(attempts.length, operations * sendsOfFailingCall(kind, call.method), `${call.method} after ${kind}: ${JSON.stringify(attempts)}`);
        if (kind === 'hang') {
          assert.ok(run.seconds < 60, `a hanging request costs ${run.seconds}s`);
          assert.ok(
            notes.some((line) => /did not answer in time/.test(line)),
            notes.join('\n'),
          );
        }
        // What could not be done is said in the summary and in the log.
        assert.ok(
          notes.some((line) => call.says.test(line)),
          `the summary must say it could not ${call.what}:\n${notes.join('\n')}`,
        );
        assert.match(log, /::warning.*(Could not|could not)/, `log:\n${log.slice(-3000)}`);
        // Nothing is posted twice, whatever failed.
        assert.ok((server.issueComments.get(PULL) ?? []).length <= 1);
        assert.ok(server.reviews.length <= 1);
      });
    }
  }
});

test('the request timeout used here is short enough for the hang runs to stay fast', () => {
  assert.ok(TEST_REQUEST_TIMEOUT_MS * (1 + MAX_RETRIES) < 30_000);
});
