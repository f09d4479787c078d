import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, smokeMeta } from './shared.ts';
import { finalLoss, startLoss } from './smoke-stats.ts';

/** The loss must end below this fraction of its start. */
export const MAX_END_FRACTION = 0.9;
/** ...and clearly below the trivial baseline (predict the mean / the class prior). */
export const BASELINE_MARGIN = 0.98;
const MIN_STEPS = 10;

type NotDecreasing = {
  steps: number;
  startLoss: number;
  finalLoss: number;
  /** the end/start limit, when the loss did not fall below it */
  endFractionLimit?: number;
  /** the trivial baseline the loss did no better than */
  baselineKind?: 'mean' | 'prior';
  baselineLoss?: number;
};

export const messages = defineMessages({
  'loss-flat': says<NotDecreasing>(
    (d) =>
      `Over ${d.steps} smoke steps the training loss went from ${fmt(d.startLoss)} to ${fmt(d.finalLoss)}` +
      (d.endFractionLimit !== undefined ? ` (${fmt((d.finalLoss / d.startLoss) * 100)}% of its start; expected below ${fmt(d.endFractionLimit * 100)}%)` : '') +
      (d.baselineLoss !== undefined
        ? `${d.endFractionLimit !== undefined ? ' and' : ','} no better than ${baselineName(d.baselineKind)}, which scores ${fmt(d.baselineLoss)}`
        : '') +
      '. The model is not learning anything from the inputs yet; the other findings usually name the reason.',
    (d) =>
      `Over ${d.steps} steps the loss went from ${fmt(d.startLoss)} to ${fmt(d.finalLoss)}` +
      (d.baselineLoss !== undefined
        ? `, no better than ${baselineName(d.baselineKind)} (${fmt(d.baselineLoss)}).`
        : ` (${fmt((d.finalLoss / d.startLoss) * 100)}% of its start).`),
  ),
});

function baselineName(kind: string | undefined): string {
  return kind === 'mean' ? 'predicting the mean target' : 'predicting the class frequencies';
}

export const check: Check = {
  meta: { ...smokeMeta('loss-not-decreasing', 'Loss does not decrease', 'check results', 'error'), section: 'loss', messages, mainRunOnly: true },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    if (!smoke || smoke.steps < MIN_STEPS) return [];
    // A NaN loss is non-finite-loss's finding; "not decreasing" would only repeat it.
    if (smoke.firstNonFinite || smoke.loss.some((v) => !Number.isFinite(v))) return [];
    const start = startLoss(smoke);
    const end = finalLoss(smoke.loss);
    if (!Number.isFinite(start) || !Number.isFinite(end)) return [];
    const baseline = smoke.controls.baseline;
    const notFalling = end > MAX_END_FRACTION * start;
    const noBetterThanBaseline = Number.isFinite(baseline.loss) && end >= BASELINE_MARGIN * baseline.loss;
    if (!notFalling && !noBetterThanBaseline) return [];
    // Severity by evidence: a loss that never moves at all means no gradient reaches the weights (certainly
    // broken, an error); a loss that moves but not enough is a warning.
    const frozen = Math.max(...smoke.loss) - Math.min(...smoke.loss) <= 1e-6 * Math.max(1e-12, Math.abs(start));
    return [
      {
        severity: frozen ? 'error' : 'warning',
        message: message(messages, 'loss-flat', {
          steps: smoke.steps,
          startLoss: start,
          finalLoss: end,
          endFractionLimit: notFalling ? MAX_END_FRACTION : undefined,
          ...(noBetterThanBaseline ? { baselineKind: baseline.kind, baselineLoss: baseline.loss } : {}),
        }),
        fix: 'Check the other findings first (learning rate, scaling, activations, labels). If none apply, verify that the labels belong to their rows.',
        key: 'training',
        evidence: { startLoss: start, finalLoss: end, baselineLoss: baseline.loss, baselineKind: baseline.kind, steps: smoke.steps },
      },
    ];
  },
};
