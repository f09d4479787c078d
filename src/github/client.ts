// The one Octokit the action uses: @actions/github's client (proxy support, GITHUB_API_URL) plus the
// retry plugin (5xx and timeouts, with growing waits) and the throttling plugin (primary and secondary
// rate limits, honouring `retry-after`), so no module here writes its own retry loop. Every request has
// a timeout, so a request GitHub never answers costs seconds, not the job's six hours.
import { getOctokit } from '@actions/github';
import { defaults as actionsDefaults } from '@actions/github/lib/utils';
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

/** Longest wait for one request (answer and body) before it counts as failed. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ClientOptions {
  /** milliseconds per second of `retry-after` and of the retry plugin's backoff; 1000 in production */
  retryAfterBaseMs?: number;
  /** per-request timeout; REQUEST_TIMEOUT_MS in production */
  requestTimeoutMs?: number;
  /** the REST API's address; default GITHUB_API_URL as @actions/github read it when it was loaded (tests pass their local server) */
  baseUrl?: string;
}

type Fetch = typeof fetch;

/** Each attempt gets its own deadline, so a retry after a timeout starts with a fresh one. */
function fetchWithTimeout(inner: Fetch, timeoutMs: number): Fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return inner(input, { ...init, signal });
  };
}

export function createGitHubClient(token: string, log: GitHubLog, options: ClientOptions = {}): GitHubClient {
  const retryAfterBaseValue = options.retryAfterBaseMs ?? 1000;
  const baseFetch = (actionsDefaults.request?.fetch as Fetch | undefined) ?? fetch;
  const octokit = getOctokit(
    token,
    {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      request: { fetch: fetchWithTimeout(baseFetch, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS) },
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
  // A POST that failed with a 5xx or timed out may still have been carried out (a comment created, a
  // review posted); sending it again could post it twice, so only rate-limit refusals, which GitHub
  // makes before doing anything, are retried for POST.
  octokit.hook.before('request', (request) => {
    if (request.method === 'POST') request.request = { ...request.request, retries: 0 };
  });
  return octokit;
}

/** The HTTP status of a failed Octokit request, when it has one. */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

/** How often a read-then-write operation is run again after its write failed with a 5xx or a timeout. */
export const OPERATION_RETRIES = 2;

/**
 * A POST that failed in a way that may or may not have landed (a 5xx, no answer in time). Such a write is
 * not sent again as is; the operation around it is, since it reads GitHub's state first.
 */
export function isUncertainWrite(error: unknown): boolean {
  const method = (error as { request?: { method?: unknown } } | null)?.request?.method;
  const status = errorStatus(error);
  return method === 'POST' && (isTimeout(error) || (status !== undefined && status >= 500));
}

/**
 * Runs `operation` again after an uncertain write. Only for operations that read before they write
 * (the sticky comment found by its marker, suggestions already on the pull request), so a write that
 * did land is found on the next attempt and not repeated.
 */
export async function retryReadThenWrite<T>(operation: () => Promise<T>, what: string, log: GitHubLog): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= OPERATION_RETRIES || !isUncertainWrite(error)) throw error;
      log.info(
        `Trying again to ${what} (${isTimeout(error) ? 'no answer in time' : `HTTP ${errorStatus(error)}`}); GitHub's state is read first, so nothing is posted twice.`,
      );
    }
  }
}

/** The request got no answer in time (the fetch was aborted by its deadline). */
export function isTimeout(error: unknown): boolean {
  const names = [error, (error as { cause?: unknown } | null)?.cause].map((e) => (e as { name?: unknown } | null)?.name);
  return names.includes('TimeoutError');
}

/** One line that says what failed and why, for the job summary and the log. */
export function describeGitHubError(action: string, error: unknown): string {
  if (isTimeout(error)) return `Could not ${action}: GitHub did not answer in time.`;
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
