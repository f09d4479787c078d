// The sticky comment's body: the hidden marker, the markdown report fitted to GitHub's size limit,
// the one-line fixes that could not become review suggestions, and a line saying when every earlier
// finding is gone. Pure, so its size guarantees are tested without a server.
import type { Finding } from '../findings/types.ts';
import { allFindings } from '../report/build.ts';
import { reachesFailOn } from '../report/conclusion.ts';
import { escapeMarkdown, markdownCode, neutraliseHiddenMarkers } from '../report/escape.ts';
import { renderMarkdown, type MarkdownOptions } from '../report/markdown.ts';
import type { Report } from '../report/types.ts';
import { MAX_COMMENT_CHARS } from './sticky-comment.ts';

const STATE_PREFIX = '<!-- nn-preflight-state:';
const STATE_PATTERN = /<!-- nn-preflight-state:findings=(\d+);failing=(\d+) -->/;
/** Room kept for the suggestions outside the diff, so they never crowd out the verdict. */
const MAX_SUGGESTIONS_CHARS = 12000;

export interface CommentBodyInput {
  report: Report;
  marker: string;
  markdown: MarkdownOptions;
  /** one-line fixes whose line is outside the diff (or that GitHub refused as review comments) */
  outsideDiff: readonly Finding[];
  toRepoPath: (file: string) => string;
  /** body of the comment this one replaces, if any */
  previousBody?: string;
  /** extra lines shown under the report (e.g. that the PR changes more files than GitHub lists) */
  notes?: readonly string[];
  maxChars?: number;
  /** `comment: on-findings` updating an earlier comment on a run with nothing to report */
  allClear?: boolean;
}

/**
 * Whether a report has something worth a comment under `comment: on-findings`: a warning or an error,
 * or any finding that reaches fail-on. Notices alone (no validation split, ...) are left to the job summary.
 */
export function hasFindingsToReport(report: Report): boolean {
  return allFindings(report.results).some((finding) => finding.severity !== 'notice' || reachesFailOn(finding.severity, report.failOn));
}

/** What a comment reported, kept in a hidden marker so the next run can say what got fixed. */
export interface CommentState {
  findings: number;
  /** findings that reached fail-on */
  failing: number;
}

export function stateMarker(state: CommentState): string {
  return `${STATE_PREFIX}findings=${state.findings};failing=${state.failing} -->`;
}

export function readCommentState(body: string | undefined): CommentState | undefined {
  const match = body === undefined ? null : STATE_PATTERN.exec(body);
  return match ? { findings: Number(match[1]), failing: Number(match[2]) } : undefined;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The line that tells a pull request author their push fixed what the previous run reported. */
export function fixedLine(before: CommentState | undefined, now: CommentState): string | undefined {
  if (!before) return undefined;
  if (before.findings > 0 && now.findings === 0) {
    return `> [!TIP]\n> Everything is fixed: all ${plural(before.findings, 'finding')} from the previous run are gone.`;
  }
  if (before.failing > 0 && now.failing === 0) {
    return `> [!TIP]\n> Fixed: the ${plural(before.failing, 'finding')} that failed the previous run ${before.failing === 1 ? 'is' : 'are'} gone, so this check passes now.`;
  }
  return undefined;
}

function fenceFor(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longestRun + 1));
}

/**
 * The one-line fixes whose lines the diff does not show, collapsed under one visible line: the verified
 * effect is stated once, in the report's "Fix first", not again here.
 */
export function renderOutsideDiffSuggestions(findings: readonly Finding[], toRepoPath: (file: string) => string): string {
  const withSuggestion = findings.filter((finding) => finding.suggestion);
  if (withSuggestion.length === 0) return '';
  const blocks: string[] = [];
  let length = 0;
  let left = 0;
  for (const finding of withSuggestion) {
    const suggestion = finding.suggestion!;
    const replacement = suggestion.replacement.replace(/[\r\n]+/g, ' ');
    const fence = fenceFor(replacement);
    const block = [
      `- ${markdownCode(toRepoPath(finding.file))} line ${suggestion.line} (${escapeMarkdown(finding.id, 'space')}):`,
      `  ${fence}yaml`,
      `  ${replacement}`,
      `  ${fence}`,
    ].join('\n');
    if (length + block.length + 1 > MAX_SUGGESTIONS_CHARS) {
      left++;
      continue;
    }
    blocks.push(block);
    length += block.length + 1;
  }
  if (left > 0) blocks.push(`…and ${left} more in the job summary.`);
  const n = withSuggestion.length;
  const summary = `${n} suggested line change${n === 1 ? '' : 's'} outside the diff (they cannot be review suggestions)`;
  return `<details><summary>${summary}</summary>\n\n${blocks.join('\n')}\n\n</details>`;
}

export function composeCommentBody(input: CommentBodyInput): string {
  const maxChars = input.maxChars ?? MAX_COMMENT_CHARS;
  const findings = allFindings(input.report.results);
  const now: CommentState = {
    findings: findings.length,
    failing: findings.filter((finding) => reachesFailOn(finding.severity, input.report.failOn)).length,
  };
  const head: string[] = [input.marker, stateMarker(now)];
  const before = readCommentState(input.previousBody);
  const fixed = input.allClear
    ? `> [!TIP]\n> Everything is fixed: nothing left to report on this pull request${before && before.findings > 0 ? ` (the previous run reported ${plural(before.findings, 'finding')})` : ''}.`
    : fixedLine(before, now);
  if (fixed) head.push(fixed);
  if (input.report.results.length === 0) {
    head.push('No preflight config is changed by this pull request, so there was nothing to check.');
  }
  const tail: string[] = [];
  const suggestions = renderOutsideDiffSuggestions(input.outsideDiff, input.toRepoPath);
  if (suggestions) tail.push(suggestions);
  for (const note of input.notes ?? []) tail.push(`> [!NOTE]\n> ${note}`);

  const headText = head.join('\n') + '\n\n';
  const tailText = tail.length > 0 ? neutraliseHiddenMarkers('\n' + tail.join('\n\n') + '\n') : '';
  const budget = maxChars - headText.length - tailText.length;
  const reportText = input.report.results.length === 0 ? '' : renderMarkdown(input.report, { ...input.markdown, maxChars: Math.max(0, budget) });
  const body = headText + reportText + tailText;
  // The fitted report never exceeds its budget; this only guards against notes larger than the limit.
  return body.length <= maxChars ? body : body.slice(0, maxChars);
}
