// The markdown report (PR comment, job summary, report.md): verdict, a table of findings per config,
// evidence in collapsed blocks, and the loss chart. `fitToLimit` shortens it for GitHub's size limits.
import type { Severity } from '../config/types.ts';
import type { Finding } from '../checks/types.ts';
import { describeCounts } from './build.ts';
import { SEVERITIES, severityRank } from './conclusion.ts';
import { describeSmoke, findingLocation, sortBySeverity } from './describe.ts';
import { escapeMarkdown, markdownCode, truncate } from './escape.ts';
import { buildMermaidLossChart } from './mermaid.ts';
import { formatNumber } from './numbers.ts';
import { downsamplePoints, trainingPoints, validationPoints } from './loss-series.ts';
import type { ConfigResult, Report, SmokeSummary } from './types.ts';

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
const MESSAGE_CELL_CHARS = 400;
const FIX_CELL_CHARS = 300;
const NUMBERS_TABLE_ROWS = 60;
const EVIDENCE_ARRAY_ITEMS = 20;
const EVIDENCE_JSON_CHARS = 4000;

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
  return blocks.join('\n\n') + '\n';
}

function renderHeader(report: Report, options: MarkdownOptions): string {
  const heading = `## ${escapeMarkdown(options.heading ?? DEFAULT_HEADING, 'space')}`;
  const verdict = report.conclusion === 'failure' ? '❌ **Failure**' : '✅ **Success**';
  const configs = `${report.results.length} config${report.results.length === 1 ? '' : 's'}`;
  let line = `${verdict}: ${describeCounts(report.counts)} in ${configs} (fail-on: \`${report.failOn}\`).`;
  if (options.runUrl && isSafeUrl(options.runUrl)) line += ` [Workflow run](${linkTarget(options.runUrl)})`;
  return `${heading}\n\n${line}`;
}

function renderResult(result: ConfigResult, options: MarkdownOptions, omission: Omission, kept: Set<Finding>): string {
  const icon = resultIcon(result);
  const parts = [`### ${icon} ${escapeMarkdown(result.name, 'space')}`];
  let subtitle = markdownCode(result.config);
  if (result.smoke) subtitle += ` · smoke run: ${escapeMarkdown(describeSmoke(result.smoke), 'space')}`;
  parts.push(subtitle);

  const findings = sortBySeverity(result.findings);
  const shown = findings.filter((finding) => kept.has(finding));
  if (findings.length === 0) parts.push('No findings.');
  if (shown.length > 0) parts.push(renderFindingTable(shown, options));
  const hidden = findings.length - shown.length;
  if (hidden > 0) parts.push(`_${hidden} more finding${hidden === 1 ? '' : 's'} not shown (see the note at the end)._`);

  if (!omission.evidence) {
    for (const finding of shown) {
      const evidence = renderEvidence(finding);
      if (evidence) parts.push(evidence);
    }
  }
  if (!omission.charts && result.smoke) {
    const chart = renderCharts(result, result.smoke, options);
    if (chart) parts.push(chart);
  }
  return parts.join('\n\n');
}

function resultIcon(result: ConfigResult): string {
  const worst = Math.max(0, ...result.findings.map((finding) => severityRank(finding.severity)));
  if (worst >= severityRank('error')) return '❌';
  if (worst >= severityRank('warning')) return '⚠️';
  return '✅';
}

function renderFindingTable(findings: readonly Finding[], options: MarkdownOptions): string {
  const rows = ['| Severity | Check | Location | Finding | Fix |', '|---|---|---|---|---|'];
  for (const finding of findings) {
    const cells = [
      SEVERITY_BADGE[finding.severity],
      checkLink(finding, options.docsBaseUrl),
      markdownCode(findingLocation(finding)),
      `**${escapeMarkdown(finding.title, 'space')}**<br>${escapeMarkdown(truncate(finding.message, MESSAGE_CELL_CHARS))}`,
      escapeMarkdown(truncate(finding.fix, FIX_CELL_CHARS)),
    ];
    rows.push(`| ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

function checkLink(finding: Finding, docsBaseUrl: string | undefined): string {
  const label = escapeMarkdown(finding.id, 'space');
  if (!docsBaseUrl || !isSafeUrl(docsBaseUrl) || !/^[\w./-]+$/.test(finding.docs) || finding.docs.includes('..')) {
    return label;
  }
  const base = docsBaseUrl.endsWith('/') ? docsBaseUrl : `${docsBaseUrl}/`;
  return `[${label}](${linkTarget(base + finding.docs.replace(/^\.?\//, ''))})`;
}

/** Only http(s) links; anything else (javascript:, data:) is dropped. */
function isSafeUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/.test(url);
}

/** A link destination that cannot end early or break out of the table. */
function linkTarget(url: string): string {
  return encodeURI(decodeURISafe(url)).replace(/[()|<>`]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeURISafe(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

function renderEvidence(finding: Finding): string | undefined {
  const entries = Object.entries(finding.evidence ?? {});
  const messageCut = finding.message.length > MESSAGE_CELL_CHARS;
  if (entries.length === 0 && !messageCut) return undefined;
  const summary = `Evidence: ${markdownCode(finding.id)} at ${markdownCode(findingLocation(finding))}`;
  const body: string[] = [];
  if (messageCut) body.push(escapeMarkdown(finding.message));
  if (entries.length > 0) body.push(isFlat(entries) ? evidenceTable(entries) : evidenceJson(finding.evidence));
  return `<details><summary>${summary}</summary>\n\n${body.join('\n\n')}\n\n</details>`;
}

function isScalar(value: unknown): boolean {
  return value === null || ['number', 'string', 'boolean'].includes(typeof value);
}

function isFlat(entries: [string, unknown][]): boolean {
  return entries.every(([, value]) => isScalar(value) || (Array.isArray(value) && value.every(isScalar)));
}

function formatScalar(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

function evidenceTable(entries: [string, unknown][]): string {
  const rows = ['| Measure | Value |', '|---|---|'];
  for (const [key, value] of entries) {
    let text: string;
    if (Array.isArray(value)) {
      const items = value.slice(0, EVIDENCE_ARRAY_ITEMS).map(formatScalar);
      if (value.length > EVIDENCE_ARRAY_ITEMS) items.push(`… (${value.length} values)`);
      text = `[${items.join(', ')}]`;
    } else {
      text = formatScalar(value);
    }
    rows.push(`| ${escapeMarkdown(key, 'space')} | ${escapeMarkdown(truncate(text, 500), 'space')} |`);
  }
  return rows.join('\n');
}

/** Four significant digits are what a reader compares; the JSON report keeps full precision. */
function displayValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return String(value);
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? value : Number(value.toPrecision(4));
}

/** Nested evidence as JSON; backticks become `\u0060` (still valid JSON) so they cannot close the fence. */
function evidenceJson(evidence: Record<string, unknown>): string {
  let json: string;
  try {
    json = JSON.stringify(evidence, displayValue, 2);
  } catch {
    json = '"(evidence could not be shown)"';
  }
  return '```json\n' + truncate(json.replace(/`/g, '\\u0060'), EVIDENCE_JSON_CHARS) + '\n```';
}

function renderCharts(result: ConfigResult, smoke: SmokeSummary, options: MarkdownOptions): string | undefined {
  const parts: string[] = [];
  const title = `Loss: ${result.name}`;
  if (options.mermaid) {
    const chart = buildMermaidLossChart(smoke, title);
    if (chart.block) parts.push(chart.block);
    parts.push(`<sub>${escapeMarkdown(chart.caption, 'space')}</sub>`);
    const numbers = lossNumbersTable(smoke);
    if (numbers) parts.push(`<details><summary>Loss numbers</summary>\n\n${numbers}\n\n</details>`);
  }
  const svgPath = options.charts?.[result.config] ?? options.charts?.[result.name];
  if (svgPath) parts.push(`![${escapeMarkdown(title, 'space')}](${linkTarget(svgPath)})`);
  if (smoke.lr_range) {
    parts.push(`Learning-rate range test suggests a learning rate near ${formatNumber(smoke.lr_range.suggested, 3)}.`);
  }
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * Training loss at a downsample of steps plus the first non-finite step, and validation loss at every
 * probe step. A run of non-finite training rows shows only its first row: the step it broke is what
 * matters.
 */
function lossNumbersTable(smoke: SmokeSummary): string | undefined {
  const allTraining = trainingPoints(smoke);
  const training = downsamplePoints(allTraining, NUMBERS_TABLE_ROWS);
  const firstBroken = allTraining.find((point) => !Number.isFinite(point.value));
  if (firstBroken) training.push(firstBroken);
  const validation = validationPoints(smoke);
  if (training.length === 0 && validation.length === 0) return undefined;
  const rows = new Map<number, { train?: number; val?: number }>();
  for (const point of training) rows.set(point.step, { train: point.value });
  for (const point of validation) rows.set(point.step, { ...rows.get(point.step), val: point.value });
  const lines = ['| Step | Training loss | Validation loss |', '|---:|---:|---:|'];
  const brokenTrain = (row?: { train?: number }) => row?.train !== undefined && !Number.isFinite(row.train);
  let previous: { train?: number; val?: number } | undefined;
  for (const step of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(step)!;
    const repeatsBreak = brokenTrain(row) && brokenTrain(previous) && row.val === undefined;
    if (row.train !== undefined || row.val !== undefined) previous = row;
    if (repeatsBreak) continue;
    const cell = (value: number | undefined) => (value === undefined ? '' : formatNumber(value));
    lines.push(`| ${step} | ${cell(row.train)} | ${cell(row.val)} |`);
  }
  return lines.join('\n');
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
  note += runUrl && isSafeUrl(runUrl)
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
  return `${renderHeader(report, options)}\n\n${omittedNote(left, options.runUrl)}\n`;
}
