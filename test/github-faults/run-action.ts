// Runs the bundled action like test/github/harness.ts does, but with the job summary at a path the test
// knows before the run starts, so a proxy can look at it the moment the first write reaches "GitHub".
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NODE24, OWNER, REPO, WRITE_TOKEN } from '../github/harness.ts';

export interface FaultRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  seconds: number;
}

export interface Runner {
  /** the runner's temporary folder (summary, outputs, event); the caller removes it */
  dir: string;
  summaryPath: string;
  run(options: { apiUrl: string; workspace: string; event: Record<string, unknown>; inputs?: Record<string, string> }): Promise<FaultRun>;
}

/** Milliseconds a request may take before the action gives up on it (short here, so a hang costs seconds). */
export const TEST_REQUEST_TIMEOUT_MS = 1500;

/** `distDir`: the folder holding the bundled action (a snapshot of dist/). */
export function makeRunner(distDir: string): Runner {
  const runnerDir = mkdtempSync(path.join(tmpdir(), 'nnp-fault-runner-'));
  const summaryPath = path.join(runnerDir, 'summary.md');
  const outputPath = path.join(runnerDir, 'output.txt');
  const eventPath = path.join(runnerDir, 'event.json');
  return {
    dir: runnerDir,
    summaryPath,
    async run({ apiUrl, workspace, event, inputs }) {
      writeFileSync(eventPath, JSON.stringify(event));
      writeFileSync(summaryPath, '');
      writeFileSync(outputPath, '');
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: runnerDir,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_REPOSITORY_OWNER: OWNER,
        GITHUB_API_URL: apiUrl,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
        GITHUB_SHA: 'c'.repeat(40),
        GITHUB_REF: 'refs/pull/7/merge',
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_RUN_NUMBER: '7',
        GITHUB_JOB: 'preflight',
        GITHUB_WORKFLOW: 'preflight',
        GITHUB_ACTOR: 'someone',
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summaryPath,
        GITHUB_OUTPUT: outputPath,
        RUNNER_TEMP: runnerDir,
        NN_PREFLIGHT_RETRY_BASE_MS: '20',
        NN_PREFLIGHT_REQUEST_TIMEOUT_MS: String(TEST_REQUEST_TIMEOUT_MS),
      };
      for (const [name, value] of Object.entries({ 'github-token': WRITE_TOKEN, smoke: 'false', ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
      const started = performance.now();
      const child = spawn(NODE24, [path.join(distDir, 'index.js')], { cwd: workspace, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('close', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      const outputs: Record<string, string> = {};
      for (const match of readFileSync(outputPath, 'utf8').matchAll(/^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]] = match[3];
      return {
        code,
        stdout,
        stderr,
        summary: existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : '',
        outputs,
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}
