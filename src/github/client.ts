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
        onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
          log.warning(`GitHub rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter}s.`);
          return retryCount < MAX_RETRIES;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          log.warning(`GitHub secondary rate limit hit on ${request.method} ${request.url}; retrying in ${retryAfter}s.`);
          return retryCount < MAX_RETRIES;
        },
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
