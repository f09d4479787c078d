// The one Octokit the action uses: @actions/github's client (proxy support, GITHUB_API_URL) plus the
// retry plugin (5xx, with growing waits) and the throttling plugin (primary and secondary rate limits,
// honouring `retry-after`), so no module here writes its own retry loop.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

/** Where log lines from the GitHub layer go; main.ts wires it to @actions/core. */
export interface GitHubLog {
  info(message: string): void;
  warning(message: string): void;
}

/** How often a request that hit a rate limit or a server error is tried again. */
export const MAX_RETRIES = 3;
/**
 * Longest rate-limit wait worth sitting through. A primary limit can reset an hour later; a job that
 * waits that long holds a runner, so past this the request fails and becomes a warning instead.
 */
export const MAX_RATE_LIMIT_WAIT_S = 120;

type LimitRequest = { method: string; url: string };

function limitHandler(kind: string, log: GitHubLog) {
  return (retryAfter: number, request: LimitRequest, _octokit: unknown, retryCount: number): boolean => {
    const retry = retryCount < MAX_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
    log.warning(`GitHub ${kind} hit on ${request.method} ${request.url}; ${retry ? `retrying in ${retryAfter}s` : 'giving up'}.`);
    return retry;
  };
}

export interface ClientOptions {
  /** milliseconds per second of `retry-after` and of the retry plugin's backoff; 1000 in production */
  retryAfterBaseMs?: number;
}

export function createGitHubClient(token: string, log: GitHubLog, options: ClientOptions = {}): GitHubClient {
  const retryAfterBaseValue = options.retryAfterBaseMs ?? 1000;
  return getOctokit(
    token,
    {
      retry: { retries: MAX_RETRIES, retryAfterBaseValue },
      throttle: {
        retryAfterBaseValue,
        onRateLimit: limitHandler('rate limit', log),
        onSecondaryRateLimit: limitHandler('secondary rate limit', log),
      },
    },
    retry,
    throttling,
  );
}

/** The HTTP status of a failed Octokit request, when it has one. */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

/** One line that says what failed and why, for the job summary and the log. */
export function describeGitHubError(action: string, error: unknown): string {
  const status = errorStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    status === 403
      ? ' The token lacks permission (a pull request from a fork gets a read-only token; see the docs on fork pull requests).'
      : status === 404
        ? ' Not found, or the token cannot see it.'
        : '';
  return `Could not ${action}: ${status !== undefined ? `HTTP ${status}: ` : ''}${message}.${hint}`;
}
