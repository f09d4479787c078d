// Everything the action posts on a pull request, in order: the review with one-line suggestions (so
// the comment knows which fixes could not be placed), then the sticky comment. Each GitHub failure
// becomes a warning line; nothing here throws, so a refused request never loses the findings.
import type { Finding } from '../findings/types.ts';
import { allFindings } from '../report/build.ts';
import type { MarkdownOptions } from '../report/markdown.ts';
import type { Report } from '../report/types.ts';
import { describeGitHubError, retryReadThenWrite, type GitHubClient, type GitHubLog } from './client.ts';
import { listChangedFiles, type ChangedFile, type PullRequestRef } from './changed-files.ts';
import { composeCommentBody, hasFindingsToReport } from './comment-body.ts';
import { planSuggestions, postSuggestionReview, resolveFixedSuggestions, type SuggestionGroup } from './review.ts';
import { describeEffect, layoutOf } from '../report/layout.ts';
import { stickyMarker, upsertStickyComment } from './sticky-comment.ts';

export interface PublishRequest {
  pr: PullRequestRef;
  headSha: string;
  report: Report;
  /** the key in the hidden markers (normally the workflow job id) */
  key: string;
  /** the login the token acts as: only its comments are taken as ours (comment-author.ts) */
  author: string;
  /** `on-findings`: as `update`, but a run with no finding posts nothing unless an earlier comment is there to update */
  comment: 'update' | 'new' | 'off' | 'on-findings';
  suggestions: boolean;
  /** the pull request's files when the caller already has them */
  changedFiles?: readonly ChangedFile[];
  toRepoPath: (file: string) => string;
  markdown: MarkdownOptions;
  notes?: readonly string[];
  /** set when the report comes from another run (the workflow_run publisher): said above each suggestion */
  provenance?: string;
}

export interface PublishOutcome {
  warnings: string[];
  commentUrl?: string;
  commentAction?: 'created' | 'updated' | 'skipped';
  suggestionsPosted: number;
  /** one-line fixes that went to the comment instead of the review */
  suggestionsInComment: number;
  /** earlier suggestions marked fixed because this run no longer makes them */
  suggestionsResolved: number;
}

export async function publishToPullRequest(octokit: GitHubClient, request: PublishRequest, log: GitHubLog): Promise<PublishOutcome> {
  const outcome: PublishOutcome = { warnings: [], suggestionsPosted: 0, suggestionsInComment: 0, suggestionsResolved: 0 };
  const warn = (line: string) => {
    outcome.warnings.push(line);
    log.warning(line);
  };
  const withSuggestion = allFindings(request.report.results).filter((finding) => finding.suggestion !== undefined);
  let outsideDiff: Finding[] = withSuggestion;
  // Earlier suggestions on the configs this run checked that it no longer makes are marked fixed.
  const fixed = {
    checkedPaths: new Set(request.report.results.map((result) => request.toRepoPath(result.config))),
    standing: new Set(withSuggestion.map((finding) => `${request.toRepoPath(finding.file)}\n${finding.suggestion!.replacement.replace(/[\r\n]+/g, ' ')}`)),
    headSha: request.headSha,
  };

  if (request.suggestions && withSuggestion.length > 0) {
    let files = request.changedFiles;
    if (files === undefined) {
      try {
        files = (await listChangedFiles(octokit, request.pr)).files;
      } catch (error) {
        warn(describeGitHubError(`list the files of pull request #${request.pr.pullNumber}`, error));
        files = [];
      }
    }
    const plan = planSuggestions(withSuggestion, files, request.toRepoPath, request.key, suggestionGroups(request.report));
    if (request.provenance) plan.placeable = plan.placeable.map((s) => ({ ...s, body: `_${request.provenance}_\n\n${s.body}` }));
    outsideDiff = plan.outsideDiff;
    try {
      const review = await retryReadThenWrite(
        () => postSuggestionReview(octokit, request.pr, request.headSha, plan.placeable, request.key, request.author, fixed),
        'post the review with suggested fixes',
        log,
      );
      outcome.suggestionsPosted = review.posted.length + review.alreadyPosted.length;
      outcome.suggestionsResolved = review.resolved;
      outsideDiff = [...outsideDiff, ...review.rejected.map((s) => s.finding)];
      if (review.rejected.length > 0) {
        warn(`GitHub refused ${review.rejected.length} suggestion(s) as review comments; they are in the comment instead.`);
      }
    } catch (error) {
      warn(describeGitHubError('post the review with suggested fixes', error));
      outsideDiff = [...outsideDiff, ...plan.placeable.map((s) => s.finding)];
    }
  }
  outcome.suggestionsInComment = outsideDiff.length;
  if (request.suggestions && withSuggestion.length === 0) {
    // Nothing to suggest now: only the earlier suggestions are to be read (and marked fixed).
    try {
      outcome.suggestionsResolved = await resolveFixedSuggestions(octokit, request.pr, request.key, request.author, fixed);
    } catch (error) {
      warn(describeGitHubError('mark earlier suggestions as fixed', error));
    }
  }
  if (outcome.suggestionsResolved > 0) log.info(`Marked ${outcome.suggestionsResolved} earlier suggestion(s) as fixed.`);

  const mode = request.comment;
  if (mode === 'off') return outcome;
  const nothingToReport = !hasFindingsToReport(request.report);
  const marker = stickyMarker(request.key);
  try {
    const upsert = () =>
      upsertStickyComment(octokit, request.pr, marker, request.author, mode === 'new' ? 'new' : 'update', (previousBody) => {
        // A pull request that touches no config gets no new comment; an earlier one is still brought up to date.
        if (request.report.results.length === 0 && previousBody === undefined) return undefined;
        // `on-findings`: a clean pull request gets no comment; an earlier one is updated to say all is fixed.
        if (mode === 'on-findings' && nothingToReport && previousBody === undefined) return undefined;
        return composeCommentBody({
          report: request.report,
          marker,
          markdown: request.markdown,
          outsideDiff,
          toRepoPath: request.toRepoPath,
          previousBody,
          notes: request.notes,
          allClear: mode === 'on-findings' && nothingToReport,
        });
      });
    // With `comment: new` every run adds a comment, so there a write that may have landed is not tried again.
    const result = mode === 'new' ? await upsert() : await retryReadThenWrite(upsert, 'post the comment', log);
    outcome.commentAction = result.action;
    outcome.commentUrl = result.comment?.url;
    if (result.comment) log.info(`Comment ${result.action}: ${result.comment.url}`);
  } catch (error) {
    warn(describeGitHubError(`post the comment on pull request #${request.pr.pullNumber}`, error));
  }
  return outcome;
}

/** Each root cause's findings, so that one suggestion can apply its whole verified fix. */
function suggestionGroups(report: Report): SuggestionGroup[] {
  return report.results.flatMap((result) =>
    layoutOf(result).rootCauses.map((cause) => ({
      findings: cause.causes,
      heading: `${cause.changes.join(' + ')}; verified: ${describeEffect(cause.effect)}`,
    })),
  );
}
