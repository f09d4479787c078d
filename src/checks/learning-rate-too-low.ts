import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { docsPath, fmt, isAdaptiveOptimizer } from './shared.ts';
import { finalLoss, medianUpdateRatio, startLoss } from './smoke-stats.ts';
import { replaceValue } from './locate.ts';
import { learningRateKey, learningRateSetting } from './vocabulary.ts';
import { MAX_ADAPTIVE_LR, MAX_SGD_LR } from './learning-rate-too-high.ts';
import { suggestedLearningRate } from './config-fixes.ts';

export const MIN_ADAPTIVE_LR = 1e-6;
export const MIN_SGD_LR = 1e-5;
/** Updates below this fraction of the weights barely change the model (DeepDiagnosis, TheDeepChecker). */
export const MIN_UPDATE_RATIO = 1e-5;
/** The range test's working rate this many times higher means the configured one wastes most of the run. */
export const RANGE_TEST_FACTOR = 30;
const BARELY_MOVED = 0.99;
/** The range test only counts when the smoke loss kept more than this fraction of its start. */
export const SLOW_PROGRESS = 0.5;

/** Why the rate looks too low, as data; `reasonText` words each. */
export type LowRateReason =
  | { kind: 'below-limit'; limit: number; optimizer: string }
  | { kind: 'tiny-updates'; medianUpdateRatio: number; limit: number; startLoss: number; finalLoss: number }
  | { kind: 'range-test-higher'; suggestedLr: number; factor: number };

function reasonText(r: LowRateReason, lr: number): string {
  switch (r.kind) {
    case 'below-limit':
      return `${fmt(lr)} is below ${fmt(r.limit)}, where ${r.optimizer} barely moves the weights`;
    case 'tiny-updates':
      return `the smoke run's updates were ${fmt(r.medianUpdateRatio)} of the weights' size (expected at least ${fmt(r.limit)}) and the loss went only from ${fmt(r.startLoss)} to ${fmt(r.finalLoss)}`;
    case 'range-test-higher':
      return `the learning-rate range test found ${fmt(r.suggestedLr)} works, ${fmt(r.factor)} times higher`;
  }
}

type TooLow = { learningRate: number; optimizer: string; reasons: LowRateReason[] };

export const messages = defineMessages({
  'rate-too-low': says<TooLow>(
    (d) =>
      `The learning rate ${fmt(d.learningRate)} (${d.optimizer}) looks too low: ${d.reasons.map((r) => reasonText(r, d.learningRate)).join('; ')}. Training will spend its whole budget hardly moving, which looks like a model that cannot learn.`,
    (d) => {
      const r = d.reasons[0];
      const why =
        r.kind === 'below-limit'
          ? `below ${fmt(r.limit)}`
          : r.kind === 'tiny-updates'
            ? `updates ${fmt(r.medianUpdateRatio)} of the weights' size`
            : `the range test found ${fmt(r.suggestedLr)} works`;
      return `The learning rate ${fmt(d.learningRate)} (${d.optimizer}) looks too low: ${why}.`;
    },
  ),
});

export const check: Check = {
  meta: {
    id: 'learning-rate-too-low',
    title: 'Learning rate too low',
    pitfall: 'learning rate',
    kind: 'static+smoke',
    defaultSeverity: 'warning',
    docs: docsPath('learning-rate-too-low'),
    needs: [],
    section: 'loss',
    fix: suggestedLearningRate,
    messages,
  },
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
    const rangeSaysHigher =
      range !== undefined &&
      Number.isFinite(range.suggestedLr) &&
      range.suggestedLr >= RANGE_TEST_FACTOR * lr &&
      range.suggestedLr <= highestSane &&
      !progressing;
    if (!staticLow && !tinyUpdates && !rangeSaysHigher) return [];
    const suggested = rangeSaysHigher ? range!.suggestedLr : adaptive ? 0.001 : 0.01;
    const reasons: LowRateReason[] = [];
    if (staticLow) reasons.push({ kind: 'below-limit', limit, optimizer: optimizer.name });
    if (tinyUpdates) reasons.push({ kind: 'tiny-updates', medianUpdateRatio: ratio, limit: MIN_UPDATE_RATIO, startLoss: start, finalLoss: end });
    if (rangeSaysHigher) reasons.push({ kind: 'range-test-higher', suggestedLr: range!.suggestedLr, factor: range!.suggestedLr / lr });
    return [
      {
        message: message(messages, 'rate-too-low', { learningRate: lr, optimizer: optimizer.name, reasons }),
        fix: `Raise the learning rate to about ${fmt(suggested)} (\`${learningRateSetting(evidence.source, fmt(suggested))}\`).`,
        key: learningRateKey(evidence.source),
        evidence: {
          learningRate: lr,
          optimizer: optimizer.name,
          limit,
          suggested,
          medianUpdateRatio: Number.isFinite(ratio) ? ratio : undefined,
          startLoss: Number.isFinite(start) ? start : undefined,
          finalLoss: Number.isFinite(end) ? end : undefined,
        },
        suggestion: replaceValue(evidence.source, learningRateKey(evidence.source), fmt(suggested)),
      },
    ];
  },
};
