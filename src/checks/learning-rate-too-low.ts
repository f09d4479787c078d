import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { docsPath, fmt, isAdaptiveOptimizer } from './shared.ts';
import { finalLoss, medianUpdateRatio, startLoss } from './smoke-stats.ts';
import { replaceValue } from './locate.ts';
import { learningRateKey, learningRateSetting } from './vocabulary.ts';
import { MAX_ADAPTIVE_LR, MAX_SGD_LR } from './learning-rate-too-high.ts';

export const MIN_ADAPTIVE_LR = 1e-6;
export const MIN_SGD_LR = 1e-5;
/** Updates below this fraction of the weights barely change the model (DeepDiagnosis, TheDeepChecker). */
export const MIN_UPDATE_RATIO = 1e-5;
/** The range test's working rate this many times higher means the configured one wastes most of the run. */
export const RANGE_TEST_FACTOR = 30;
const BARELY_MOVED = 0.99;
/** The range test only counts when the smoke loss kept more than this fraction of its start. */
export const SLOW_PROGRESS = 0.5;

export const check: Check = {
  meta: { id: 'learning-rate-too-low', title: 'Learning rate too low', pitfall: 'learning rate', kind: 'static+smoke', defaultSeverity: 'warning', docs: docsPath('learning-rate-too-low'), needs: [] },
  run(evidence: Evidence): FindingDraft[] {
    const { learning_rate: lr, optimizer } = evidence.config.training;
    const adaptive = isAdaptiveOptimizer(optimizer.name);
    const limit = adaptive ? MIN_ADAPTIVE_LR : MIN_SGD_LR;
    const staticLow = lr > 0 && lr < limit;
    const smoke = evidence.smoke;
    const ratio = smoke ? medianUpdateRatio(smoke) : Number.NaN;
    const start = smoke ? startLoss(smoke) : Number.NaN;
    const end = smoke ? finalLoss(smoke.loss) : Number.NaN;
    const barelyMoved = Number.isFinite(start) && Number.isFinite(end) && start > 0 && end >= BARELY_MOVED * start;
    // Zero updates mean zero gradients (dead units, a one-unit softmax): no learning rate moves those, vanishing-gradients names them.
    const tinyUpdates = barelyMoved && Number.isFinite(ratio) && ratio > 0 && ratio < MIN_UPDATE_RATIO;
    const range = smoke?.controls.lrRange;
    // Range tests suggest aggressive rates; a run that already halved its loss is learning fine at the configured one.
    const progressing = Number.isFinite(start) && Number.isFinite(end) && start > 0 && end <= SLOW_PROGRESS * start;
    // A suggestion above the rate learning-rate-too-high flags would only trade one warning for the other.
    const highestSane = adaptive ? MAX_ADAPTIVE_LR : MAX_SGD_LR;
    const rangeSaysHigher = range !== undefined && Number.isFinite(range.suggestedLr) && range.suggestedLr >= RANGE_TEST_FACTOR * lr && range.suggestedLr <= highestSane && !progressing;
    if (!staticLow && !tinyUpdates && !rangeSaysHigher) return [];
    const suggested = rangeSaysHigher ? range!.suggestedLr : adaptive ? 0.001 : 0.01;
    const reasons: string[] = [];
    if (staticLow) reasons.push(`${fmt(lr)} is below ${fmt(limit)}, where ${optimizer.name} barely moves the weights`);
    if (tinyUpdates) reasons.push(`the smoke run's updates were ${fmt(ratio)} of the weights' size (expected at least ${fmt(MIN_UPDATE_RATIO)}) and the loss went only from ${fmt(start)} to ${fmt(end)}`);
    if (rangeSaysHigher) reasons.push(`the learning-rate range test found ${fmt(range!.suggestedLr)} works, ${fmt(range!.suggestedLr / lr)} times higher`);
    return [{
      message: `The learning rate ${fmt(lr)} (${optimizer.name}) looks too low: ${reasons.join('; ')}. Training will spend its whole budget hardly moving, which looks like a model that cannot learn.`,
      fix: `Raise the learning rate to about ${fmt(suggested)} (\`${learningRateSetting(evidence.source, fmt(suggested))}\`).`,
      key: learningRateKey(evidence.source),
      evidence: {
        learningRate: lr, optimizer: optimizer.name, limit, suggested,
        medianUpdateRatio: Number.isFinite(ratio) ? ratio : undefined,
        startLoss: Number.isFinite(start) ? start : undefined, finalLoss: Number.isFinite(end) ? end : undefined,
      },
      suggestion: replaceValue(evidence.source, learningRateKey(evidence.source), fmt(suggested)),
    }];
  },
};
