import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { docsPath, fmt, isAdaptiveOptimizer } from './shared.ts';
import { diverged, medianUpdateRatio } from './smoke-stats.ts';
import { replaceValue } from './locate.ts';
import { learningRateKey, learningRateSetting } from './vocabulary.ts';

/** Above these the first updates overshoot on ordinary, standardized problems. */
export const MAX_ADAPTIVE_LR = 0.1;
export const MAX_SGD_LR = 1;
/** ||update|| / ||weight|| above this rewrites a weight in a few steps (DeepDiagnosis, TheDeepChecker). */
export const MAX_UPDATE_RATIO = 1e-1;
/** Suggested rates below this fraction of the optimizer's limit are not trusted. */
const MIN_PLAUSIBLE_FRACTION = 1e-3;

export const check: Check = {
  meta: { id: 'learning-rate-too-high', title: 'Learning rate too high', pitfall: 'learning rate', kind: 'static+smoke', defaultSeverity: 'warning', docs: docsPath('learning-rate-too-high'), needs: [] },
  run(evidence: Evidence): FindingDraft[] {
    const { learning_rate: lr, optimizer } = evidence.config.training;
    const limit = isAdaptiveOptimizer(optimizer.name) ? MAX_ADAPTIVE_LR : MAX_SGD_LR;
    const staticHigh = lr > limit;
    const smoke = evidence.smoke;
    const ratio = smoke ? medianUpdateRatio(smoke) : Number.NaN;
    const range = smoke?.controls.lrRange;
    const beyondDivergence = range?.divergedAt !== undefined && Number.isFinite(range.divergedAt) && lr >= range.divergedAt;
    const bigUpdates = Number.isFinite(ratio) && ratio > MAX_UPDATE_RATIO;
    // A blow-up alone may come from the initialization; it counts against the rate only when the rate is suspect already.
    const blewUp = smoke !== undefined && diverged(smoke) && (staticHigh || beyondDivergence || bigUpdates);
    if (!staticHigh && !beyondDivergence && !bigUpdates) return [];
    // A range test run on a badly broken setup can suggest absurdly small rates, or (when the loss itself is
    // broken, e.g. clipped probabilities) rates above the limit this check enforces; only a plausible one is passed on.
    const plausible =
      range !== undefined && Number.isFinite(range.suggestedLr) && range.suggestedLr < lr && range.suggestedLr >= limit * MIN_PLAUSIBLE_FRACTION && range.suggestedLr <= limit;
    const suggested = plausible ? range!.suggestedLr : Math.min(lr / 10, limit / 10);
    const reasons: string[] = [];
    if (staticHigh) reasons.push(`${fmt(lr)} is above ${fmt(limit)}, the highest rate that usually trains with ${optimizer.name}`);
    if (bigUpdates) reasons.push(`each step changes the weights by ${fmt(ratio)} of their size (median update/weight ratio; expected below ${MAX_UPDATE_RATIO})`);
    if (beyondDivergence) reasons.push(`the learning-rate range test diverged from ${fmt(range!.divergedAt!)}`);
    if (blewUp) reasons.push(smoke!.firstNonFinite ? `the smoke run produced a non-finite ${smoke!.firstNonFinite.where} at step ${smoke!.firstNonFinite.step}` : 'the smoke run\'s loss ended at least twice its best value');
    return [{
      severity: blewUp ? 'error' : 'warning',
      message:
        `The learning rate ${fmt(lr)} (${optimizer.name}) looks too high: ${reasons.join('; ')}. ` +
        'Steps that large overshoot the minimum, so the loss oscillates or climbs until it becomes NaN.',
      fix: `Lower the learning rate to about ${fmt(suggested)} (\`${learningRateSetting(evidence.source, fmt(suggested))}\`).`,
      key: learningRateKey(evidence.source),
      evidence: {
        learningRate: lr, optimizer: optimizer.name, limit, suggested,
        medianUpdateRatio: Number.isFinite(ratio) ? ratio : undefined,
        divergedAt: range?.divergedAt, smokeDiverged: smoke ? diverged(smoke) : undefined,
      },
      suggestion: replaceValue(evidence.source, learningRateKey(evidence.source), fmt(suggested)),
    }];
  },
};
