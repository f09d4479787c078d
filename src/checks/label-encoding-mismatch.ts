import type { ColumnStats } from '../data/types.ts';
import type { Evidence, LabelSummary } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, seenLabels, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';
import { isPytorch, lossWord } from './vocabulary.ts';

function isIntegerIds(labels: LabelSummary): boolean {
  return (labels.encoding === 'class-ids' || labels.encoding === 'binary') && labels.width === 1;
}

function targetColumn(evidence: Evidence): string {
  return evidence.data?.train.split.targetNames.join(', ') || 'the target';
}

export const check: Check = {
  meta: staticMeta('label-encoding-mismatch', 'Labels do not fit the loss and output', 'preprocessing', 'error', ['data']),
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    // The labels as the loss receives them, after the declared target preprocessing.
    const labels = seenLabels(evidence)!;
    const { loss } = evidence.config.training;
    const units = evidence.model.outputUnits;
    const oneHotInPipeline = evidence.config.preprocessing.targets === 'one_hot';
    const column = targetColumn(evidence);
    const source = evidence.source;

    if (loss === 'categorical_crossentropy' && isIntegerIds(labels) && !oneHotInPipeline) {
      return [{
        message:
          `categorical_crossentropy expects one-hot label rows of width ${units}, but ${column} holds integer class ids ` +
          `(${fmt(labels.min)} to ${fmt(labels.max)}, one column). Keras either fails on the shape or broadcasts the ids against the ${units} outputs, ` +
          'which trains on a meaningless target.',
        fix: 'Use `loss: sparse_categorical_crossentropy` for integer class ids, or one-hot encode the labels (`targets: one_hot`).',
        key: 'training.loss',
        evidence: { loss, encoding: labels.encoding, labelWidth: labels.width, outputUnits: units, min: labels.min, max: labels.max },
        suggestion: replaceValue(source, 'training.loss', 'sparse_categorical_crossentropy'),
      }];
    }
    if (loss === 'sparse_categorical_crossentropy' && (labels.encoding === 'one-hot' || labels.encoding === 'multi-hot')) {
      return [{
        message:
          `sparse_categorical_crossentropy expects one integer class id per row, but the labels are ${labels.encoding} rows of width ${labels.width}.`,
        fix: 'Use `loss: categorical_crossentropy` for one-hot labels (or store the class index instead of the one-hot row).',
        key: 'training.loss',
        evidence: { loss, encoding: labels.encoding, labelWidth: labels.width, outputUnits: units },
        suggestion: replaceValue(source, 'training.loss', 'categorical_crossentropy'),
      }];
    }
    if (loss === 'sparse_categorical_crossentropy' && labels.encoding === 'continuous' && labels.width === 1) {
      // Read from the file's statistics alone, so it is reported with --no-smoke and when the smoke run is refused.
      const divisor = scaledIdsDivisor(data.train.split.targets[0]);
      const scaled = divisor !== undefined
        ? `: they look like integer class ids divided by ${fmt(divisor)} (${column} takes ${data.train.split.targets[0].distinct} distinct values from ${fmt(labels.min)} to ${fmt(labels.max)})`
        : ` (${fmt(labels.min)} to ${fmt(labels.max)})`;
      return [{
        message:
          `sparse_categorical_crossentropy expects integer class ids, but ${column} holds non-integer values${scaled}. ` +
          'Keras casts the labels to integers, which truncates them, so most or all rows become the same class and the model learns nothing about the others.',
        fix: divisor !== undefined
          ? `Keep the labels as the integer class ids 0..${units - 1}: do not scale them (scale the inputs only).`
          : 'Give one integer class id per row (0..C-1); for continuous targets use a regression loss.',
        key: evidence.source.ranges['data.targets'] ? 'data.targets' : 'training.loss',
        evidence: { loss, min: labels.min, max: labels.max, encoding: labels.encoding, scaledBy: divisor, outputUnits: units },
      }];
    }
    if ((loss === 'sparse_categorical_crossentropy' || loss === 'nll_loss') && isIntegerIds(labels) && labels.max >= units) {
      const oneBased = labels.min === 1 && labels.max === units;
      const word = lossWord(evidence.config);
      const failure = isPytorch(evidence.config) ? 'PyTorch stops with "Target ... is out of bounds" (on a GPU, a device-side assert)' : 'training reads out of range or fails';
      return [{
        message: oneBased
          ? `${column} holds labels 1..${fmt(labels.max)} while the output has ${units} units, which ${word} reads as class ids 0..${units - 1}. ` +
            `Label ${fmt(labels.max)} has no output unit (and unit 0 is never a target), so ${failure}.`
          : `${column} holds class ids up to ${fmt(labels.max)}, but the output has only ${units} units (ids 0..${units - 1} for ${word}). ` +
            `A class id without its output unit makes the loss read out of range (${isPytorch(evidence.config) ? failure : 'NaN or a crash'}).`,
        fix: oneBased
          ? 'Shift the labels to start at 0 (subtract 1 in your pipeline and in the data), keeping the output width.'
          : `Give the output layer ${fmt(labels.max + 1)} units, or remap the labels to 0..${units - 1}.`,
        key: evidence.source.ranges['data.targets'] ? 'data.targets' : 'training.loss',
        evidence: { loss, min: labels.min, max: labels.max, classes: labels.classes, outputUnits: units, oneBased },
      }];
    }
    if (loss === 'binary_crossentropy' && (labels.min < 0 || labels.max > 1)) {
      return [{
        message:
          `${lossWord(evidence.config)} needs labels in [0, 1], but ${column} ranges from ${fmt(labels.min)} to ${fmt(labels.max)}. ` +
          'Outside [0, 1] the loss is unbounded below and training pushes the outputs to the ends instead of fitting.',
        fix: labels.encoding === 'class-ids'
          ? isPytorch(evidence.config)
            ? 'For more than two classes use C raw outputs with `loss: CrossEntropyLoss` and the class indices as targets; for two classes map the labels to 0 and 1.'
            : 'For more than two classes use a softmax output with `loss: sparse_categorical_crossentropy`; for two classes map the labels to 0 and 1.'
          : 'Map the labels to 0 and 1 (e.g. -1/1 -> 0/1) before training.',
        key: 'training.loss',
        evidence: { loss, min: labels.min, max: labels.max, encoding: labels.encoding },
      }];
    }
    return [];
  },
};

/**
 * The factor that turns every distinct label back into a whole number (255 for ids / 255), when the labels
 * are few distinct non-negative values on one common step; undefined otherwise.
 */
export function scaledIdsDivisor(column: ColumnStats | undefined): number | undefined {
  const values = column?.values?.map((v) => v.value);
  if (!values || values.length < 2 || values.length > 1000 || values[0] < 0) return undefined;
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < values.length; i++) step = Math.min(step, values[i] - values[i - 1]);
  if (!(step > 0)) return undefined;
  // The smallest factor that works: ids / 10 are also whole after * 100.
  for (const candidate of [10, 100, 255, 256, 1000, Math.round(1 / step)]) {
    if (candidate <= 1) continue;
    const whole = values.every((v) => Math.abs(v * candidate - Math.round(v * candidate)) < 1e-3 * Math.max(1, v * candidate));
    if (whole && values.every((v) => Math.round(v * candidate) <= 100_000)) return candidate;
  }
  return undefined;
}
