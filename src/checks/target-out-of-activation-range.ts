import type { ColumnStats } from '../data/types.ts';
import type { TargetPreprocessing } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft, FixVariant } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import {
  activationKeyOf,
  activationRange,
  CROSSENTROPY_LOSSES,
  finalActivationName,
  fmt,
  outputActivationLayer,
  REGRESSION_LOSSES,
  seenLabels,
  staticMeta,
} from './shared.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';
import { maxOf, minOf } from '../extremes.ts';
import { withOutputActivation } from './config-fixes.ts';

const TOLERANCE = 1e-6;

/** The target range the model is actually fitted to, after the declared target preprocessing. */
function processedRange(targets: ColumnStats[], preprocessing: TargetPreprocessing): { min: number; max: number } | undefined {
  const finite = targets.filter((t) => Number.isFinite(t.min) && Number.isFinite(t.max));
  if (finite.length === 0) return undefined;
  if (preprocessing === 'minmax' || preprocessing === 'one_hot') return { min: 0, max: 1 };
  if (preprocessing === 'standardize') {
    const scaled = finite.filter((t) => t.std > 0).map((t) => ({ min: (t.min - t.mean) / t.std, max: (t.max - t.mean) / t.std }));
    if (scaled.length === 0) return undefined;
    return { min: minOf(scaled.map((s) => s.min)), max: maxOf(scaled.map((s) => s.max)) };
  }
  return { min: minOf(finite.map((t) => t.min)), max: maxOf(finite.map((t) => t.max)) };
}

/** A regression loss wants an unbounded output: the fix run tries a linear one. */
function linearOutputForRegression(evidence: Evidence): FixVariant | undefined {
  if (!REGRESSION_LOSSES.has(evidence.config.training.loss)) return undefined;
  return withOutputActivation(evidence, 'linear');
}

type OutOfRange = { activation: string; low: number; high: number; targets: string[]; preprocessing: string; targetMin: number; targetMax: number };

export const messages = defineMessages({
  'targets-out-of-range': says<OutOfRange>(
    (d) =>
      `The output activation ${d.activation} can only produce values in [${fmt(d.low)}, ${fmt(d.high)}], but the targets ` +
      `(${d.targets.join(', ')}, after targets: ${d.preprocessing}) range from ${fmt(d.targetMin)} to ${fmt(d.targetMax)}. ` +
      'The model can never reach those targets: the loss stays high and the output saturates, where its gradient vanishes.',
    (d) =>
      `The output activation ${d.activation} produces [${fmt(d.low)}, ${fmt(d.high)}], but the targets range from ${fmt(d.targetMin)} to ${fmt(d.targetMax)}.`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('target-out-of-activation-range', 'Targets lie outside what the output can produce', 'final activation', 'error', ['data']),
    section: 'labels',
    fix: linearOutputForRegression,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const { loss } = evidence.config.training;
    // Crossentropy labels are class ids or probabilities, not output values: label-encoding-mismatch covers them.
    if (CROSSENTROPY_LOSSES.has(loss) || loss === 'nll_loss' || loss === 'kl_div') return [];
    const activation = finalActivationName(evidence);
    const labels = seenLabels(evidence)!;
    // A softmax over C units scored against one column of class ids is output-activation-mismatch's case.
    if (activation === 'softmax' && evidence.model.outputUnits > 1 && labels.width === 1) return [];
    const allowed = activationRange(activation);
    if (!allowed) return [];
    const seen = processedRange(data.train.split.targets, evidence.config.preprocessing.targets);
    if (!seen) return [];
    if (seen.min >= allowed.low - TOLERANCE && seen.max <= allowed.high + TOLERANCE) return [];
    const layer = outputActivationLayer(evidence)?.layer;
    const suggestion = layer?.keyPath
      ? (setFlowMapValue(evidence.source, layer.keyPath, 'activation', 'linear') ?? replaceValue(evidence.source, `${layer.keyPath}.activation`, 'linear'))
      : undefined;
    return [
      {
        message: message(messages, 'targets-out-of-range', {
          activation,
          low: allowed.low,
          high: allowed.high,
          targets: data.train.split.targetNames,
          preprocessing: evidence.config.preprocessing.targets,
          targetMin: seen.min,
          targetMax: seen.max,
        }),
        fix:
          evidence.task === 'regression'
            ? "Use a linear output (`activation: linear`) for unbounded regression targets, or scale the targets into the activation's range (`targets: minmax` for sigmoid)."
            : `Make the targets fit [${fmt(allowed.low)}, ${fmt(allowed.high)}] or pick an output activation whose range covers them.`,
        key: activationKeyOf(outputActivationLayer(evidence)),
        evidence: {
          activation,
          allowed: { low: allowed.low, high: allowed.high },
          targetMin: seen.min,
          targetMax: seen.max,
          preprocessing: evidence.config.preprocessing.targets,
        },
        suggestion: evidence.task === 'regression' ? suggestion : undefined,
      },
    ];
  },
};
