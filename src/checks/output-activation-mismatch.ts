import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft, LineSuggestion } from './types.ts';
import { activationKeyOf, CROSSENTROPY_LOSSES, finalActivationName, outputActivationLayer, REGRESSION_LOSSES, seenLabels, staticMeta } from './shared.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';
import { activationWord, isPytorch, lossWord } from './vocabulary.ts';
import { LOG_PROBABILITY_LOSSES } from '../engine/losses.ts';

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
    const base = { loss, activation, outputUnits: units, fromLogits, ...(evidence.config.training.torch_loss ? { torchLoss: evidence.config.training.torch_loss } : {}) };

    if (evidence.model.finalActivation.split('+').filter((a) => a === 'softmax').length > 1) {
      return [{
        severity: 'warning',
        message: 'The output applies softmax twice. The second softmax squashes probabilities that already sum to 1 into a nearly uniform vector, so the loss barely responds to the weights.',
        fix: 'Keep one softmax: remove the extra `activation: softmax` layer, or make the dense layer linear.',
        key,
        evidence: { ...base, finalActivation: evidence.model.finalActivation },
      }];
    }
    const torch = isPytorch(evidence.config);
    if (activation === 'softmax' && units === 1) {
      return [{
        message: `The output layer is ${torch ? '`nn.Softmax`' : 'softmax'} over 1 unit. Softmax normalizes across units, so a single unit always outputs exactly 1: the prediction never depends on the input and the gradient is zero.`,
        fix: torch
          ? 'For a binary task use one raw output (no activation) with `BCEWithLogitsLoss`; for C classes use C raw outputs with `CrossEntropyLoss`.'
          : 'For a binary task use one unit with `activation: sigmoid` and binary_crossentropy; for C classes use C softmax units.',
        key,
        evidence: base,
        suggestion: activationSuggestion(evidence, torch && fromLogits ? 'linear' : 'sigmoid'),
      }];
    }
    if (LOG_PROBABILITY_LOSSES.has(loss) && activation !== 'log_softmax') {
      return [logProbabilityFinding(evidence, activation, key, base)];
    }
    if (torch) {
      const torchFinding = pytorchFinding(evidence, activation, key, base);
      if (torchFinding) return [torchFinding];
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

type Base = Record<string, unknown>;

/** NLLLoss and KLDivLoss read log-probabilities: anything but a LogSoftmax output is a silent bug. */
function logProbabilityFinding(evidence: Evidence, activation: string, key: string, base: Base): FindingDraft {
  const loss = lossWord(evidence.config);
  const output = activationWord(evidence.config, activation);
  const probabilities = activation === 'softmax' || activation === 'sigmoid';
  return {
    message: probabilities
      ? `${loss} takes log-probabilities, but the output is ${output}, which gives probabilities: ${loss === 'NLLLoss' ? 'the loss becomes -p(true class), bounded in [-1, 0], whose gradient vanishes as soon as any class dominates' : 'the loss compares probabilities with log-probabilities and its minimum is not at the target'}.`
      : `${loss} takes log-probabilities, but the output has ${activation === 'linear' ? 'no activation' : output}: ${loss === 'NLLLoss' ? 'the loss is then just -x[true class], unbounded below, so training drives the raw outputs to infinity instead of learning the classes' : 'raw outputs are not log-probabilities, so the loss has no minimum at the target'}.`,
    fix: `End the model with \`nn.LogSoftmax(dim=1)\` (\`activation: log_softmax\`)${loss === 'NLLLoss' ? ', or drop it and use `CrossEntropyLoss`, which applies log-softmax itself' : ''}.`,
    key,
    evidence: { ...base, expected: 'log_softmax' },
    suggestion: activationSuggestion(evidence, 'log_softmax'),
  };
}

/** The classic PyTorch pitfalls between the last module and the loss, in PyTorch's words. */
function pytorchFinding(evidence: Evidence, activation: string, key: string, base: Base): FindingDraft | undefined {
  const { loss, from_logits: fromLogits } = evidence.config.training;
  const lossName = lossWord(evidence.config);
  const output = activationWord(evidence.config, activation);
  if (CROSSENTROPY_LOSSES.has(loss) && fromLogits && PROBABILITY_OUTPUTS.has(activation)) {
    const applies = lossName === 'BCEWithLogitsLoss' ? 'applies the sigmoid itself' : 'applies log-softmax itself';
    return {
      severity: 'warning',
      message:
        `The output ends with \`${output}\`, but \`${lossName}\` takes logits and ${applies}: the probabilities are fed in as logits and squashed twice, ` +
        'which flattens the loss and slows learning (a classic silent bug: it still trains, just badly).',
      fix: `Remove the \`${output}\`: \`${lossName}\` ${applies}. Apply ${activation} only at inference time.`,
      key,
      evidence: base,
      suggestion: activationSuggestion(evidence, 'linear'),
    };
  }
  if (loss === 'binary_crossentropy' && !fromLogits && !PROBABILITY_OUTPUTS.has(activation)) {
    return {
      message:
        `\`BCELoss\` takes probabilities in [0, 1], but the output has ${activation === 'linear' ? 'no activation' : `\`${output}\``}: outside [0, 1] PyTorch stops with "all elements of input should be between 0 and 1", and inside it the log terms are clamped at -100, so the gradient is wrong or zero.`,
      fix: 'Use `BCEWithLogitsLoss` on the raw output (it applies the sigmoid itself and is numerically stable), or end the model with `nn.Sigmoid`.',
      key: 'training.loss',
      evidence: { ...base, expected: 'sigmoid' },
      suggestion: replaceValue(evidence.source, 'training.loss', 'BCEWithLogitsLoss') ?? activationSuggestion(evidence, 'sigmoid'),
    };
  }
  const labels = evidence.data?.labels;
  const classIds = labels ? (labels.encoding === 'class-ids' || labels.encoding === 'binary') && labels.width === 1 : evidence.task === 'multiclass';
  if (activation === 'softmax' && REGRESSION_LOSSES.has(loss) && evidence.model.outputUnits > 1 && classIds) {
    return {
      message:
        `A ${evidence.model.outputUnits}-way \`nn.Softmax\` output is trained with \`${lossName}\` against ${labels ? `one column of class indices (${labels.min} to ${labels.max})` : 'class indices'}. ` +
        `Probabilities in [0, 1] can never equal a class index: ${lossName} broadcasts each index against all ${evidence.model.outputUnits} outputs and the model learns nothing useful.`,
      fix: 'Use `CrossEntropyLoss` with the class indices as targets, and remove the `nn.Softmax` (CrossEntropyLoss takes logits).',
      key: 'training.loss',
      evidence: { ...base, labelMin: labels?.min, labelMax: labels?.max },
      suggestion: replaceValue(evidence.source, 'training.loss', 'CrossEntropyLoss'),
    };
  }
  return undefined;
}
