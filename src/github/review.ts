// Findings whose fix is one config line become one pull request review with suggestion blocks. GitHub
// only accepts review comments on lines the diff shows (added or context lines on the RIGHT side), so
// the hunks of each file's `patch` decide which lines can carry a suggestion; the rest go to the
// comment. If GitHub still rejects the review, each suggestion is tried on its own, so one line that
// cannot be placed never sinks the others.
import type { Finding } from '../findings/types.ts';
import { carriesHiddenMarker, escapeMarkdown, neutraliseHiddenMarkers } from '../report/escape.ts';
import { fixCheckLine } from '../report/markdown-counterfactual.ts';
import { errorStatus, type GitHubClient } from './client.ts';
import type { ChangedFile, PullRequestRef } from './changed-files.ts';
import { sameLogin } from './comment-author.ts';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const COMMENTS_PER_PAGE = 100;

/** RIGHT-side line numbers (added and context lines) that a unified-diff patch shows. */
export function commentableLines(patch: string): Set<number> {
  const lines = new Set<number>();
  let newLine = 0;
  let oldRemaining = 0;
  let newRemaining = 0;
  for (const text of patch.split('\n')) {
    const header = HUNK_HEADER.exec(text);
    if (header) {
      oldRemaining = header[2] === undefined ? 1 : Number(header[2]);
      newRemaining = header[4] === undefined ? 1 : Number(header[4]);
      newLine = Number(header[3]);
      continue;
    }
    if (oldRemaining <= 0 && newRemaining <= 0) continue;
    const marker = text[0];
    if (marker === '+') {
      lines.add(newLine++);
      newRemaining--;
    } else if (marker === '-') {
      oldRemaining--;
    } else if (marker === ' ' || text === '') {
      lines.add(newLine++);
      newRemaining--;
      oldRemaining--;
    }
    // "\ No newline at end of file" belongs to the line before it and takes no line number.
  }
  return lines;
}

export interface SuggestionComment {
  path: string;
  line: number;
  body: string;
  finding: Finding;
}

export interface SuggestionPlan {
  /** suggestions on lines inside the diff */
  placeable: SuggestionComment[];
  /** findings with a one-line fix whose line the diff does not show */
  outsideDiff: Finding[];
}

export function suggestionMarker(key: string): string {
  return `<!-- nn-preflight-suggestion:${key} -->`;
}

/** A fence longer than any backtick run in the text, so the suggestion cannot close it early. */
function fenceFor(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longestRun + 1));
}

/** Whether the smoke run proved this fix, when it was run; nothing otherwise. */
function verificationLines(finding: Finding): string[] {
  const line = fixCheckLine(finding);
  return line ? [line, ''] : [];
}

export function suggestionBody(finding: Finding, replacement: string, key: string): string {
  const fence = fenceFor(replacement);
  return [
    `**${escapeMarkdown(finding.title)}** (\`${finding.id}\`, ${finding.severity})`,
    '',
    neutraliseHiddenMarkers(escapeMarkdown(finding.message)),
    '',
    ...verificationLines(finding),
    `${fence}suggestion`,
    replacement.replace(/[\r\n]+/g, ' '),
    fence,
    suggestionMarker(key),
  ].join('\n');
}

/**
 * Splits the findings that carry a one-line suggestion into those the diff shows and the rest.
 * `toRepoPath` maps a finding's file (relative to the checked folder) to its path in the repository.
 */
export function planSuggestions(
  findings: readonly Finding[],
  files: readonly ChangedFile[],
  toRepoPath: (file: string) => string,
  key: string,
): SuggestionPlan {
  const linesByPath = new Map<string, Set<number>>();
  for (const file of files) {
    if (file.patch !== undefined && file.status !== 'removed') linesByPath.set(file.filename, commentableLines(file.patch));
  }
  const placeable: SuggestionComment[] = [];
  const outsideDiff: Finding[] = [];
  const taken = new Set<string>();
  for (const finding of findings) {
    if (!finding.suggestion) continue;
    const path = toRepoPath(finding.file);
    const line = finding.suggestion.line;
    const slot = `${path}:${line}`;
    // GitHub takes one suggestion per line; a second fix for the same line goes to the comment. A line
    // that carries a hidden marker is never posted verbatim where markers are looked up.
    if (linesByPath.get(path)?.has(line) && !taken.has(slot) && !carriesHiddenMarker(finding.suggestion.replacement)) {
      taken.add(slot);
      placeable.push({ path, line, finding, body: suggestionBody(finding, finding.suggestion.replacement, key) });
    } else {
      outsideDiff.push(finding);
    }
  }
  return { placeable, outsideDiff };
}

export interface ReviewResult {
  posted: SuggestionComment[];
  /** already on the pull request from an earlier run, unchanged */
  alreadyPosted: SuggestionComment[];
  /** GitHub refused these even one by one */
  rejected: SuggestionComment[];
}

async function existingSuggestionKeys(octokit: GitHubClient, pr: PullRequestRef, marker: string, author: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const pages = octokit.paginate.iterator(octokit.rest.pulls.listReviewComments, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: COMMENTS_PER_PAGE,
  });
  for await (const page of pages) {
    for (const comment of page.data) {
      if (sameLogin(comment.user?.login, author) && comment.body.includes(marker) && comment.line != null) keys.add(`${comment.path}:${comment.line}:${comment.body}`);
    }
  }
  return keys;
}

/** Posts the suggestions as one review; on a 422 each suggestion is posted on its own instead. */
export async function postSuggestionReview(
  octokit: GitHubClient,
  pr: PullRequestRef,
  headSha: string,
  suggestions: readonly SuggestionComment[],
  key: string,
  author: string,
): Promise<ReviewResult> {
  const result: ReviewResult = { posted: [], alreadyPosted: [], rejected: [] };
  if (suggestions.length === 0) return result;
  const marker = suggestionMarker(key);
  const existing = await existingSuggestionKeys(octokit, pr, marker, author);
  const fresh: SuggestionComment[] = [];
  for (const suggestion of suggestions) {
    if (existing.has(`${suggestion.path}:${suggestion.line}:${suggestion.body}`)) result.alreadyPosted.push(suggestion);
    else fresh.push(suggestion);
  }
  if (fresh.length === 0) return result;
  try {
    await octokit.rest.pulls.createReview({
      owner: pr.owner,
      repo: pr.repo,
      pull_number: pr.pullNumber,
      commit_id: headSha,
      event: 'COMMENT',
      body: `nn-preflight suggests ${fresh.length} one-line fix${fresh.length === 1 ? '' : 'es'}.\n${marker}`,
      comments: fresh.map((s) => ({ path: s.path, line: s.line, side: 'RIGHT' as const, body: s.body })),
    });
    result.posted.push(...fresh);
    return result;
  } catch (error) {
    if (errorStatus(error) !== 422) throw error;
  }
  for (const suggestion of fresh) {
    try {
      await octokit.rest.pulls.createReviewComment({
        owner: pr.owner,
        repo: pr.repo,
        pull_number: pr.pullNumber,
        commit_id: headSha,
        path: suggestion.path,
        line: suggestion.line,
        side: 'RIGHT',
        body: suggestion.body,
      });
      result.posted.push(suggestion);
    } catch (error) {
      if (errorStatus(error) !== 422) throw error;
      result.rejected.push(suggestion);
    }
  }
  return result;
}
