import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft, LineSuggestion } from './types.ts';
import { activationKeyOf, CROSSENTROPY_LOSSES, finalActivationName, outputActivationLayer, REGRESSION_LOSSES, seenLabels, staticMeta } from './shared.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';

const PROBABILITY_OUTPUTS = new Set(['sigmoid', 'softmax']);

function activationSuggestion(evidence: Evidence, activation: string): LineSuggestion | undefined {
  const layer = outputActivationLayer(evidence)?.layer;
  if (!layer?.keyPath) return undefined;
  return setFlowMapValue(evidence.source, layer.keyPath, 'activation', activation) ?? replaceValue(evidence.source, `${layer.keyPath}.activation`, activation);
}

// Sigmoid on unbounded regression targets is left to target-out-of-activation-range, which names the numbers.
export const check: Check = {
  meta: staticMeta('output-activation-mismatch', 'Output activation does not fit the loss', 'final activation', 'error'),
  run(evidence: Evidence): FindingDraft[] {
    const { loss, from_logits: fromLogits } = evidence.config.training;
    const activation = finalActivationName(evidence);
    const units = evidence.model.outputUnits;
    const labels = seenLabels(evidence);
    const key = activationKeyOf(outputActivationLayer(evidence));
    const base = { loss, activation, outputUnits: units, fromLogits };

    if (evidence.model.finalActivation.split('+').filter((a) => a === 'softmax').length > 1) {
      return [{
        severity: 'warning',
        message: 'The output applies softmax twice. The second softmax squashes probabilities that already sum to 1 into a nearly uniform vector, so the loss barely responds to the weights.',
        fix: 'Keep one softmax: remove the extra `activation: softmax` layer, or make the dense layer linear.',
        key,
        evidence: { ...base, finalActivation: evidence.model.finalActivation },
      }];
    }
    if (activation === 'softmax' && units === 1) {
      return [{
        message: 'The output layer is softmax over 1 unit. Softmax normalizes across units, so a single unit always outputs exactly 1: the prediction never depends on the input and the gradient is zero.',
        fix: 'For a binary task use one unit with `activation: sigmoid` and binary_crossentropy; for C classes use C softmax units.',
        key,
        evidence: base,
        suggestion: activationSuggestion(evidence, 'sigmoid'),
      }];
    }
    if (CROSSENTROPY_LOSSES.has(loss) && !fromLogits && !PROBABILITY_OUTPUTS.has(activation)) {
      const wanted = loss === 'binary_crossentropy' ? 'sigmoid' : 'softmax';
      return [{
        message:
          `The output activation is ${activation}, but ${loss} with from_logits: false expects probabilities (${wanted} outputs in [0, 1]). ` +
          'The loss clips the raw outputs to [1e-7, 1 - 1e-7], so most outputs give a constant loss and a zero gradient.',
        fix: `Use \`activation: ${wanted}\` on the output layer, or keep it linear and set \`from_logits: true\` under training.`,
        key,
        evidence: { ...base, expected: wanted },
        suggestion: activationSuggestion(evidence, wanted) ?? replaceValue(evidence.source, 'training.from_logits', 'true'),
      }];
    }
    if (CROSSENTROPY_LOSSES.has(loss) && fromLogits && PROBABILITY_OUTPUTS.has(activation)) {
      return [{
        severity: 'warning',
        message: `from_logits: true tells ${loss} to apply ${activation} itself, but the output already applies ${activation}: the probabilities are squashed twice, which flattens the loss and slows learning.`,
        fix: 'Either set `from_logits: false`, or make the output layer linear.',
        key: 'training.from_logits',
        evidence: base,
        suggestion: replaceValue(evidence.source, 'training.from_logits', 'false'),
      }];
    }
    if (activation === 'sigmoid' && loss === 'categorical_crossentropy' && units > 1) {
      return [{
        severity: 'warning',
        message: `categorical_crossentropy expects ${units} outputs that sum to 1, but the output is ${units} independent sigmoids. The loss only rewards raising the true class and never pushes the others down, so the scores are not comparable.`,
        fix: 'Use `activation: softmax` with categorical_crossentropy (or sigmoid with binary_crossentropy for multi-label targets).',
        key,
        evidence: base,
        suggestion: activationSuggestion(evidence, 'softmax'),
      }];
    }
    if (activation === 'softmax' && labels?.encoding === 'multi-hot') {
      return [{
        severity: 'warning',
        message: `${labels.multiHotRows ?? 'Some'} label rows hold several 1s (multi-label), but softmax makes the ${units} outputs compete and sum to 1, so two true labels can each reach at most 0.5.`,
        fix: 'For multi-label targets use `activation: sigmoid` with binary_crossentropy.',
        key,
        evidence: { ...base, multiHotRows: labels.multiHotRows },
        suggestion: activationSuggestion(evidence, 'sigmoid'),
      }];
    }
    if (activation === 'softmax' && loss === 'binary_crossentropy' && units > 1 && labels?.encoding === 'one-hot') {
      return [{
        severity: 'warning',
        message: `The labels are one-hot rows over ${units} classes (one class per row) but the loss is binary_crossentropy, which scores each unit as an independent yes/no question instead of one choice among ${units}.`,
        fix: 'Use `loss: categorical_crossentropy` with a softmax output for one-hot multiclass labels.',
        key: 'training.loss',
        evidence: { ...base, encoding: labels.encoding },
        suggestion: replaceValue(evidence.source, 'training.loss', 'categorical_crossentropy'),
      }];
    }
    const classIdLabels = labels ? (labels.encoding === 'class-ids' || labels.encoding === 'binary') && labels.width === 1 : evidence.task === 'multiclass';
    if (activation === 'softmax' && REGRESSION_LOSSES.has(loss) && units > 1 && classIdLabels) {
      return [{
        message:
          `A ${units}-unit softmax output is trained with ${loss} against ${labels ? `one column of class ids (${labels.min} to ${labels.max})` : 'class ids'}. ` +
          `Softmax outputs lie in [0, 1] and sum to 1, so they can never equal a class id; the loss compares each id against all ${units} probabilities and the model learns nothing useful.`,
        fix: 'Use `loss: sparse_categorical_crossentropy` for integer class ids with a softmax output.',
        key: 'training.loss',
        evidence: { ...base, labelMin: labels?.min, labelMax: labels?.max },
        suggestion: replaceValue(evidence.source, 'training.loss', 'sparse_categorical_crossentropy'),
      }];
    }
    // A regression loss on one-hot rows fits class indicators: it trains and ranks classes, so it is no
    // fault, but crossentropy gives larger gradients on confident mistakes. A notice with the reason, never more.
    const indicatorRows = labels !== undefined && (labels.encoding === 'one-hot' || labels.encoding === 'multi-hot') && labels.width > 1;
    if (REGRESSION_LOSSES.has(loss) && indicatorRows && units === labels!.width) {
      const wanted = labels!.encoding === 'one-hot' ? 'softmax output with categorical_crossentropy' : 'sigmoid output with binary_crossentropy';
      return [{
        severity: 'notice',
        message:
          `The ${units} ${activation} outputs are trained with ${loss} on ${labels!.encoding} rows${evidence.config.preprocessing.targets === 'one_hot' ? ' (after `targets: one_hot`)' : ''}. ` +
          'This is a regression onto class indicators: it trains and can rank the classes, but its gradient fades as an output nears its target, ' +
          'so confident mistakes are corrected slowly and the outputs are not calibrated probabilities.',
        fix: `If the outputs are meant as class probabilities, use a ${wanted}.`,
        key: 'training.loss',
        evidence: { ...base, encoding: labels!.encoding, labelWidth: labels!.width },
      }];
    }
    return [];
  },
};
