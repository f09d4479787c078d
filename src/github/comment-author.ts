// Whose comments the action may take as its own. The sticky comment is found by its marker, and anyone
// can write a marker, so only comments by the identity the token acts as count:
// - a GitHub App installation token (`ghs_`, which GITHUB_TOKEN is) comments as the app's bot user:
//   `github-actions[bot]` for GITHUB_TOKEN; for another app, configure its login (`my-app[bot]`).
//   GET /user answers 403 for such tokens, so it is not asked.
// - any other token (a personal access token, an app's user token) acts as a user: GET /user says who.
import { errorStatus, type GitHubClient, type GitHubLog } from './client.ts';

export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';
const INSTALLATION_TOKEN_PREFIX = 'ghs_';

/** A GitHub login, optionally a bot's (`name[bot]`). */
export const LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

export async function resolveCommentAuthor(octokit: GitHubClient, token: string, log: GitHubLog, configured?: string): Promise<string> {
  if (configured) return configured;
  if (token.startsWith(INSTALLATION_TOKEN_PREFIX)) return GITHUB_ACTIONS_BOT;
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    if (typeof data.login === 'string' && LOGIN_PATTERN.test(data.login)) return data.login;
  } catch (error) {
    // Not knowing who we are must never let us edit someone else's comment: the fallback only ever
    // matches the Actions bot, at worst a fresh comment is posted.
    log.info(
      `Could not tell which account the token acts as (GET /user: HTTP ${errorStatus(error) ?? '?'}); taking comments by ${GITHUB_ACTIONS_BOT} as the action's own.`,
    );
  }
  return GITHUB_ACTIONS_BOT;
}

/** GitHub logins are case-insensitive. */
export function sameLogin(a: string | undefined | null, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}
