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
): Promise<OpenPullRequest | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, per_page: 100 });
  const match = data.find((pull) => pull.state === 'open' && pull.head.sha === sha);
  return match ? { number: match.number, headSha: match.head.sha, url: match.html_url } : undefined;
}
