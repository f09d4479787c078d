import type { ColumnStats } from '../data/types.ts';
import type { Evidence, LabelSummary } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, seenLabels, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';
import { isPytorch, lossWord } from './vocabulary.ts';

function isIntegerIds(labels: LabelSummary): boolean {
  return (labels.encoding === 'class-ids' || labels.encoding === 'binary') && labels.width === 1;
}

function targetColumn(evidence: Evidence): string {
  return evidence.data?.train.split.targetNames.join(', ') || 'the target';
}

type Base = { column: string; min: number; max: number };

export const messages = defineMessages({
  'ids-with-categorical': says<Base & { outputUnits: number }>(
    (d) =>
      `categorical_crossentropy expects one-hot label rows of width ${d.outputUnits}, but ${d.column} holds integer class ids ` +
      `(${fmt(d.min)} to ${fmt(d.max)}, one column). Keras either fails on the shape or broadcasts the ids against the ${d.outputUnits} outputs, ` +
      'which trains on a meaningless target.',
    (d) => `categorical_crossentropy expects one-hot rows of width ${d.outputUnits}, but ${d.column} holds integer class ids ${fmt(d.min)} to ${fmt(d.max)}.`,
  ),
  'one-hot-with-sparse': says<{ encoding: string; labelWidth: number }>(
    (d) => `sparse_categorical_crossentropy expects one integer class id per row, but the labels are ${d.encoding} rows of width ${d.labelWidth}.`,
    (d) => `sparse_categorical_crossentropy expects one integer class id per row, but the labels are ${d.encoding} rows of width ${d.labelWidth}.`,
  ),
  'non-integer-ids': says<Base & { scaledBy?: number; distinct?: number | null }>(
    (d) =>
      `sparse_categorical_crossentropy expects integer class ids, but ${d.column} holds non-integer values` +
      (d.scaledBy !== undefined
        ? `: they look like integer class ids divided by ${fmt(d.scaledBy)} (${d.column} takes ${d.distinct} distinct values from ${fmt(d.min)} to ${fmt(d.max)})`
        : ` (${fmt(d.min)} to ${fmt(d.max)})`) +
      '. Keras casts the labels to integers, which truncates them, so most or all rows become the same class and the model learns nothing about the others.',
    (d) =>
      `sparse_categorical_crossentropy expects integer class ids, but ${d.column} holds non-integer values from ${fmt(d.min)} to ${fmt(d.max)}${d.scaledBy !== undefined ? ` (ids / ${fmt(d.scaledBy)}?)` : ''}.`,
  ),
  'labels-one-based': says<Base & { outputUnits: number; loss: string; failure: string }>(
    (d) =>
      `${d.column} holds labels 1..${fmt(d.max)} while the output has ${d.outputUnits} units, which ${d.loss} reads as class ids 0..${d.outputUnits - 1}. ` +
      `Label ${fmt(d.max)} has no output unit (and unit 0 is never a target), so ${d.failure}.`,
    (d) => `${d.column} holds labels 1..${fmt(d.max)}, but ${d.loss} reads the ${d.outputUnits} outputs as class ids 0..${d.outputUnits - 1}.`,
  ),
  'class-id-beyond-output': says<Base & { outputUnits: number; loss: string; failure: string }>(
    (d) =>
      `${d.column} holds class ids up to ${fmt(d.max)}, but the output has only ${d.outputUnits} units (ids 0..${d.outputUnits - 1} for ${d.loss}). ` +
      `A class id without its output unit makes the loss read out of range (${d.failure}).`,
    (d) => `${d.column} holds class ids up to ${fmt(d.max)}, but the output has only ${d.outputUnits} units.`,
  ),
  'binary-labels-out-of-range': says<Base & { loss: string }>(
    (d) =>
      `${d.loss} needs labels in [0, 1], but ${d.column} ranges from ${fmt(d.min)} to ${fmt(d.max)}. ` +
      'Outside [0, 1] the loss is unbounded below and training pushes the outputs to the ends instead of fitting.',
    (d) => `${d.loss} needs labels in [0, 1], but ${d.column} ranges from ${fmt(d.min)} to ${fmt(d.max)}.`,
  ),
});

export const check: Check = {
  meta: { ...staticMeta('label-encoding-mismatch', 'Labels do not fit the loss and output', 'preprocessing', 'error', ['data']), section: 'labels', messages },
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
      return [
        {
          message: message(messages, 'ids-with-categorical', { column, min: labels.min, max: labels.max, outputUnits: units }),
          fix: 'Use `loss: sparse_categorical_crossentropy` for integer class ids, or one-hot encode the labels (`targets: one_hot`).',
          key: 'training.loss',
          evidence: { loss, encoding: labels.encoding, labelWidth: labels.width, outputUnits: units, min: labels.min, max: labels.max },
          suggestion: replaceValue(source, 'training.loss', 'sparse_categorical_crossentropy'),
        },
      ];
    }
    if (loss === 'sparse_categorical_crossentropy' && (labels.encoding === 'one-hot' || labels.encoding === 'multi-hot')) {
      return [
        {
          message: message(messages, 'one-hot-with-sparse', { encoding: labels.encoding, labelWidth: labels.width }),
          fix: 'Use `loss: categorical_crossentropy` for one-hot labels (or store the class index instead of the one-hot row).',
          key: 'training.loss',
          evidence: { loss, encoding: labels.encoding, labelWidth: labels.width, outputUnits: units },
          suggestion: replaceValue(source, 'training.loss', 'categorical_crossentropy'),
        },
      ];
    }
    if (loss === 'sparse_categorical_crossentropy' && labels.encoding === 'continuous' && labels.width === 1) {
      // Read from the file's statistics alone, so it is reported with --no-smoke and when the smoke run is refused.
      const divisor = scaledIdsDivisor(data.train.split.targets[0]);
      return [
        {
          message: message(messages, 'non-integer-ids', {
            column,
            min: labels.min,
            max: labels.max,
            ...(divisor !== undefined ? { scaledBy: divisor, distinct: data.train.split.targets[0].distinct } : {}),
          }),
          fix:
            divisor !== undefined
              ? `Keep the labels as the integer class ids 0..${units - 1}: do not scale them (scale the inputs only).`
              : 'Give one integer class id per row (0..C-1); for continuous targets use a regression loss.',
          key: evidence.source.ranges['data.targets'] ? 'data.targets' : 'training.loss',
          evidence: { loss, min: labels.min, max: labels.max, encoding: labels.encoding, scaledBy: divisor, outputUnits: units },
        },
      ];
    }
    if ((loss === 'sparse_categorical_crossentropy' || loss === 'nll_loss') && isIntegerIds(labels) && labels.max >= units) {
      const oneBased = labels.min === 1 && labels.max === units;
      const word = lossWord(evidence.config);
      const failure = isPytorch(evidence.config)
        ? 'PyTorch stops with "Target ... is out of bounds" (on a GPU, a device-side assert)'
        : 'training reads out of range or fails';
      return [
        {
          message: oneBased
            ? message(messages, 'labels-one-based', { column, min: labels.min, max: labels.max, outputUnits: units, loss: word, failure })
            : message(messages, 'class-id-beyond-output', {
                column,
                min: labels.min,
                max: labels.max,
                outputUnits: units,
                loss: word,
                failure: isPytorch(evidence.config) ? failure : 'NaN or a crash',
              }),
          fix: oneBased
            ? 'Shift the labels to start at 0 (subtract 1 in your pipeline and in the data), keeping the output width.'
            : `Give the output layer ${fmt(labels.max + 1)} units, or remap the labels to 0..${units - 1}.`,
          key: evidence.source.ranges['data.targets'] ? 'data.targets' : 'training.loss',
          evidence: { loss, min: labels.min, max: labels.max, classes: labels.classes, outputUnits: units, oneBased },
        },
      ];
    }
    if (loss === 'binary_crossentropy' && (labels.min < 0 || labels.max > 1)) {
      return [
        {
          message: message(messages, 'binary-labels-out-of-range', { column, min: labels.min, max: labels.max, loss: lossWord(evidence.config) }),
          fix:
            labels.encoding === 'class-ids'
              ? isPytorch(evidence.config)
                ? 'For more than two classes use C raw outputs with `loss: CrossEntropyLoss` and the class indices as targets; for two classes map the labels to 0 and 1.'
                : 'For more than two classes use a softmax output with `loss: sparse_categorical_crossentropy`; for two classes map the labels to 0 and 1.'
              : 'Map the labels to 0 and 1 (e.g. -1/1 -> 0/1) before training.',
          key: 'training.loss',
          evidence: { loss, min: labels.min, max: labels.max, encoding: labels.encoding },
        },
      ];
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
