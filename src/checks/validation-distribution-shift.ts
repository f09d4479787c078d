import type { Evidence, ProcessedFeature } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, nameList, staticMeta } from './shared.ts';
import { oneHotSource } from '../config/column-preprocessing.ts';

/** |validation mean - train mean| in train stds beyond which the splits do not share a scale. */
export const MAX_MEAN_SHIFT_STDS = 3;
export const MAX_STD_RATIO = 10;

type Shift = {
  name: string;
  trainMean: number;
  trainStd: number;
  validationMean: number;
  validationStd: number;
  meanShiftStds: number;
  stdRatio: number;
};

function shiftOf(train: ProcessedFeature, validation: ProcessedFeature): Shift | undefined {
  if (![train.mean, train.std, validation.mean, validation.std].every(Number.isFinite) || train.std <= 0) return undefined;
  const meanShiftStds = Math.abs(validation.mean - train.mean) / train.std;
  const stdRatio = validation.std / train.std;
  if (meanShiftStds <= MAX_MEAN_SHIFT_STDS && stdRatio <= MAX_STD_RATIO && stdRatio >= 1 / MAX_STD_RATIO) return undefined;
  return {
    name: train.name,
    trainMean: train.mean,
    trainStd: train.std,
    validationMean: validation.mean,
    validationStd: validation.std,
    meanShiftStds,
    stdRatio,
  };
}

type Shifted = { file: string; features: string[]; totalFeatures: number; worst: Shift; maxMeanShiftStds: number; maxStdRatio: number };
type Unseen = { column: string; file: string; unseenCells: number; cells: number; examples: string[]; trainCategories: number };

export const messages = defineMessages({
  'splits-scaled-differently': says<Shifted>(
    (d) =>
      `${d.features.length} of ${d.totalFeatures} features are distributed differently in ${d.file} than in training: ` +
      `${nameList(d.features)}. ${d.worst.name} has train mean ${fmt(d.worst.trainMean)} (std ${fmt(d.worst.trainStd)}) but validation mean ` +
      `${fmt(d.worst.validationMean)} (std ${fmt(d.worst.validationStd)}), ${fmt(d.worst.meanShiftStds)} train stds apart and a std ratio of ${fmt(d.worst.stdRatio)}; ` +
      `expected within ${d.maxMeanShiftStds} stds and a ratio between ${1 / d.maxStdRatio} and ${d.maxStdRatio}. ` +
      'Usually one split was normalized and the other was not, so validation scores say nothing about the trained model.',
    (d) =>
      `${d.features.length} of ${d.totalFeatures} features are scaled differently in validation; ${d.worst.name}'s mean is ${fmt(d.worst.meanShiftStds)} train stds off.`,
  ),
  'unseen-categories': says<Unseen>(
    (d) =>
      `${d.unseenCells} of ${d.cells} cells of one_hot column ${d.column} in ${d.file} hold categories the training data never has ` +
      `(${d.examples.map((e) => JSON.stringify(e)).join(', ')}${d.examples.length < 5 ? '' : ', ...'}); ` +
      `the ${d.trainCategories} one-hot columns come from the training categories, so these rows reach the model as all zeros, as an encoder with handle_unknown="ignore" would give them.`,
    (d) => `${d.unseenCells} of ${d.cells} validation cells of one_hot column ${d.column} hold categories training never has.`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('validation-distribution-shift', 'Validation features are scaled differently from training', 'preprocessing', 'warning', ['data']),
    section: 'scales',
    chart: 'feature-scales',
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data?.validation) return [];
    const unseen = unseenCategories(evidence);
    const validationByName = new Map(data.validation.processed.map((f) => [f.name, f]));
    const inputs = evidence.config.preprocessing.inputs;
    const shifts = data.train.processed
      // a one-hot column's share differs between splits by sampling alone; it is a category, not a scale
      .filter((t) => oneHotSource(inputs, t.name) === undefined)
      .map((t) => {
        const v = validationByName.get(t.name);
        return v ? shiftOf(t, v) : undefined;
      })
      .filter((s): s is Shift => s !== undefined);
    if (shifts.length === 0) return unseen;
    const worst = shifts.reduce((a, b) => (b.meanShiftStds > a.meanShiftStds ? b : a));
    return [
      {
        message: message(messages, 'splits-scaled-differently', {
          file: data.validation.split.file,
          features: shifts.map((s) => s.name),
          totalFeatures: data.train.processed.length,
          worst,
          maxMeanShiftStds: MAX_MEAN_SHIFT_STDS,
          maxStdRatio: MAX_STD_RATIO,
        }),
        fix: 'Apply the same preprocessing, fitted on the training split, to every split (for example, standardize both files with the training mean and std).',
        key: 'data.validation',
        evidence: { features: shifts, expected: { maxMeanShiftStds: MAX_MEAN_SHIFT_STDS, maxStdRatio: MAX_STD_RATIO } },
      },
      ...unseen,
    ];
  },
};

/** Validation categories of a one_hot column that training never had: the model sees all zeros for them. */
function unseenCategories(evidence: Evidence): FindingDraft[] {
  const validation = evidence.data?.validation?.split;
  return (validation?.oneHot ?? []).flatMap((o) => {
    if (o.unseen === undefined) return [];
    const cells = validation!.features.find((f) => f.name.startsWith(`${o.column}=`))?.count ?? validation!.rows;
    return [
      {
        severity: 'notice' as const,
        message: message(messages, 'unseen-categories', {
          column: o.column,
          file: validation!.file,
          unseenCells: o.unseen.cells,
          cells,
          examples: o.unseen.examples,
          trainCategories: o.categories.length,
        }),
        fix: `Check that the validation split comes from the same source as training; if these categories are real, add examples of them to the training data or group rare categories into one "other".`,
        key: 'data.validation',
        evidence: { column: o.column, unseenCells: o.unseen.cells, cells, examples: o.unseen.examples, trainCategories: o.categories.length },
      },
    ];
  });
}
