// One finding as an HTML card: what was seen, the fix (and whether a smoke run proved it), where, and
// the raw evidence numbers.
import type { Finding } from '../../findings/types.ts';
import { findingLocation } from '../describe.ts';
import { escapeXml, truncate } from '../escape.ts';
import { fixCheckHtml } from './counterfactual-html.ts';
import { fixWithoutVerification } from '../layout.ts';

/** Evidence beyond this is cut: it is there to check numbers, not to dump a data set. */
const MAX_EVIDENCE_CHARS = 4000;

/** Async because a fix check draws its before/after chart. */
export async function findingCard(finding: Finding): Promise<string> {
  const evidence = evidenceJson(finding.evidence);
  const suggestion = finding.suggestion
    ? `<p class="suggestion">Suggested change, line ${finding.suggestion.line}:</p><pre>${escapeXml(finding.suggestion.replacement)}</pre>`
    : '';
  return [
    `<div class="finding sev-${finding.severity}" data-check="${escapeXml(finding.id)}">`,
    `<p class="finding-head"><span class="badge">${finding.severity}</span> <strong>${escapeXml(finding.title)}</strong> <code>${escapeXml(finding.id)}</code></p>`,
    `<p class="where">${escapeXml(findingLocation(finding))}${finding.key ? ` · <code>${escapeXml(finding.key)}</code>` : ''}</p>`,
    `<p>${escapeXml(finding.message)}</p>`,
    `<p class="fix"><span>Fix:</span> ${escapeXml(fixWithoutVerification(finding))}</p>`,
    await fixCheckHtml(finding),
    suggestion,
    evidence ? `<details><summary>Evidence</summary><pre>${escapeXml(evidence)}</pre></details>` : '',
    `<p class="docs">Docs: <code>${escapeXml(finding.docs)}</code></p>`,
    '</div>',
  ].join('');
}

function evidenceJson(evidence: Record<string, unknown>): string {
  if (!evidence || Object.keys(evidence).length === 0) return '';
  try {
    // JSON has no NaN or Infinity; spell them out rather than print null.
    const text = JSON.stringify(evidence, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2);
    return truncate(text ?? '', MAX_EVIDENCE_CHARS);
  } catch {
    return '(evidence could not be shown)';
  }
}

/** Every string inside a finding's evidence, so that charts can put the features it names first. */
export function evidenceStrings(findings: readonly Finding[]): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6) return;
    if (typeof value === 'string') found.add(value);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => visit(v, depth + 1));
  };
  for (const finding of findings) visit(finding.evidence, 0);
  return found;
}
