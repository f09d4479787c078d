import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft, FixVariant, LineSuggestion } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { activationKeyOf, CROSSENTROPY_LOSSES, finalActivationName, outputActivationLayer, REGRESSION_LOSSES, seenLabels, staticMeta } from './shared.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';
import { activationWord, isPytorch, lossWord } from './vocabulary.ts';
import { LOG_PROBABILITY_LOSSES } from '../engine/losses.ts';
import type { PreflightConfig } from '../config/types.ts';
import { withOutputActivation } from './config-fixes.ts';

const PROBABILITY_OUTPUTS = new Set(['sigmoid', 'softmax']);

function activationSuggestion(evidence: Evidence, activation: string): LineSuggestion | undefined {
  const layer = outputActivationLayer(evidence)?.layer;
  if (!layer?.keyPath) return undefined;
  return setFlowMapValue(evidence.source, layer.keyPath, 'activation', activation) ?? replaceValue(evidence.source, `${layer.keyPath}.activation`, activation);
}

// Sigmoid on unbounded regression targets is left to target-out-of-activation-range, which names the numbers.
/** The output activation the loss expects: probabilities for crossentropy, raw values for regression or logits. */
function expectedOutputActivation(config: PreflightConfig): string | undefined {
  const { loss, from_logits: fromLogits } = config.training;
  if (CROSSENTROPY_LOSSES.has(loss)) return fromLogits ? 'linear' : loss === 'binary_crossentropy' ? 'sigmoid' : 'softmax';
  // PyTorch's NLLLoss and KLDivLoss take log-probabilities.
  if (loss === 'nll_loss' || loss === 'kl_div') return 'log_softmax';
  if (REGRESSION_LOSSES.has(loss)) return 'linear';
  return undefined;
}

function matchingOutputActivation(evidence: Evidence): FixVariant | undefined {
  const wanted = evidence.model.outputUnits === 1 && evidence.model.finalActivation === 'softmax' ? 'sigmoid' : expectedOutputActivation(evidence.config);
  return wanted ? withOutputActivation(evidence, wanted) : undefined;
}

type Ids = { labelMin?: number; labelMax?: number };
const idRange = (d: Ids, word: string) => (d.labelMin !== undefined ? `one column of ${word} (${d.labelMin} to ${d.labelMax})` : word);

export const messages = defineMessages({
  'double-softmax': says<Record<string, never>>(
    () =>
      'The output applies softmax twice. The second softmax squashes probabilities that already sum to 1 into a nearly uniform vector, so the loss barely responds to the weights.',
    () => 'The output applies softmax twice, which squashes the probabilities into a nearly uniform vector.',
  ),
  'softmax-one-unit': says<{ torch: boolean }>(
    (d) =>
      `The output layer is ${d.torch ? '`nn.Softmax`' : 'softmax'} over 1 unit. Softmax normalizes across units, so a single unit always outputs exactly 1: the prediction never depends on the input and the gradient is zero.`,
    (d) => `The output layer is ${d.torch ? '`nn.Softmax`' : 'softmax'} over 1 unit, so it always outputs exactly 1.`,
  ),
  'log-probability-loss': says<{ loss: string; output: string; activation: string; probabilities: boolean }>(
    (d) =>
      d.probabilities
        ? `${d.loss} takes log-probabilities, but the output is ${d.output}, which gives probabilities: ${d.loss === 'NLLLoss' ? 'the loss becomes -p(true class), bounded in [-1, 0], whose gradient vanishes as soon as any class dominates' : 'the loss compares probabilities with log-probabilities and its minimum is not at the target'}.`
        : `${d.loss} takes log-probabilities, but the output has ${d.activation === 'linear' ? 'no activation' : d.output}: ${d.loss === 'NLLLoss' ? 'the loss is then just -x[true class], unbounded below, so training drives the raw outputs to infinity instead of learning the classes' : 'raw outputs are not log-probabilities, so the loss has no minimum at the target'}.`,
    (d) =>
      `${d.loss} takes log-probabilities, but the output ${d.probabilities ? `is ${d.output}` : `has ${d.activation === 'linear' ? 'no activation' : d.output}`}.`,
  ),
  'torch-squashed-twice': says<{ output: string; loss: string; applies: string }>(
    (d) =>
      `The output ends with \`${d.output}\`, but \`${d.loss}\` takes logits and ${d.applies}: the probabilities are fed in as logits and squashed twice, ` +
      'which flattens the loss and slows learning (a classic silent bug: it still trains, just badly).',
    (d) => `The output ends with \`${d.output}\`, but \`${d.loss}\` takes logits and ${d.applies}, so the outputs are squashed twice.`,
  ),
  'torch-bce-raw-output': says<{ output: string; activation: string }>(
    (d) =>
      `\`BCELoss\` takes probabilities in [0, 1], but the output has ${d.activation === 'linear' ? 'no activation' : `\`${d.output}\``}: outside [0, 1] PyTorch stops with "all elements of input should be between 0 and 1", and inside it the log terms are clamped at -100, so the gradient is wrong or zero.`,
    (d) => `\`BCELoss\` takes probabilities in [0, 1], but the output has ${d.activation === 'linear' ? 'no activation' : `\`${d.output}\``}.`,
  ),
  'torch-softmax-regression': says<Ids & { outputUnits: number; loss: string }>(
    (d) =>
      `A ${d.outputUnits}-way \`nn.Softmax\` output is trained with \`${d.loss}\` against ${idRange(d, 'class indices')}. ` +
      `Probabilities in [0, 1] can never equal a class index: ${d.loss} broadcasts each index against all ${d.outputUnits} outputs and the model learns nothing useful.`,
    (d) => `A ${d.outputUnits}-way \`nn.Softmax\` output is trained with \`${d.loss}\` against class indices it can never equal.`,
  ),
  'crossentropy-needs-probabilities': says<{ activation: string; loss: string; expected: string }>(
    (d) =>
      `The output activation is ${d.activation}, but ${d.loss} with from_logits: false expects probabilities (${d.expected} outputs in [0, 1]). ` +
      'The loss clips the raw outputs to [1e-7, 1 - 1e-7], so most outputs give a constant loss and a zero gradient.',
    (d) => `The output activation is ${d.activation}, but ${d.loss} with from_logits: false expects ${d.expected} probabilities.`,
  ),
  'from-logits-on-probabilities': says<{ activation: string; loss: string }>(
    (d) =>
      `from_logits: true tells ${d.loss} to apply ${d.activation} itself, but the output already applies ${d.activation}: the probabilities are squashed twice, which flattens the loss and slows learning.`,
    (d) => `from_logits: true tells ${d.loss} to apply ${d.activation} itself, but the output already applies ${d.activation}.`,
  ),
  'sigmoid-with-categorical': says<{ outputUnits: number }>(
    (d) =>
      `categorical_crossentropy expects ${d.outputUnits} outputs that sum to 1, but the output is ${d.outputUnits} independent sigmoids. The loss only rewards raising the true class and never pushes the others down, so the scores are not comparable.`,
    (d) => `categorical_crossentropy expects ${d.outputUnits} outputs that sum to 1, but the output is ${d.outputUnits} independent sigmoids.`,
  ),
  'softmax-on-multi-label': says<{ multiHotRows?: number; outputUnits: number }>(
    (d) =>
      `${d.multiHotRows ?? 'Some'} label rows hold several 1s (multi-label), but softmax makes the ${d.outputUnits} outputs compete and sum to 1, so two true labels can each reach at most 0.5.`,
    (d) => `${d.multiHotRows ?? 'Some'} label rows hold several 1s, but a softmax output makes the ${d.outputUnits} outputs compete.`,
  ),
  'binary-loss-on-one-hot': says<{ outputUnits: number }>(
    (d) =>
      `The labels are one-hot rows over ${d.outputUnits} classes (one class per row) but the loss is binary_crossentropy, which scores each unit as an independent yes/no question instead of one choice among ${d.outputUnits}.`,
    (d) => `The labels are one-hot rows over ${d.outputUnits} classes, but binary_crossentropy scores each unit as an independent yes/no.`,
  ),
  'softmax-regression': says<Ids & { outputUnits: number; loss: string }>(
    (d) =>
      `A ${d.outputUnits}-unit softmax output is trained with ${d.loss} against ${idRange(d, 'class ids')}. ` +
      `Softmax outputs lie in [0, 1] and sum to 1, so they can never equal a class id; the loss compares each id against all ${d.outputUnits} probabilities and the model learns nothing useful.`,
    (d) => `A ${d.outputUnits}-unit softmax output is trained with ${d.loss} against class ids it can never equal.`,
  ),
  'regression-on-indicators': says<{ outputUnits: number; activation: string; loss: string; encoding: string; afterOneHot: boolean }>(
    (d) =>
      `The ${d.outputUnits} ${d.activation} outputs are trained with ${d.loss} on ${d.encoding} rows${d.afterOneHot ? ' (after `targets: one_hot`)' : ''}. ` +
      'This is a regression onto class indicators: it trains and can rank the classes, but its gradient fades as an output nears its target, ' +
      'so confident mistakes are corrected slowly and the outputs are not calibrated probabilities.',
    (d) => `The ${d.outputUnits} ${d.activation} outputs are trained with ${d.loss} on ${d.encoding} rows, a regression onto class indicators.`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('output-activation-mismatch', 'Output activation does not fit the loss', 'final activation', 'error'),
    section: 'other',
    fix: matchingOutputActivation,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const { loss, from_logits: fromLogits } = evidence.config.training;
    const activation = finalActivationName(evidence);
    const units = evidence.model.outputUnits;
    const labels = seenLabels(evidence);
    const key = activationKeyOf(outputActivationLayer(evidence));
    const base = {
      loss,
      activation,
      outputUnits: units,
      fromLogits,
      ...(evidence.config.training.torch_loss ? { torchLoss: evidence.config.training.torch_loss } : {}),
    };

    if (evidence.model.finalActivation.split('+').filter((a) => a === 'softmax').length > 1) {
      return [
        {
          severity: 'warning',
          message: message(messages, 'double-softmax', {}),
          fix: 'Keep one softmax: remove the extra `activation: softmax` layer, or make the dense layer linear.',
          key,
          evidence: { ...base, finalActivation: evidence.model.finalActivation },
        },
      ];
    }
    const torch = isPytorch(evidence.config);
    if (activation === 'softmax' && units === 1) {
      return [
        {
          message: message(messages, 'softmax-one-unit', { torch }),
          fix: torch
            ? 'For a binary task use one raw output (no activation) with `BCEWithLogitsLoss`; for C classes use C raw outputs with `CrossEntropyLoss`.'
            : 'For a binary task use one unit with `activation: sigmoid` and binary_crossentropy; for C classes use C softmax units.',
          key,
          evidence: base,
          suggestion: activationSuggestion(evidence, torch && fromLogits ? 'linear' : 'sigmoid'),
        },
      ];
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
      return [
        {
          message: message(messages, 'crossentropy-needs-probabilities', { activation, loss, expected: wanted }),
          fix: `Use \`activation: ${wanted}\` on the output layer, or keep it linear and set \`from_logits: true\` under training.`,
          key,
          evidence: { ...base, expected: wanted },
          suggestion: activationSuggestion(evidence, wanted) ?? replaceValue(evidence.source, 'training.from_logits', 'true'),
        },
      ];
    }
    if (CROSSENTROPY_LOSSES.has(loss) && fromLogits && PROBABILITY_OUTPUTS.has(activation)) {
      return [
        {
          severity: 'warning',
          message: message(messages, 'from-logits-on-probabilities', { activation, loss }),
          fix: 'Either set `from_logits: false`, or make the output layer linear.',
          key: 'training.from_logits',
          evidence: base,
          suggestion: replaceValue(evidence.source, 'training.from_logits', 'false'),
        },
      ];
    }
    if (activation === 'sigmoid' && loss === 'categorical_crossentropy' && units > 1) {
      return [
        {
          severity: 'warning',
          message: message(messages, 'sigmoid-with-categorical', { outputUnits: units }),
          fix: 'Use `activation: softmax` with categorical_crossentropy (or sigmoid with binary_crossentropy for multi-label targets).',
          key,
          evidence: base,
          suggestion: activationSuggestion(evidence, 'softmax'),
        },
      ];
    }
    if (activation === 'softmax' && labels?.encoding === 'multi-hot') {
      return [
        {
          severity: 'warning',
          message: message(messages, 'softmax-on-multi-label', { multiHotRows: labels.multiHotRows, outputUnits: units }),
          fix: 'For multi-label targets use `activation: sigmoid` with binary_crossentropy.',
          key,
          evidence: { ...base, multiHotRows: labels.multiHotRows },
          suggestion: activationSuggestion(evidence, 'sigmoid'),
        },
      ];
    }
    if (activation === 'softmax' && loss === 'binary_crossentropy' && units > 1 && labels?.encoding === 'one-hot') {
      return [
        {
          severity: 'warning',
          message: message(messages, 'binary-loss-on-one-hot', { outputUnits: units }),
          fix: 'Use `loss: categorical_crossentropy` with a softmax output for one-hot multiclass labels.',
          key: 'training.loss',
          evidence: { ...base, encoding: labels.encoding },
          suggestion: replaceValue(evidence.source, 'training.loss', 'categorical_crossentropy'),
        },
      ];
    }
    const classIdLabels = labels ? (labels.encoding === 'class-ids' || labels.encoding === 'binary') && labels.width === 1 : evidence.task === 'multiclass';
    if (activation === 'softmax' && REGRESSION_LOSSES.has(loss) && units > 1 && classIdLabels) {
      return [
        {
          message: message(messages, 'softmax-regression', { outputUnits: units, loss, ...(labels ? { labelMin: labels.min, labelMax: labels.max } : {}) }),
          fix: 'Use `loss: sparse_categorical_crossentropy` for integer class ids with a softmax output.',
          key: 'training.loss',
          evidence: { ...base, labelMin: labels?.min, labelMax: labels?.max },
          suggestion: replaceValue(evidence.source, 'training.loss', 'sparse_categorical_crossentropy'),
        },
      ];
    }
    // A regression loss on one-hot rows fits class indicators: it trains and ranks classes, so it is no
    // fault, but crossentropy gives larger gradients on confident mistakes. A notice with the reason, never more.
    const indicatorRows = labels !== undefined && (labels.encoding === 'one-hot' || labels.encoding === 'multi-hot') && labels.width > 1;
    if (REGRESSION_LOSSES.has(loss) && indicatorRows && units === labels!.width) {
      const wanted = labels!.encoding === 'one-hot' ? 'softmax output with categorical_crossentropy' : 'sigmoid output with binary_crossentropy';
      return [
        {
          severity: 'notice',
          message: message(messages, 'regression-on-indicators', {
            outputUnits: units,
            activation,
            loss,
            encoding: labels!.encoding,
            afterOneHot: evidence.config.preprocessing.targets === 'one_hot',
          }),
          fix: `If the outputs are meant as class probabilities, use a ${wanted}.`,
          key: 'training.loss',
          evidence: { ...base, encoding: labels!.encoding, labelWidth: labels!.width },
        },
      ];
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
    message: message(messages, 'log-probability-loss', { loss, output, activation, probabilities }),
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
      message: message(messages, 'torch-squashed-twice', { output, loss: lossName, applies }),
      fix: `Remove the \`${output}\`: \`${lossName}\` ${applies}. Apply ${activation} only at inference time.`,
      key,
      evidence: base,
      suggestion: activationSuggestion(evidence, 'linear'),
    };
  }
  if (loss === 'binary_crossentropy' && !fromLogits && !PROBABILITY_OUTPUTS.has(activation)) {
    return {
      message: message(messages, 'torch-bce-raw-output', { output, activation }),
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
      message: message(messages, 'torch-softmax-regression', {
        outputUnits: evidence.model.outputUnits,
        loss: lossName,
        ...(labels ? { labelMin: labels.min, labelMax: labels.max } : {}),
      }),
      fix: 'Use `CrossEntropyLoss` with the class indices as targets, and remove the `nn.Softmax` (CrossEntropyLoss takes logits).',
      key: 'training.loss',
      evidence: { ...base, labelMin: labels?.min, labelMax: labels?.max },
      suggestion: replaceValue(evidence.source, 'training.loss', 'CrossEntropyLoss'),
    };
  }
  return undefined;
}
