// The collapsed evidence block under a finding: the measured numbers as a small table, or as JSON
// when they nest.
import type { Finding } from '../findings/types.ts';
import { findingLocation } from './describe.ts';
import { escapeMarkdown, htmlCode, truncate } from './escape.ts';
import { formatNumber } from './numbers.ts';

/** A finding's message is cut to this in the table; the evidence block then holds all of it. */
export const MESSAGE_CELL_CHARS = 400;
const EVIDENCE_ARRAY_ITEMS = 20;
const EVIDENCE_VALUE_CHARS = 500;
const EVIDENCE_JSON_CHARS = 4000;

/** `withLongMessage`: repeat a message longer than a table cell holds (false where the message is shown in full already). */
export function renderEvidence(finding: Finding, withLongMessage = true): string | undefined {
  // The fix check has its own block (renderFixCheck); its curves would only bury the finding's numbers.
  const entries = Object.entries(finding.evidence ?? {}).filter(([key]) => key !== 'fix_check');
  const messageCut = withLongMessage && finding.message.length > MESSAGE_CELL_CHARS;
  if (entries.length === 0 && !messageCut) return undefined;
  const summary = `Evidence: ${htmlCode(finding.id)} at ${htmlCode(findingLocation(finding))}`;
  const body: string[] = [];
  if (messageCut) body.push(escapeMarkdown(finding.message));
  if (entries.length > 0) body.push(isFlat(entries) ? evidenceTable(entries) : evidenceJson(Object.fromEntries(entries)));
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
    rows.push(`| ${escapeMarkdown(key, 'space')} | ${escapeMarkdown(truncate(text, EVIDENCE_VALUE_CHARS), 'space')} |`);
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
