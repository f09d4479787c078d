// The markdown report (PR comment, job summary, report.md), read in ten seconds: the verdict, then per
// config "Fix first" (each verified fix once, with its effect and the findings it answers and removes),
// every other finding on one line, the details collapsed, the loss chart and a footnote with the run's
// facts (src/report/layout.ts). `fitToLimit` shortens it for GitHub's size limits.
import type { Severity } from '../config/types.ts';
import type { Finding } from '../findings/types.ts';
import { SEVERITIES, severityRank } from './conclusion.ts';
import { findingLocation, sortBySeverity } from './describe.ts';
import { escapeMarkdown, markdownCode, neutraliseHiddenMarkers, truncate } from './escape.ts';
import { renderEvidence } from './markdown-evidence.ts';
import { isSafeUrl, linkTarget } from './markdown-links.ts';
import { renderLossSection } from './markdown-loss.ts';
import { fixProofOf, renderComparison, renderFixCheck } from './markdown-counterfactual.ts';
import { describeEffect, fixFirstWords, fixWithoutVerification, headlineOf, layoutOf, runFactsWords, suggestionsOf, type RootCause } from './layout.ts';
import type { ConfigResult, Report, SuppressedFinding } from './types.ts';

export { renderMermaidLossChart } from './mermaid.ts';

export interface MarkdownOptions {
  /** config path (or name) -> SVG chart path relative to the markdown file */
  charts?: Record<string, string>;
  /** prefix for each finding's `docs` path, e.g. `https://github.com/OWNER/nn-preflight/blob/v1/` */
  docsBaseUrl?: string;
  /** link to the workflow run that holds the full report */
  runUrl?: string;
  mermaid?: boolean;
  maxChars?: number;
  heading?: string;
  /** config path -> ready Mermaid blocks of the evidence its findings call for (feature scales, gradient norms) */
  evidenceCharts?: Record<string, string[]>;
  /** where the self-contained HTML report is (a file next to the markdown, or the run holding it as an artifact) */
  htmlReportUrl?: string;
}

/** What a shortened rendering leaves out. */
export interface Omission {
  evidence: boolean;
  charts: boolean;
  /** how many finding rows to keep, most severe first over all configs; all when undefined */
  rowLimit?: number;
}

const NOTHING_OMITTED: Omission = { evidence: false, charts: false };
const DEFAULT_HEADING = 'nn-preflight';

const SEVERITY_BADGE: Record<Severity, string> = { error: '🔴 error', warning: '🟡 warning', notice: '🔵 notice' };

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  if (options.maxChars !== undefined) return fitToLimit(report, options, options.maxChars);
  return renderWithOmission(report, options, NOTHING_OMITTED);
}

/**
 * The longest rendering that fits in `maxChars`: drops evidence blocks, then charts, then finding
 * rows from the least severe up, and says what it left out. Pure, and never longer than `maxChars`.
 */
export function fitToLimit(report: Report, options: MarkdownOptions, maxChars: number): string {
  const fits = (text: string) => text.length <= maxChars;
  const attempts: Omission[] = [NOTHING_OMITTED, { evidence: true, charts: false }, { evidence: true, charts: true }];
  for (const omission of attempts) {
    const text = renderWithOmission(report, options, omission);
    if (fits(text)) return text;
  }

  const total = report.results.reduce((n, result) => n + result.findings.length, 0);
  const render = (rowLimit: number) => renderWithOmission(report, options, { evidence: true, charts: true, rowLimit });
  // Length grows with the number of rows kept, so search for the largest count that fits.
  let low = 0;
  let high = total - 1;
  let best: string | undefined;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const text = render(mid);
    if (fits(text)) {
      best = text;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  if (best !== undefined) return best;

  const summaryOnly = renderSummaryOnly(report, options, total);
  if (fits(summaryOnly)) return summaryOnly;
  return cutToLength(summaryOnly, maxChars);
}

/** The longest prefix within `maxChars` UTF-16 units that does not split a character. */
function cutToLength(text: string, maxChars: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > maxChars) break;
    out += ch;
  }
  return out;
}

function renderWithOmission(report: Report, options: MarkdownOptions, omission: Omission): string {
  const kept = keptFindings(report, omission.rowLimit);
  const blocks = [renderHeader(report, options)];
  for (const result of report.results) blocks.push(renderResult(result, options, omission, kept));
  const note = omissionNote(report, omission, kept, options.runUrl);
  if (note) blocks.push(note);
  return neutraliseHiddenMarkers(blocks.join('\n\n') + '\n');
}

function renderHeader(report: Report, options: MarkdownOptions): string {
  const heading = `## ${escapeMarkdown(options.heading ?? DEFAULT_HEADING, 'space')}`;
  const verdict = report.conclusion === 'failure' ? '❌ **Failure**' : '✅ **Success**';
  const configs = `${report.results.length} config${report.results.length === 1 ? '' : 's'}`;
  const total = report.counts.error + report.counts.warning + report.counts.notice;
  // Only the severities present: "7 warnings, 1 notice" reads faster than a list with zeros.
  const present = SEVERITIES.filter((severity) => report.counts[severity] > 0).map(
    (severity) => `${report.counts[severity]} ${severity}${report.counts[severity] === 1 ? '' : 's'}`,
  );
  const counts = total === 0 ? 'no findings' : present.join(', ');
  const first = fixFirstWords(report.results);
  let line = `${verdict}: ${counts} in ${configs} (fail-on: \`${report.failOn}\`)${first ? ` · ${first}` : ''}.`;
  if (options.runUrl && isSafeUrl(options.runUrl)) line += ` [Workflow run](${linkTarget(options.runUrl)})`;
  const html = options.htmlReportUrl;
  // A plain file name (report.html beside report.md) or an http(s) link; nothing else becomes a link.
  if (html && (/^[\w.-]+\.html$/.test(html) || isSafeUrl(html))) line += ` · [Visual report (data, curves, layers)](${linkTarget(html)})`;
  return `${heading}\n\n${line}`;
}

function renderResult(result: ConfigResult, options: MarkdownOptions, omission: Omission, kept: Set<Finding>): string {
  const icon = resultIcon(result);
  const parts = [`### ${icon} ${escapeMarkdown(result.name, 'space')} · ${markdownCode(result.config)}`];
  const layout = layoutOf(result);
  const link = (finding: Finding) => checkLink(finding, options.docsBaseUrl);
  const line = (finding: Finding) => findingLine(finding, link, result.config);

  if (result.findings.length === 0) parts.push('No findings.');
  if (layout.rootCauses.length > 0) {
    const items = layout.rootCauses.map((cause, index) => renderRootCause(cause, index, line, kept));
    parts.push(`**Fix first**\n\n${items.join('\n')}`);
  }
  const others = layout.others.filter((finding) => kept.has(finding));
  if (others.length > 0) {
    const title = layout.rootCauses.length > 0 ? '**Other findings**' : '**Findings**';
    parts.push(`${title}\n\n${others.map((finding) => `- ${line(finding)}`).join('\n')}`);
  }
  const hidden = result.findings.filter((finding) => !kept.has(finding) && !layout.rootCauses.some((c) => c.causes.includes(finding))).length;
  if (hidden > 0) parts.push(`_${hidden} more finding${hidden === 1 ? '' : 's'} not shown (see the note at the end)._`);
  if (result.suppressed?.length) parts.push(renderSuppressed(result.suppressed, options));
  if (result.comparison) parts.push(renderComparisonLine(result.comparison));

  const details = omission.evidence ? [] : renderDetails(result, layout.rootCauses, kept, omission, options);
  if (details.length > 0) parts.push(`<details><summary>Details: messages, fixes, evidence</summary>\n\n${details.join('\n\n')}\n\n</details>`);
  if (!omission.charts && result.smoke) {
    const chart = renderLossSection(result, result.smoke, {
      mermaid: options.mermaid,
      svgPath: options.charts?.[result.config] ?? options.charts?.[result.name],
    });
    if (chart) parts.push(chart);
  }
  const facts = runFactsWords(result);
  if (facts) parts.push(`<sub>${escapeMarkdown(facts, 'space')}</sub>`);
  return parts.join('\n\n');
}

/** A root cause: its fix once, with the measured effect, then the findings it answers and those it removes. */
function renderRootCause(cause: RootCause, index: number, line: (finding: Finding) => string, kept: Set<Finding>): string {
  const changes = cause.changes.map(changeWords).join(' + ');
  const lines = [
    `${index + 1}. **${cause.changes.length > 1 ? 'Apply together' : 'Apply'}:** ${changes} — ✅ verified: ${escapeMarkdown(describeEffect(cause.effect), 'space')}.`,
  ];
  const lineNumbers = suggestionsOf(cause).map((finding) => finding.suggestion!.line);
  if (lineNumbers.length > 0) lines[0] += ` Config line${lineNumbers.length === 1 ? '' : 's'} ${lineNumbers.join(', ')}.`;
  for (const finding of cause.causes) lines.push(`   - ${line(finding)}`);
  const symptoms = cause.symptoms.filter((finding) => kept.has(finding));
  for (const finding of symptoms) lines.push(`     - ↳ ${line(finding)} _(gone with this fix)_`);
  return lines.join('\n');
}

/** A config change as code when it reads like `key: value`, as words otherwise. */
function changeWords(change: string): string {
  return /^[\w.[\]-]+: \S+$/.test(change) ? markdownCode(change) : escapeMarkdown(change, 'space');
}

/** Severity, check id linked to its docs page, the finding's one sentence, and where (the line alone in the config the heading names). */
function findingLine(finding: Finding, link: (finding: Finding) => string, config: string): string {
  const where = finding.file === config && finding.line !== undefined ? `line ${finding.line}` : markdownCode(findingLocation(finding));
  return `${SEVERITY_BADGE[finding.severity]} ${link(finding)}: ${escapeMarkdown(headlineOf(finding), 'space')} (${where})`;
}

function renderComparisonLine(comparison: NonNullable<ConfigResult['comparison']>): string {
  const full = renderComparison(comparison);
  const [first, ...rest] = full.split('\n');
  return rest.length === 0 ? first : `${first}\n\n<details><summary>Base comparison numbers</summary>\n\n${rest.join('\n').trim()}\n\n</details>`;
}

/** Each finding's full message and fix, its evidence, and each fix check: everything the one-line view leaves out. */
function renderDetails(result: ConfigResult, rootCauses: readonly RootCause[], kept: Set<Finding>, omission: Omission, options: MarkdownOptions): string[] {
  const blocks: string[] = [];
  const causes = new Set(rootCauses.flatMap((cause) => cause.causes));
  for (const finding of sortBySeverity(result.findings)) {
    if (!kept.has(finding) && !causes.has(finding)) continue;
    const head = `**${escapeMarkdown(finding.id, 'space')}** · ${escapeMarkdown(finding.title, 'space')} · ${markdownCode(findingLocation(finding))}`;
    const body = [head, escapeMarkdown(finding.message)];
    const fix = fixWithoutVerification(finding);
    if (fix) body.push(`Fix: ${escapeMarkdown(fix)}`);
    blocks.push(body.join('\n\n'));
    const evidence = renderEvidence(finding, false);
    if (evidence) blocks.push(evidence);
    // A root cause's effect is stated once, in "Fix first": only its first finding keeps the before/after chart, and
    // a fix verified only together shows no solo "not verified" block beside it.
    const cause = rootCauses.find((c) => c.causes.includes(finding));
    const showFixCheck = !cause || (cause.causes[0] === finding && fixProofOf(finding) === 'verified');
    const fixCheck = showFixCheck ? renderFixCheck(finding) : undefined;
    if (fixCheck) blocks.push(fixCheck);
  }
  if (!omission.charts) blocks.push(...(options.evidenceCharts?.[result.config] ?? []));
  return blocks;
}

function resultIcon(result: ConfigResult): string {
  const worst = Math.max(0, ...result.findings.map((finding) => severityRank(finding.severity)));
  if (worst >= severityRank('error')) return '❌';
  if (worst >= severityRank('warning')) return '⚠️';
  return '✅';
}

/** Rows of suppressed findings shown per config; the rest are in report.json. */
const SUPPRESSED_ROWS = 30;
/** A suppressed finding's message and reason are cut here in its table row. */
const FIX_CELL_CHARS = 300;

/** Findings a disable comment silenced, folded away with each comment's reason: visible, not counted. */
function renderSuppressed(suppressed: readonly SuppressedFinding[], options: MarkdownOptions): string {
  const rows = ['| Severity | Check | Location | Finding | Reason (disable comment) |', '|---|---|---|---|---|'];
  for (const finding of suppressed.slice(0, SUPPRESSED_ROWS)) {
    rows.push(
      `| ${[
        SEVERITY_BADGE[finding.severity],
        checkLink(finding, options.docsBaseUrl),
        markdownCode(findingLocation(finding)),
        escapeMarkdown(truncate(finding.message, FIX_CELL_CHARS)),
        `${escapeMarkdown(truncate(finding.suppression.reason, FIX_CELL_CHARS))} (line ${finding.suppression.line})`,
      ].join(' | ')} |`,
    );
  }
  const more = suppressed.length > SUPPRESSED_ROWS ? `\n\n_${suppressed.length - SUPPRESSED_ROWS} more in report.json._` : '';
  const count = `${suppressed.length} suppressed finding${suppressed.length === 1 ? '' : 's'}`;
  return `<details><summary>${count} (silenced by a disable comment; not counted toward fail-on)</summary>\n\n${rows.join('\n')}${more}\n\n</details>`;
}

function checkLink(finding: Finding, docsBaseUrl: string | undefined): string {
  const label = escapeMarkdown(finding.id, 'space');
  if (!docsBaseUrl || !isSafeUrl(docsBaseUrl) || !/^[\w./-]+$/.test(finding.docs) || finding.docs.includes('..')) {
    return label;
  }
  const base = docsBaseUrl.endsWith('/') ? docsBaseUrl : `${docsBaseUrl}/`;
  return `[${label}](${linkTarget(base + finding.docs.replace(/^\.?\//, ''))})`;
}

/** The findings that keep their table row: all, or the `rowLimit` most severe over all configs. */
function keptFindings(report: Report, rowLimit: number | undefined): Set<Finding> {
  const ranked = report.results.flatMap((result) => sortBySeverity(result.findings));
  if (rowLimit === undefined) return new Set(ranked);
  const order = ranked
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || a.index - b.index);
  return new Set(order.slice(0, Math.max(0, rowLimit)).map(({ finding }) => finding));
}

function omissionNote(report: Report, omission: Omission, kept: Set<Finding>, runUrl: string | undefined): string | undefined {
  const left: string[] = [];
  if (omission.evidence) left.push('evidence details');
  if (omission.charts) left.push('loss charts');
  const dropped = droppedCounts(report, kept);
  const droppedTotal = SEVERITIES.reduce((n, severity) => n + dropped[severity], 0);
  if (droppedTotal > 0) {
    const bySeverity = SEVERITIES.filter((s) => dropped[s] > 0).map((s) => `${dropped[s]} ${s}${dropped[s] === 1 ? '' : 's'}`);
    left.push(`${droppedTotal} finding row${droppedTotal === 1 ? '' : 's'} (${bySeverity.join(', ')})`);
  }
  if (left.length === 0) return undefined;
  return omittedNote(left, runUrl);
}

function omittedNote(left: string[], runUrl: string | undefined): string {
  let note = `> [!NOTE]\n> This report was shortened to fit the size limit. Left out: ${left.join('; ')}.`;
  note +=
    runUrl && isSafeUrl(runUrl)
      ? ` The full report is in the [workflow run](${linkTarget(runUrl)}) (job summary and \`report.json\`).`
      : ' The full report is in `report.json`.';
  return note;
}

function droppedCounts(report: Report, kept: Set<Finding>): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const result of report.results) {
    for (const finding of result.findings) if (!kept.has(finding)) counts[finding.severity] += 1;
  }
  return counts;
}

function renderSummaryOnly(report: Report, options: MarkdownOptions, total: number): string {
  const left = [`all ${report.results.length} config sections`, `${total} finding rows`];
  return neutraliseHiddenMarkers(`${renderHeader(report, options)}\n\n${omittedNote(left, options.runUrl)}\n`);
}
