// The counterfactual runs in the HTML report: the comparison with the base ref (its curve in the loss
// chart, its numbers in a table below it), and each finding's fix check as a small before/after chart.
import type { Finding } from '../../findings/types.ts';
import type { BaseComparison } from '../../evidence/comparison.ts';
import { lossCurvesChart, SERIES_COLORS } from '../charts/index.ts';
import {
  baseSourceWords,
  changeRows,
  comparisonBar,
  comparisonSetup,
  formatFinalLoss,
  FIX_PROOF_WORDS,
  fixCheckOf,
  fixProofOf,
  shortRef,
  UNCOMPARED_WORDS,
  verdictWords,
} from '../counterfactual.ts';
import type { FixCheckView } from '../counterfactual.ts';
import { fromStartWords } from '../../follow-ups/verified-bar.ts';
import { escapeXml } from '../escape.ts';
import { figure } from './figure.ts';

/** A finding card sits in a column of about 300 to 400 pixels, beside the panel's full-size charts. */
const FIX_CHART_SIZE = { width: 260, height: 120 };

const code = (text: string) => `<code>${escapeXml(text)}</code>`;

/** The comparison below the loss chart: a table of the numbers when both sides ran, else one line saying why not. */
export function comparisonHtml(comparison: BaseComparison): string {
  const ref = code(shortRef(comparison.ref));
  const reason = comparison.reason ? ` (${escapeXml(comparison.reason)})` : '';
  if (comparison.status !== 'compared') {
    return `<p class="comparison muted" data-status="${escapeXml(comparison.status)}">Base ${ref}: ${escapeXml(UNCOMPARED_WORDS[comparison.status])}${reason}.</p>`;
  }
  const verdict = comparison.verdict ?? 'inconclusive';
  const verdictHtml = `<span class="verdict verdict-${escapeXml(verdict)}">${verdictWords(comparison.verdict, (word) => `<strong>${word}</strong>`)}</span>`;
  const metric = escapeXml(comparison.metric ?? 'loss');
  const finals = (values: readonly number[] = []) => escapeXml(values.map(formatFinalLoss).join(', '));
  const footnotes = [baseSourceWords(comparison), ...comparison.notes].filter((text): text is string => Boolean(text));
  return [
    '<div class="comparison" data-status="compared">',
    `<p><strong>Compared with base ${ref}:</strong> ${verdictHtml}${reason}. ${escapeXml(comparisonSetup(comparison))}</p>`,
    '<table class="controls comparison-finals">',
    `<thead><tr><th></th><th>base ${ref}</th><th>head</th></tr></thead><tbody>`,
    `<tr><td>final ${metric} per seed</td><td>${finals(comparison.base?.finals)}</td><td>${finals(comparison.head?.finals)}</td></tr>`,
    `<tr><td>mean</td><td>${escapeXml(formatFinalLoss(comparison.base?.meanFinal))}</td><td>${escapeXml(formatFinalLoss(comparison.head?.meanFinal))}</td></tr>`,
    '</tbody></table>',
    `<p class="muted">${escapeXml(comparisonBar(comparison))}.</p>`,
    changesTable(comparison),
    footnotes.length > 0 ? `<p class="muted">${escapeXml(footnotes.join('; '))}.</p>` : '',
    '</div>',
  ].join('');
}

function changesTable(comparison: BaseComparison): string {
  const { rows, more } = changeRows(comparison);
  if (rows.length === 0) return '';
  const body = rows.map(
    (row) => `<tr><td>${code(row.name)}</td><td>${escapeXml(row.base)}</td><td>${escapeXml(row.head)}</td><td>${escapeXml(row.reverted)}</td></tr>`,
  );
  if (more > 0) body.push(`<tr><td colspan="4">… and ${more} more</td></tr>`);
  return (
    '<table class="controls comparison-changes"><caption>Changed since the base</caption>' +
    '<thead><tr><th>changed</th><th>base</th><th>head</th><th>head with only this reverted</th></tr></thead>' +
    `<tbody>${body.join('')}</tbody></table>`
  );
}

/** A finding's fix check: whether it was verified, the two final losses, and both curves when recorded. */
export async function fixCheckHtml(finding: Finding): Promise<string> {
  const fixCheck = fixCheckOf(finding);
  const proof = fixProofOf(finding);
  if (!fixCheck || !proof) return '';
  const metric = escapeXml(fixCheck.metric);
  const numbers =
    `Smoke run with ${code(fixCheck.change)}: final ${metric} ${escapeXml(formatFinalLoss(fixCheck.before))} → ${escapeXml(formatFinalLoss(fixCheck.after))}${escapeXml(fromStartWords(fixCheck, formatFinalLoss))} ` +
    `(same sample, seed ${escapeXml(String(fixCheck.seed))}, ${escapeXml(String(fixCheck.steps))} steps).`;
  const combined = fixCheck.combined
    ? `<p class="muted">All suggested fixes together (${fixCheck.combined.changes.map(code).join(' + ')}): final ${escapeXml(fixCheck.combined.metric)} ` +
      `${escapeXml(formatFinalLoss(fixCheck.combined.before))} → ${escapeXml(formatFinalLoss(fixCheck.combined.after))}, ${fixCheck.combined.verified ? 'verified' : 'not verified'}.</p>`
    : '';
  return (
    `<div class="fix-check" data-proof="${proof}">` +
    `<p><span class="proof ${proof}">${escapeXml(FIX_PROOF_WORDS[proof])}</span> ${numbers}</p>` +
    `${await fixCurveFigure(fixCheck)}${combined}</div>`
  );
}

async function fixCurveFigure(fixCheck: FixCheckView): Promise<string> {
  const curve = fixCheck.curve;
  if (!curve || !Array.isArray(curve.steps) || curve.steps.length === 0) return '';
  // Evidence that went through JSON holds null where a run diverged; the chart leaves those out.
  const points = (values: readonly (number | null)[] = []) => curve.steps.map((x, i) => ({ x, y: values[i] ?? Number.NaN }));
  return figure(() =>
    lossCurvesChart({
      title: 'Loss with and without the fix',
      series: [
        { name: 'as configured', points: points(curve.before), color: SERIES_COLORS.orange },
        { name: 'with the fix', points: points(curve.after), color: SERIES_COLORS.green },
      ],
      xTitle: 'training step',
      yTitle: fixCheck.metric,
      ...FIX_CHART_SIZE,
    }),
  );
}
