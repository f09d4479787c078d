import type { ColumnStats } from '../data/types.ts';
import type { TargetPreprocessing } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { activationKeyOf, activationRange, CROSSENTROPY_LOSSES, finalActivationName, fmt, outputActivationLayer, seenLabels, staticMeta } from './shared.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';
import { maxOf, minOf } from '../extremes.ts';

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

export const check: Check = {
  meta: staticMeta('target-out-of-activation-range', 'Targets lie outside what the output can produce', 'final activation', 'error', ['data']),
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
      ? setFlowMapValue(evidence.source, layer.keyPath, 'activation', 'linear') ?? replaceValue(evidence.source, `${layer.keyPath}.activation`, 'linear')
      : undefined;
    return [{
      message:
        `The output activation ${activation} can only produce values in [${fmt(allowed.low)}, ${fmt(allowed.high)}], but the targets ` +
        `(${data.train.split.targetNames.join(', ')}, after targets: ${evidence.config.preprocessing.targets}) range from ${fmt(seen.min)} to ${fmt(seen.max)}. ` +
        'The model can never reach those targets: the loss stays high and the output saturates, where its gradient vanishes.',
      fix: evidence.task === 'regression'
        ? 'Use a linear output (`activation: linear`) for unbounded regression targets, or scale the targets into the activation\'s range (`targets: minmax` for sigmoid).'
        : `Make the targets fit [${fmt(allowed.low)}, ${fmt(allowed.high)}] or pick an output activation whose range covers them.`,
      key: activationKeyOf(outputActivationLayer(evidence)),
      evidence: { activation, allowed: { low: allowed.low, high: allowed.high }, targetMin: seen.min, targetMax: seen.max, preprocessing: evidence.config.preprocessing.targets },
      suggestion: evidence.task === 'regression' ? suggestion : undefined,
    }];
  },
};
