// Plain-text descriptions shared by the renderers (they escape the result for their own format).
import type { Finding } from '../findings/types.ts';
import { finiteValues, formatNumber } from './numbers.ts';
import type { SmokeSummary } from './types.ts';
import { finalLossOf } from './layout.ts';

export function findingLocation(finding: Finding): string {
  let location = finding.file;
  if (finding.line !== undefined) location += `:${finding.line}`;
  if (finding.line !== undefined && finding.column !== undefined) location += `:${finding.column}`;
  return location;
}

/** The one finding order (src/findings/severity.ts), under the name the renderers know it by. */
export { sortFindings as sortBySeverity } from '../findings/severity.ts';

export function describeSmoke(smoke: SmokeSummary): string {
  // The engine that trained: the compiled step is named; the TF.js step stays the unmarked default.
  const compiled = smoke.backend_notes?.some((note) => note.startsWith('training step: compiled')) ? ' (compiled step)' : '';
  const parts = [
    `${smoke.backend}${compiled}`,
    `${smoke.steps} steps in ${formatNumber(smoke.seconds, 3)} s (${formatNumber(smoke.steps_per_second, 3)} steps/s)`,
  ];
  const loss = smoke.loss;
  if (loss.length > 0) {
    const nonFinite = loss.length - finiteValues(loss).length;
    // The one definition of final loss (layout.ts): the mean of the last 10% of steps, not the last step's minibatch.
    const final = finalLossOf(loss);
    parts.push(`loss ${formatNumber(loss[0])} → final ${final !== undefined && Number.isFinite(final) ? formatNumber(final) : 'diverged'}`);
    if (nonFinite > 0) parts.push(`${nonFinite} non-finite loss value${nonFinite === 1 ? '' : 's'}`);
  }
  if (smoke.val_loss.length > 0) parts.push(`val loss ${formatNumber(smoke.val_loss[smoke.val_loss.length - 1])}`);
  if (smoke.lr_range)
    parts.push(Number.isFinite(smoke.lr_range.suggested) ? `suggested lr ${formatNumber(smoke.lr_range.suggested, 3)}` : 'range test: no clear lr');
  return parts.join(' · ');
}

/** The range test's verdict in one sentence; a curve that never clearly falls suggests nothing. */
export function describeRangeSuggestion(suggested: number): string {
  return Number.isFinite(suggested)
    ? `Learning-rate range test suggests a learning rate near ${formatNumber(suggested, 3)}.`
    : 'The learning-rate range test found no rate at which the loss clearly falls: the model barely learns at any rate (see the other findings).';
}
