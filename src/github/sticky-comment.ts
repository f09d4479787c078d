// One comment per pull request and workflow job, found again by a hidden marker and edited in place,
// so reruns and later pushes update the same comment instead of piling up new ones.
import type { GitHubClient } from './client.ts';
import type { PullRequestRef } from './changed-files.ts';
import { sameLogin } from './comment-author.ts';

/** GitHub rejects issue comment bodies longer than this (422 "Body is too long"). */
export const MAX_COMMENT_CHARS = 65536;
const COMMENTS_PER_PAGE = 100;

export function stickyMarker(key: string): string {
  return `<!-- nn-preflight:${key} -->`;
}

export interface StickyComment {
  id: number;
  body: string;
  url: string;
}

export interface UpsertResult {
  action: 'created' | 'updated' | 'skipped';
  comment?: StickyComment;
  /** the body of the comment before this update, when there was one */
  previousBody?: string;
}

/**
 * The newest comment that `author` (the identity the token acts as) wrote and that starts with the
 * marker, read through every page of the pull request's comments. Anyone can write the marker; taking
 * their comment would put the report under their name, or leave ours stale where we may not edit theirs.
 */
export async function findStickyComment(octokit: GitHubClient, pr: PullRequestRef, marker: string, author: string): Promise<StickyComment | undefined> {
  let found: StickyComment | undefined;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.pullNumber,
    per_page: COMMENTS_PER_PAGE,
  });
  for await (const page of pages) {
    for (const comment of page.data) {
      if (sameLogin(comment.user?.login, author) && comment.body?.startsWith(marker)) found = { id: comment.id, body: comment.body, url: comment.html_url };
    }
  }
  return found;
}

/**
 * Creates the comment, or (mode `update`) edits the one that carries the marker. `body` must already
 * carry the marker and fit in MAX_COMMENT_CHARS; `renderBody` gets the previous body so that the new
 * one can say what changed (for instance that every earlier finding is fixed), and returns undefined
 * when there is nothing worth a comment.
 */
export async function upsertStickyComment(
  octokit: GitHubClient,
  pr: PullRequestRef,
  marker: string,
  author: string,
  mode: 'update' | 'new',
  renderBody: (previousBody: string | undefined) => string | undefined,
): Promise<UpsertResult> {
  const existing = await findStickyComment(octokit, pr, marker, author);
  const body = renderBody(existing?.body);
  if (body === undefined) return { action: 'skipped', previousBody: existing?.body };
  if (body.length > MAX_COMMENT_CHARS) {
    throw new Error(`comment body has ${body.length} characters, more than GitHub's ${MAX_COMMENT_CHARS}`);
  }
  if (existing && mode === 'update') {
    const { data } = await octokit.rest.issues.updateComment({
      owner: pr.owner,
      repo: pr.repo,
      comment_id: existing.id,
      body,
    });
    return { action: 'updated', comment: { id: data.id, body, url: data.html_url }, previousBody: existing.body };
  }
  const { data } = await octokit.rest.issues.createComment({
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.pullNumber,
    body,
  });
  return { action: 'created', comment: { id: data.id, body, url: data.html_url }, previousBody: existing?.body };
}
