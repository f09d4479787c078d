// The terminal report: per config a header, "Fix first" (each verified fix once, with the findings it
// answers and the symptoms it removes), the other findings most severe first, the run's facts, and a
// summary line with the counts and the verdict (src/report/layout.ts). ANSI colour only when asked for.
import { describeBar } from '../evidence/comparison.ts';
import type { Severity } from '../config/types.ts';
import type { Finding } from '../findings/types.ts';
import { describeCounts } from './build.ts';
import { findingLocation } from './describe.ts';
import { describeEffect, fixWithoutVerification, layoutOf, runFactsWords, type RootCause } from './layout.ts';
import { stripControl } from './escape.ts';
import type { ConfigResult, Report } from './types.ts';
import type { BaseComparison } from '../evidence/comparison.ts';
import { formatNumber } from './numbers.ts';

export interface TextOptions {
  color: boolean;
  /** wrap messages at this many columns */
  width?: number;
}

const DEFAULT_WIDTH = 100;
const INDENT = '  ';
const BADGE_WIDTH = 7;

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
} as const;

const BADGE: Record<Severity, { label: string; color: string }> = {
  error: { label: 'ERROR', color: ANSI.red },
  warning: { label: 'WARN', color: ANSI.yellow },
  notice: { label: 'NOTICE', color: ANSI.cyan },
};

type Paint = (text: string, ...styles: string[]) => string;

function painter(color: boolean): Paint {
  return (text, ...styles) => (color && styles.length > 0 ? styles.join('') + text + ANSI.reset : text);
}

/** Words of `text` in lines of at most `width` columns (a longer word gets a line of its own). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The measured cause/symptom link (follow-ups/root-causes.ts), in one line; empty when there is none. */
export function causeLine(finding: Finding): string {
  const parts: string[] = [];
  if (finding.causedBy) parts.push(`symptom of ${finding.causedBy} (its verified fix removes this finding)`);
  if (finding.symptoms?.length) parts.push(`root cause of ${finding.symptoms.join(', ')} (its verified fix removes them)`);
  return clean(parts.join('; '));
}

function renderFinding(finding: Finding, paint: Paint, width: number, indent = INDENT, marker = ''): string[] {
  const badge = BADGE[finding.severity];
  const pad = ' '.repeat(BADGE_WIDTH);
  const bodyWidth = Math.max(20, width - indent.length - BADGE_WIDTH);
  const lines = [
    indent +
      marker +
      paint(badge.label.padEnd(BADGE_WIDTH - 1), ANSI.bold, badge.color) +
      ' ' +
      paint(clean(finding.id), ANSI.bold) +
      '  ' +
      paint(clean(findingLocation(finding)), ANSI.dim),
  ];
  for (const line of wrapText(clean(finding.message), bodyWidth)) lines.push(indent + pad + line);
  const fix = fixWithoutVerification(finding);
  if (fix) {
    for (const [i, line] of wrapText(`fix: ${clean(fix)}`, bodyWidth).entries()) {
      lines.push(indent + pad + (i === 0 ? paint('fix:', ANSI.green) + line.slice(4) : line));
    }
  }
  return lines;
}

/** A root cause: its verified fix once with the measured effect, the findings it answers, and its symptoms. */
function renderRootCause(cause: RootCause, index: number, paint: Paint, width: number): string[] {
  const head = `${index + 1}. ${cause.changes.length > 1 ? 'apply together' : 'apply'}: ${cause.changes.join(' + ')}`;
  const lines = wrapText(clean(head), width - INDENT.length).map((line, i) => INDENT + (i === 0 ? paint(line, ANSI.bold) : `   ${line}`));
  for (const line of wrapText(`verified: ${describeEffect(cause.effect)}`, width - INDENT.length - 3)) lines.push(INDENT + '   ' + paint(line, ANSI.green));
  const nested = INDENT + '   ';
  for (const finding of cause.causes) lines.push(...renderFinding(finding, paint, width, nested));
  for (const finding of cause.symptoms) {
    lines.push(...renderFinding(finding, paint, width, nested, '↳ '));
    lines.push(nested + ' '.repeat(BADGE_WIDTH + 2) + paint('gone with this fix (its fix run no longer shows it)', ANSI.dim));
  }
  return lines;
}

function renderResult(result: ConfigResult, paint: Paint, width: number): string[] {
  const lines = [paint(clean(result.name), ANSI.bold) + '  ' + paint(clean(result.config), ANSI.dim)];
  if (result.findings.length === 0) lines.push(INDENT + paint('✓ no findings', ANSI.green));
  const layout = layoutOf(result);
  if (layout.rootCauses.length > 0) {
    lines.push(INDENT + paint('Fix first', ANSI.bold));
    layout.rootCauses.forEach((cause, index) => lines.push(...renderRootCause(cause, index, paint, width)));
    if (layout.others.length > 0) lines.push(INDENT + paint('Other findings', ANSI.bold));
  }
  for (const finding of layout.others) lines.push(...renderFinding(finding, paint, width));
  const facts = runFactsWords(result);
  if (facts)
    for (const [i, line] of wrapText(clean(facts.replace(/^Smoke run: /, '')), width - INDENT.length - 7).entries())
      lines.push(INDENT + (i === 0 ? paint('smoke: ', ANSI.dim) : '       ') + line);
  if (result.comparison) lines.push(INDENT + paint('base: ', ANSI.dim) + clean(describeComparisonLine(result.comparison)));
  if (result.watch) lines.push(INDENT + paint('watch: ', ANSI.dim) + clean(`re-checked on pull requests that change ${result.watch.join(', ')}`));
  for (const finding of result.suppressed ?? []) {
    // Shown, so a silenced finding stays visible, but apart from the counted ones.
    const head = `suppressed: ${finding.severity} ${finding.id} ${findingLocation(finding)}: ${finding.suppression.reason} (disable comment, line ${finding.suppression.line})`;
    for (const [i, line] of wrapText(clean(head), Math.max(20, width - INDENT.length)).entries())
      lines.push(INDENT + paint(i === 0 ? line : `  ${line}`, ANSI.dim));
  }
  return lines;
}

/** One line for the base comparison: the verdict and the two mean finals, or why there was none. */
function describeComparisonLine(c: BaseComparison): string {
  const renamed = c.renamedFrom === undefined ? '' : ` (renamed from ${c.renamedFrom})`;
  if (c.status !== 'compared') return `${c.ref}${renamed}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`;
  const value = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? formatNumber(n) : 'diverged');
  return `${c.ref}${renamed}: ${c.verdict} (final ${c.metric} ${value(c.base?.meanFinal)} at the base, ${value(c.head?.meanFinal)} at the head, seeds ${(c.seeds ?? []).join(', ')}; ${describeBar(c, value)})`;
}

function clean(text: string): string {
  return stripControl(text);
}

export function renderText(report: Report, options: TextOptions): string {
  const paint = painter(options.color);
  const width = options.width ?? DEFAULT_WIDTH;
  const blocks = [paint(`nn-preflight ${clean(report.tool.version)}`, ANSI.dim)];
  for (const result of report.results) blocks.push(renderResult(result, paint, width).join('\n'));
  const configs = `${report.results.length} config${report.results.length === 1 ? '' : 's'}`;
  const verdict = report.conclusion === 'failure' ? paint('✖ failure', ANSI.bold, ANSI.red) : paint('✔ success', ANSI.bold, ANSI.green);
  blocks.push(`${verdict} — ${describeCounts(report.counts)} in ${configs} (fail-on: ${report.failOn})`);
  return blocks.join('\n\n') + '\n';
}
