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
  /** first line of a multi-line suggestion (one root cause's changes on adjacent lines) */
  startLine?: number;
  body: string;
  finding: Finding;
  /** every finding the suggestion applies (one, or a root cause's) */
  findings: Finding[];
}

/** Findings whose one-line fixes are one verified change: posted as one suggestion when their lines are adjacent. */
export interface SuggestionGroup {
  findings: readonly Finding[];
  /** one line in words: the change and its measured effect */
  heading: string;
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

/** One suggestion that applies a root cause's fix on adjacent lines `replacements` (in line order). */
export function groupSuggestionBody(heading: string, findings: readonly Finding[], replacements: readonly string[], key: string): string {
  const text = replacements.map((line) => line.replace(/[\r\n]+/g, ' ')).join('\n');
  const fence = fenceFor(text);
  const ids = findings.map((finding) => `\`${finding.id}\``).join(', ');
  return [`**Fix first:** ${neutraliseHiddenMarkers(escapeMarkdown(heading))} (${ids})`, '', `${fence}suggestion`, text, fence, suggestionMarker(key)].join(
    '\n',
  );
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
  groups: readonly SuggestionGroup[] = [],
): SuggestionPlan {
  const linesByPath = new Map<string, Set<number>>();
  for (const file of files) {
    if (file.patch !== undefined && file.status !== 'removed') linesByPath.set(file.filename, commentableLines(file.patch));
  }
  const placeable: SuggestionComment[] = [];
  const outsideDiff: Finding[] = [];
  const taken = new Set<string>();
  const grouped = new Set<Finding>();
  // A root cause's changes on adjacent lines of one file, all in the diff: one suggestion applies them all.
  for (const group of groups) {
    const members = group.findings.filter((finding) => finding.suggestion && findings.includes(finding));
    if (members.length < 2) continue;
    const path = toRepoPath(members[0].file);
    const sorted = [...members].sort((a, b) => a.suggestion!.line - b.suggestion!.line);
    const lines = sorted.map((finding) => finding.suggestion!.line);
    const adjacent = lines.every((line, i) => i === 0 || line === lines[i - 1] + 1);
    const shown = linesByPath.get(path);
    const placeableGroup =
      adjacent &&
      sorted.every((finding) => toRepoPath(finding.file) === path && !carriesHiddenMarker(finding.suggestion!.replacement)) &&
      lines.every((line) => shown?.has(line) && !taken.has(`${path}:${line}`));
    if (!placeableGroup) continue;
    for (const line of lines) taken.add(`${path}:${line}`);
    for (const finding of sorted) grouped.add(finding);
    const body = groupSuggestionBody(
      group.heading,
      sorted,
      sorted.map((finding) => finding.suggestion!.replacement),
      key,
    );
    placeable.push({ path, startLine: lines[0], line: lines[lines.length - 1], finding: sorted[0], findings: sorted, body });
  }
  for (const finding of findings) {
    if (grouped.has(finding)) continue;
    if (!finding.suggestion) continue;
    const path = toRepoPath(finding.file);
    const line = finding.suggestion.line;
    const slot = `${path}:${line}`;
    // GitHub takes one suggestion per line; a second fix for the same line goes to the comment. A line
    // that carries a hidden marker is never posted verbatim where markers are looked up.
    if (linesByPath.get(path)?.has(line) && !taken.has(slot) && !carriesHiddenMarker(finding.suggestion.replacement)) {
      taken.add(slot);
      placeable.push({ path, line, finding, findings: [finding], body: suggestionBody(finding, finding.suggestion.replacement, key) });
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
  /** earlier suggestions marked fixed (resolveFixedSuggestions) */
  resolved: number;
}

interface OurSuggestion {
  id: number;
  path: string;
  line: number | null;
  body: string;
}

/** Our suggestions on the pull request (written by `author`, carrying the key's marker), read once per run. */
async function listOurSuggestions(octokit: GitHubClient, pr: PullRequestRef, marker: string, author: string): Promise<OurSuggestion[]> {
  const ours: OurSuggestion[] = [];
  const pages = octokit.paginate.iterator(octokit.rest.pulls.listReviewComments, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: COMMENTS_PER_PAGE,
  });
  for await (const page of pages) {
    for (const comment of page.data) {
      if (sameLogin(comment.user?.login, author) && comment.body.includes(marker))
        ours.push({ id: comment.id, path: comment.path, line: comment.line ?? null, body: comment.body });
    }
  }
  return ours;
}

/** GitHub's fields for a comment over several lines (start_line..line, both on the right side). */
function multiLine(suggestion: SuggestionComment): { start_line?: number; start_side?: 'RIGHT' } {
  return suggestion.startLine !== undefined && suggestion.startLine < suggestion.line ? { start_line: suggestion.startLine, start_side: 'RIGHT' } : {};
}

/** Posts the suggestions as one review; on a 422 each suggestion is posted on its own instead. */
export async function postSuggestionReview(
  octokit: GitHubClient,
  pr: PullRequestRef,
  headSha: string,
  suggestions: readonly SuggestionComment[],
  key: string,
  author: string,
  fixed?: FixedSuggestionsInput,
): Promise<ReviewResult> {
  const result: ReviewResult = { posted: [], alreadyPosted: [], rejected: [], resolved: 0 };
  if (suggestions.length === 0 && !fixed) return result;
  const marker = suggestionMarker(key);
  // One read serves both: which suggestions are already there, and which earlier ones are fixed now.
  const ours = await listOurSuggestions(octokit, pr, marker, author);
  if (fixed) result.resolved = await markFixed(octokit, pr, ours, fixed);
  const existing = new Set(ours.filter((c) => c.line !== null).map((c) => `${c.path}:${c.line}:${c.body}`));
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
      comments: fresh.map((s) => ({ path: s.path, line: s.line, side: 'RIGHT' as const, ...multiLine(s), body: s.body })),
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
        ...multiLine(suggestion),
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

/** Marks a suggestion of an earlier run whose fix is in: it stays as a record, without an "apply" button. */
export const RESOLVED_MARKER = '<!-- nn-preflight-resolved -->';
const SUGGESTION_FENCE = /^(`{3,})suggestion\n([\s\S]*?)\n\1$/m;

/** The lines a suggestion body proposes, or undefined when it holds no suggestion block. */
export function suggestedLines(body: string): string[] | undefined {
  const match = SUGGESTION_FENCE.exec(body);
  return match ? match[2].split('\n') : undefined;
}

/** The body an earlier suggestion gets once its fix is in: says so, and keeps the old text as a plain block. */
export function resolvedSuggestionBody(body: string, headSha: string): string {
  const plain = body.replace(SUGGESTION_FENCE, (_all, fence: string, text: string) => `${fence}yaml\n${text}\n${fence}`);
  return `✅ **Fixed** at ${headSha.slice(0, 7)}: nn-preflight no longer suggests this change (the earlier suggestion is kept below).\n\n${plain}\n${RESOLVED_MARKER}`;
}

export interface FixedSuggestionsInput {
  /** the config files (repository paths) this run checked: only their suggestions are judged */
  checkedPaths: ReadonlySet<string>;
  /** every line replacement this run suggests, as `path` + newline + the replacement line */
  standing: ReadonlySet<string>;
  headSha: string;
}

/**
 * Earlier suggestions (ours, carrying the key's marker) on configs this run checked that this run no
 * longer makes: their line was fixed or changed. Each is edited (REST `PATCH /pulls/comments/{id}`) to say
 * so and loses its suggestion block, so no stale "apply" button stays on the pull request. Returns how many.
 */
export async function resolveFixedSuggestions(
  octokit: GitHubClient,
  pr: PullRequestRef,
  key: string,
  author: string,
  input: FixedSuggestionsInput,
): Promise<number> {
  return markFixed(octokit, pr, await listOurSuggestions(octokit, pr, suggestionMarker(key), author), input);
}

async function markFixed(octokit: GitHubClient, pr: PullRequestRef, ours: readonly OurSuggestion[], input: FixedSuggestionsInput): Promise<number> {
  const stale = ours.filter((comment) => {
    if (comment.body.includes(RESOLVED_MARKER) || !input.checkedPaths.has(comment.path)) return false;
    const lines = suggestedLines(comment.body);
    return lines !== undefined && !lines.some((line) => input.standing.has(`${comment.path}\n${line}`));
  });
  for (const comment of stale) {
    await octokit.rest.pulls.updateReviewComment({
      owner: pr.owner,
      repo: pr.repo,
      comment_id: comment.id,
      body: resolvedSuggestionBody(comment.body, input.headSha),
    });
  }
  return stale.length;
}
