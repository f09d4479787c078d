import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { docsPath, fmt, isAdaptiveOptimizer } from './shared.ts';
import { diverged, medianUpdateRatio } from './smoke-stats.ts';
import { replaceValue } from './locate.ts';
import { learningRateKey, learningRateSetting } from './vocabulary.ts';
import { clearlyBetter } from '../engine/parts.ts';
import { suggestedLearningRate } from './config-fixes.ts';
import { MAX_DEAD_FRACTION } from './dead-relus.ts';

/** Above these the first updates overshoot on ordinary, standardized problems. */
export const MAX_ADAPTIVE_LR = 0.1;
export const MAX_SGD_LR = 1;
/** ||update|| / ||weight|| above this rewrites a weight in a few steps (DeepDiagnosis, TheDeepChecker). */
export const MAX_UPDATE_RATIO = 1e-1;
/** Suggested rates below this fraction of the optimizer's limit are not trusted. */
const MIN_PLAUSIBLE_FRACTION = 1e-3;

/** Adadelta scales its steps by its own running ratio and takes rates near 1 (its Keras 2 default). */
export function rateLimit(optimizer: string): number {
  const name = optimizer.toLowerCase();
  return name === 'adadelta' || !isAdaptiveOptimizer(name) ? MAX_SGD_LR : MAX_ADAPTIVE_LR;
}

/** Why the rate looks too high, as data; `reasonText` words each. */
export type HighRateReason =
  | { kind: 'above-limit'; limit: number; optimizer: string }
  | { kind: 'big-updates'; medianUpdateRatio: number; limit: number }
  | { kind: 'range-test-diverged'; divergedAt: number }
  | { kind: 'non-finite'; where: string; step: number }
  | { kind: 'loss-doubled' }
  | { kind: 'collapsed'; collapse: string }
  | { kind: 'lower-rate-better'; learningRate: number; final: number; mainFinal: number; configured: number }
  | { kind: 'no-control-run' }
  | { kind: 'static-only' };

function reasonText(r: HighRateReason, lr: number): string {
  switch (r.kind) {
    case 'above-limit':
      return `${fmt(lr)} is above ${fmt(r.limit)}, the highest rate that usually trains with ${r.optimizer}`;
    case 'big-updates':
      return `each step changes the weights by ${fmt(r.medianUpdateRatio)} of their size (median update/weight ratio; expected below ${fmt(r.limit)})`;
    case 'range-test-diverged':
      return `the learning-rate range test diverged from ${fmt(r.divergedAt)}`;
    case 'non-finite':
      return `the smoke run produced a non-finite ${r.where} at step ${r.step}`;
    case 'loss-doubled':
      return "the smoke run's loss ended at least twice its best value";
    case 'collapsed':
      return `the run collapsed to a nearly constant prediction (${r.collapse})`;
    case 'lower-rate-better':
      return `the same run at ${fmt(r.learningRate)} ended at a loss of ${fmt(r.final)} against ${Number.isFinite(r.mainFinal) ? fmt(r.mainFinal) : 'a non-finite loss'} at ${fmt(r.configured)}`;
    case 'no-control-run':
      return 'no run at a lower rate fitted in the time budget, so this rests on the signals above alone';
    case 'static-only':
      return 'without the smoke run this rests on the rate alone';
  }
}

type TooHigh = { learningRate: number; optimizer: string; reasons: HighRateReason[] };

export const messages = defineMessages({
  'rate-too-high': says<TooHigh>(
    (d) =>
      `The learning rate ${fmt(d.learningRate)} (${d.optimizer}) looks too high: ${d.reasons.map((r) => reasonText(r, d.learningRate)).join('; ')}. ` +
      (d.reasons.some((r) => r.kind === 'collapsed')
        ? 'Large first updates pushed the units into a state they do not recover from (dead ReLUs, a constant output), so the loss stays at the level of predicting the mean.'
        : 'Steps that large overshoot the minimum, so the loss oscillates or climbs until it becomes NaN.'),
    (d) => `The learning rate ${fmt(d.learningRate)} (${d.optimizer}) looks too high: ${headlineReason(d)}.`,
  ),
});

/** The strongest reason for a one-line headline: a lower rate that did better, else the first signal. */
function headlineReason(d: TooHigh): string {
  const better = d.reasons.find((r) => r.kind === 'lower-rate-better');
  if (better)
    return `a run at ${fmt(better.learningRate)} ended at loss ${fmt(better.final)} against ${Number.isFinite(better.mainFinal) ? fmt(better.mainFinal) : 'a non-finite loss'}`;
  const first = d.reasons[0];
  if (first.kind === 'above-limit') return `above ${fmt(first.limit)}, the highest rate that usually trains with ${first.optimizer}`;
  return reasonText(first, d.learningRate);
}

export const check: Check = {
  meta: {
    id: 'learning-rate-too-high',
    title: 'Learning rate too high',
    pitfall: 'learning rate',
    kind: 'static+smoke',
    defaultSeverity: 'warning',
    docs: docsPath('learning-rate-too-high'),
    needs: [],
    section: 'loss',
    fix: suggestedLearningRate,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const { learning_rate: lr, optimizer } = evidence.config.training;
    const limit = rateLimit(optimizer.name);
    const staticHigh = lr > limit;
    const smoke = evidence.smoke;
    const ratio = smoke ? medianUpdateRatio(smoke) : Number.NaN;
    const range = smoke?.controls.lrRange;
    const beyondDivergence = range?.divergedAt !== undefined && Number.isFinite(range.divergedAt) && lr >= range.divergedAt;
    const bigUpdates = Number.isFinite(ratio) && ratio > MAX_UPDATE_RATIO;
    const blewUp = smoke !== undefined && diverged(smoke);
    const collapse = smoke ? collapseOf(smoke) : undefined;
    // The verdict needs a run at a lower rate that does clearly better (controls.ts lowerRateControl).
    const control = smoke?.controls.lowerRate;
    const better = control?.runs.find((run) => clearlyBetter(run.final, control.mainFinal));
    // Lower rates that ran to the end and did no better: the rate is not the problem.
    if (smoke && control && !better && control.complete !== false) return [];
    // Without the control, a blow-up alone may come from the initialization; it counts only beside a suspect rate.
    if (smoke && !control && !staticHigh && !beyondDivergence && !bigUpdates) return [];
    if (!smoke && !staticHigh) return [];
    // A range test run on a badly broken setup can suggest absurdly small rates, or (when the loss itself is
    // broken, e.g. clipped probabilities) rates above the limit this check enforces; only a plausible one is passed on.
    const plausible =
      range !== undefined &&
      Number.isFinite(range.suggestedLr) &&
      range.suggestedLr < lr &&
      range.suggestedLr >= limit * MIN_PLAUSIBLE_FRACTION &&
      range.suggestedLr <= limit;
    const suggested = better ? better.learningRate : plausible ? range!.suggestedLr : Math.min(lr / 10, limit / 10);
    const reasons: HighRateReason[] = [];
    if (staticHigh) reasons.push({ kind: 'above-limit', limit, optimizer: optimizer.name });
    if (bigUpdates) reasons.push({ kind: 'big-updates', medianUpdateRatio: ratio, limit: MAX_UPDATE_RATIO });
    if (beyondDivergence) reasons.push({ kind: 'range-test-diverged', divergedAt: range!.divergedAt! });
    if (blewUp)
      reasons.push(
        smoke!.firstNonFinite ? { kind: 'non-finite', where: smoke!.firstNonFinite.where, step: smoke!.firstNonFinite.step } : { kind: 'loss-doubled' },
      );
    if (collapse && better) reasons.push({ kind: 'collapsed', collapse });
    if (better)
      reasons.push({ kind: 'lower-rate-better', learningRate: better.learningRate, final: better.final, mainFinal: control!.mainFinal, configured: lr });
    else reasons.push({ kind: smoke ? 'no-control-run' : 'static-only' });
    // Severity by evidence: a lower rate that clearly does better is a warning, an error when this rate even
    // makes the loss non-finite; signals without that control run are a notice.
    const nonFinite = smoke !== undefined && (smoke.firstNonFinite !== undefined || !smoke.loss.every(Number.isFinite));
    const severity = better ? (nonFinite ? 'error' : 'warning') : 'notice';
    return [
      {
        severity,
        message: message(messages, 'rate-too-high', { learningRate: lr, optimizer: optimizer.name, reasons }),
        fix: `Lower the learning rate to about ${fmt(suggested)} (\`${learningRateSetting(evidence.source, fmt(suggested))}\`).`,
        key: learningRateKey(evidence.source),
        evidence: {
          learningRate: lr,
          optimizer: optimizer.name,
          limit,
          suggested,
          medianUpdateRatio: Number.isFinite(ratio) ? ratio : undefined,
          divergedAt: range?.divergedAt,
          smokeDiverged: smoke ? blewUp : undefined,
          lowerRate: better ? { learningRate: better.learningRate, final: better.final, mainFinal: control!.mainFinal } : undefined,
          collapse,
        },
        suggestion: replaceValue(evidence.source, learningRateKey(evidence.source), fmt(suggested)),
      },
    ];
  },
};

/** A collapse to a constant prediction: most units of a ReLU layer dead, or the loss no better than the baseline. */
function collapseOf(smoke: NonNullable<Evidence['smoke']>): string | undefined {
  const parts: string[] = [];
  const dead = smoke.layers.filter((l) => (l.deadFraction ?? 0) >= MAX_DEAD_FRACTION);
  for (const layer of dead) parts.push(`${fmt(layer.deadFraction! * 100)}% of ${layer.name}'s units dead`);
  const tail = smoke.loss.slice(-Math.max(1, Math.floor(smoke.loss.length / 10)));
  const final = tail.reduce((sum, v) => sum + v, 0) / Math.max(1, tail.length);
  const baseline = smoke.controls.baseline.loss;
  if (Number.isFinite(final) && Number.isFinite(baseline) && baseline > 0 && final >= 0.9 * baseline)
    parts.push(`final loss ${fmt(final)}, the constant prediction's is ${fmt(baseline)}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
