import type { Evidence, ProcessedFeature } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, nameList, staticMeta } from './shared.ts';
import { oneHotSource } from '../config/column-preprocessing.ts';

/** |validation mean - train mean| in train stds beyond which the splits do not share a scale. */
export const MAX_MEAN_SHIFT_STDS = 3;
export const MAX_STD_RATIO = 10;

interface Shift {
  name: string;
  trainMean: number;
  trainStd: number;
  validationMean: number;
  validationStd: number;
  meanShiftStds: number;
  stdRatio: number;
}

function shiftOf(train: ProcessedFeature, validation: ProcessedFeature): Shift | undefined {
  if (![train.mean, train.std, validation.mean, validation.std].every(Number.isFinite) || train.std <= 0) return undefined;
  const meanShiftStds = Math.abs(validation.mean - train.mean) / train.std;
  const stdRatio = validation.std / train.std;
  if (meanShiftStds <= MAX_MEAN_SHIFT_STDS && stdRatio <= MAX_STD_RATIO && stdRatio >= 1 / MAX_STD_RATIO) return undefined;
  return { name: train.name, trainMean: train.mean, trainStd: train.std, validationMean: validation.mean, validationStd: validation.std, meanShiftStds, stdRatio };
}

export const check: Check = {
  meta: staticMeta('validation-distribution-shift', 'Validation features are scaled differently from training', 'preprocessing', 'warning', ['data']),
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
    return [{
      message:
        `${shifts.length} of ${data.train.processed.length} features are distributed differently in ${data.validation.split.file} than in training: ` +
        `${nameList(shifts.map((s) => s.name))}. ${worst.name} has train mean ${fmt(worst.trainMean)} (std ${fmt(worst.trainStd)}) but validation mean ` +
        `${fmt(worst.validationMean)} (std ${fmt(worst.validationStd)}), ${fmt(worst.meanShiftStds)} train stds apart and a std ratio of ${fmt(worst.stdRatio)}; ` +
        `expected within ${MAX_MEAN_SHIFT_STDS} stds and a ratio between ${1 / MAX_STD_RATIO} and ${MAX_STD_RATIO}. ` +
        'Usually one split was normalized and the other was not, so validation scores say nothing about the trained model.',
      fix: 'Apply the same preprocessing, fitted on the training split, to every split (for example, standardize both files with the training mean and std).',
      key: 'data.validation',
      evidence: { features: shifts, expected: { maxMeanShiftStds: MAX_MEAN_SHIFT_STDS, maxStdRatio: MAX_STD_RATIO } },
    }, ...unseen];
  },
};

/** Validation categories of a one_hot column that training never had: the model sees all zeros for them. */
function unseenCategories(evidence: Evidence): FindingDraft[] {
  const validation = evidence.data?.validation?.split;
  return (validation?.oneHot ?? []).flatMap((o) => {
    if (o.unseen === undefined) return [];
    const cells = validation!.features.find((f) => f.name.startsWith(`${o.column}=`))?.count ?? validation!.rows;
    return [{
      severity: 'notice' as const,
      message:
        `${o.unseen.cells} of ${cells} cells of one_hot column ${o.column} in ${validation!.file} hold categories the training data never has ` +
        `(${o.unseen.examples.map((e) => JSON.stringify(e)).join(', ')}${o.unseen.examples.length < 5 ? '' : ', ...'}); ` +
        `the ${o.categories.length} one-hot columns come from the training categories, so these rows reach the model as all zeros, as an encoder with handle_unknown="ignore" would give them.`,
      fix: `Check that the validation split comes from the same source as training; if these categories are real, add examples of them to the training data or group rare categories into one "other".`,
      key: 'data.validation',
      evidence: { column: o.column, unseenCells: o.unseen.cells, cells, examples: o.unseen.examples, trainCategories: o.categories.length },
    }];
  });
}
