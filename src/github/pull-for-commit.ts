// On push, workflow_dispatch and workflow_run there is no pull request in the event: the open pull
// request whose head is the commit being checked is looked up, so the comment lands where people look.
import type { GitHubClient } from './client.ts';

export interface OpenPullRequest {
  number: number;
  headSha: string;
  url: string;
}

/**
 * The open pull request whose head commit is `sha`, via "List pull requests associated with a commit".
 * A pull request whose head has since moved on is not returned: a report for an older commit would
 * overwrite a newer one.
 */
export async function findOpenPullForCommit(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  sha: string,
  headRepo?: string,
): Promise<OpenPullRequest | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, per_page: 100 });
  const match = data.find((pull) => pull.state === 'open' && pull.head.sha === sha && headFrom(pull, headRepo));
  return match ? { number: match.number, headSha: match.head.sha, url: match.html_url } : undefined;
}

/** Open pull requests scanned for a matching head when the commit look-up finds none (fork heads). */
const MAX_OPEN_PULLS_SCANNED = 1000;

/**
 * The open pull request whose head is `sha`. For a pull request from a fork the commit look-up can
 * come back empty, so the open pull requests are scanned by head commit as well.
 */
export async function findOpenPullByHeadSha(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  sha: string,
  headRepo?: string,
): Promise<OpenPullRequest | undefined> {
  const direct = await findOpenPullForCommit(octokit, owner, repo, sha, headRepo);
  if (direct) return direct;
  let scanned = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 })) {
    const match = page.data.find((pull) => pull.head.sha === sha && headFrom(pull, headRepo));
    if (match) return { number: match.number, headSha: match.head.sha, url: match.html_url };
    scanned += page.data.length;
    if (scanned >= MAX_OPEN_PULLS_SCANNED) break;
  }
  return undefined;
}

/**
 * Whether the pull request's head lives in `headRepo` (owner/name), when one is given. Anyone can open a
 * pull request whose head is a commit copied from another fork; the repository tells them apart.
 */
function headFrom(pull: { head: { repo?: { full_name?: string } | null } }, headRepo: string | undefined): boolean {
  if (headRepo === undefined) return true;
  return pull.head.repo?.full_name?.toLowerCase() === headRepo.toLowerCase();
}
