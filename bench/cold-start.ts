// Part (d): the action's cold start. The bundled action (dist/index.js) runs under the Node 24 binary
// GitHub's `node24` runtime uses, on a pull_request event, against the fake GitHub server of the action
// tests; the figure is the time from spawning the process to the server receiving its first request.
// Reference: the same Node binary starting and exiting (`node -e ''`).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { FakeGitHub } from '../test/github/fake-github/server.ts';
import { addedFilePatch, makeWorkspace, NODE24, OWNER, pullRequestEvent, REPO, runAction, SOFTMAX_CONFIG } from '../test/github/harness.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ColdStartBench {
  node: string;
  runs: number;
  /** median ms from spawn to the first request */
  firstRequestMs: number;
  /** median ms of the whole action run (static checks only, comment and review posted) */
  wholeRunMs: number;
  /** median ms of `node -e ''` under the same binary */
  nodeStartupMs: number;
  requests: number;
}

const HEAD = 'a'.repeat(40);
const MERGE = 'c'.repeat(40);
const POLL_MS = 1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function oneRun(): Promise<{ firstRequestMs: number; wholeRunMs: number; requests: number }> {
  const workspace = makeWorkspace();
  const config = readFileSync(path.join(workspace, SOFTMAX_CONFIG), 'utf8');
  const files = [{ filename: SOFTMAX_CONFIG, status: 'added' as const, patch: addedFilePatch(config) }];
  const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [{ number: 7, headSha: HEAD, headRepo: `${OWNER}/${REPO}`, state: 'open', files }] });
  await server.start();
  try {
    let firstRequestAt: number | undefined;
    const poll = setInterval(() => {
      if (firstRequestAt === undefined && server.requests.length > 0) firstRequestAt = performance.now();
    }, POLL_MS);
    const started = performance.now();
    const result = await runAction({
      apiUrl: server.url,
      workspace,
      eventName: 'pull_request',
      event: pullRequestEvent(7, HEAD, `${OWNER}/${REPO}`, 1),
      sha: MERGE,
    });
    const finished = performance.now();
    clearInterval(poll);
    if (firstRequestAt === undefined) throw new Error(`the action made no request (exit ${result.code}): ${result.stderr.slice(-300)}`);
    return { firstRequestMs: firstRequestAt - started, wholeRunMs: finished - started, requests: server.requests.length };
  } finally {
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

export async function measureColdStart(runs = 5): Promise<ColdStartBench> {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await oneRun());
  const startup: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(NODE24, ['-e', '']);
    startup.push(performance.now() - started);
  }
  const version = spawnSync(NODE24, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return {
    node: version,
    runs,
    firstRequestMs: median(samples.map((s) => s.firstRequestMs)),
    wholeRunMs: median(samples.map((s) => s.wholeRunMs)),
    nodeStartupMs: median(startup),
    requests: samples[0].requests,
  };
}
