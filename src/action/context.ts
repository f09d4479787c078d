// What the workflow run is about, read from the variables and the event file GitHub provides. Pure
// apart from reading the event file, so each event kind is easy to test.
import { readFileSync } from 'node:fs';

export interface PullRequestInfo {
  number: number;
  headSha: string;
  baseSha?: string;
  /** the pull request comes from another repository: GITHUB_TOKEN is read-only there */
  fromFork: boolean;
  /** files GitHub says the pull request changes (for spotting a cut list) */
  changedFiles?: number;
}

export interface WorkflowContext {
  eventName: string;
  owner: string;
  repo: string;
  /** the commit the workflow runs on (for a pull request, its test merge commit) */
  sha: string;
  ref: string;
  job: string;
  runId: string;
  runUrl: string;
  serverUrl: string;
  workspace: string;
  pullRequest?: PullRequestInfo;
  /** the commit whose files are checked: the pull request head, or `sha` */
  headSha: string;
  /** the commit the checked files are compared with: the pull request's base, or a push's previous head */
  baseSha?: string;
  /** `owner/name@ref` of the action itself, for links to its docs */
  actionRepository?: string;
  actionRef?: string;
}

type Env = Record<string, string | undefined>;

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

export function readEventPayload(env: Env): Record<string, unknown> {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function pullRequestFromPayload(eventName: string, payload: Record<string, unknown>): PullRequestInfo | undefined {
  if (!PULL_REQUEST_EVENTS.has(eventName)) return undefined;
  const number = asNumber(field(payload, 'pull_request', 'number')) ?? asNumber(payload.number);
  const headSha = asString(field(payload, 'pull_request', 'head', 'sha'));
  if (number === undefined || headSha === undefined) return undefined;
  const headRepo = asString(field(payload, 'pull_request', 'head', 'repo', 'full_name'));
  const baseRepo = asString(field(payload, 'pull_request', 'base', 'repo', 'full_name'));
  return {
    number,
    headSha,
    baseSha: asString(field(payload, 'pull_request', 'base', 'sha')),
    fromFork: headRepo !== undefined && baseRepo !== undefined && headRepo !== baseRepo,
    changedFiles: asNumber(field(payload, 'pull_request', 'changed_files')),
  };
}

/** A push's previous head; none for a new branch (all zeros) or a deleted one. */
export function pushBefore(eventName: string, payload: Record<string, unknown>): string | undefined {
  if (eventName !== 'push' || payload.deleted === true) return undefined;
  const before = asString(payload.before);
  return before !== undefined && /^[0-9a-f]{40}$/.test(before) && !/^0+$/.test(before) ? before : undefined;
}

export class ContextError extends Error {}

export function readWorkflowContext(env: Env, payload: Record<string, unknown>): WorkflowContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) {
    throw new ContextError(`GITHUB_REPOSITORY is '${repository}'. Expected format {owner}/{repo}; run this inside GitHub Actions.`);
  }
  const workspace = env.GITHUB_WORKSPACE;
  if (!workspace) throw new ContextError('GITHUB_WORKSPACE is not set; run this inside GitHub Actions.');
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID ?? '';
  const sha = env.GITHUB_SHA ?? '';
  const pullRequest = pullRequestFromPayload(eventName, payload);
  const attempt = env.GITHUB_RUN_ATTEMPT;
  return {
    eventName,
    owner,
    repo,
    sha,
    ref: env.GITHUB_REF ?? '',
    job: env.GITHUB_JOB ?? 'preflight',
    runId,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`,
    serverUrl,
    workspace,
    pullRequest,
    headSha: pullRequest?.headSha ?? sha,
    baseSha: pullRequest ? pullRequest.baseSha : pushBefore(eventName, payload),
    actionRepository: asString(env.GITHUB_ACTION_REPOSITORY),
    actionRef: asString(env.GITHUB_ACTION_REF),
  };
}

/** Where each check's docs page lives: the action's own repository at the version in use. */
export function docsBaseUrl(context: WorkflowContext): string {
  if (context.actionRepository && context.actionRef) {
    return `${context.serverUrl}/${context.actionRepository}/blob/${context.actionRef}/`;
  }
  return `${context.serverUrl}/${context.owner}/${context.repo}/blob/${context.headSha || 'HEAD'}/`;
}
