import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { layerKey, seenLabels, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';
import { isPytorch, lossWord } from './vocabulary.ts';

/** The output width the labels and loss call for, when it can be told. */
function expectedUnits(evidence: Evidence): { units: number; why: string } | undefined {
  // Judged on the labels after the declared preprocessing: `targets: one_hot` makes class ids one-hot rows.
  const labels = seenLabels(evidence);
  if (!labels) return undefined;
  const { loss } = evidence.config.training;
  const oneHotInPipeline = evidence.config.preprocessing.targets === 'one_hot';
  if (labels.encoding === 'one-hot' || labels.encoding === 'multi-hot') {
    const declared = oneHotInPipeline && evidence.data?.labels.encoding !== labels.encoding ? ' after `targets: one_hot`' : '';
    return { units: labels.width, why: `the labels are ${labels.encoding} rows of width ${labels.width}${declared}` };
  }
  // Softmax trained as a regression on class ids is output-activation-mismatch's case; "1 unit" would be the wrong advice.
  if (evidence.task === 'regression' && evidence.model.finalActivation.includes('softmax')) return undefined;
  if (evidence.task === 'regression' || labels.encoding === 'continuous') {
    return { units: labels.width, why: `there ${labels.width === 1 ? 'is 1 target column' : `are ${labels.width} target columns`}` };
  }
  if (loss === 'binary_crossentropy' && labels.encoding === 'binary') {
    return { units: 1, why: `${lossWord(evidence.config)} on one 0/1 label column needs one ${isPytorch(evidence.config) ? 'output' : 'sigmoid unit'}` };
  }
  if (loss === 'sparse_categorical_crossentropy' || loss === 'categorical_crossentropy' || loss === 'nll_loss' || oneHotInPipeline) {
    // Labels 1..C with C units are a labelling slip that label-encoding-mismatch names; a missing unit is this check's.
    if (labels.min === 1 && labels.max === evidence.model.outputUnits) return undefined;
    const needed = labels.max + 1;
    if (needed > evidence.model.outputUnits) return { units: needed, why: `the class ids run from ${labels.min} to ${labels.max}` };
  }
  return undefined;
}

export const check: Check = {
  meta: staticMeta('output-units-mismatch', 'Output width does not match the classes or targets', 'final activation', 'error', ['data']),
  run(evidence: Evidence): FindingDraft[] {
    const expected = expectedUnits(evidence);
    const units = evidence.model.outputUnits;
    if (!expected || expected.units === units) return [];
    const final = evidence.model.layers[evidence.model.finalLayerIndex]?.layer;
    const key = final ? layerKey(final, 'units') : 'model';
    return [{
      message:
        `The output layer has ${units} units, but ${expected.why}, so it needs ${expected.units}. ` +
        'The loss either fails on the shapes or silently compares the wrong numbers.',
      fix: `Set the output layer to \`units: ${expected.units}\`${evidence.task === 'regression' ? '' : ' (or fix the labels)'}.`,
      key,
      evidence: { outputUnits: units, expectedUnits: expected.units },
      suggestion: final?.keyPath ? replaceValue(evidence.source, `${final.keyPath}.units`, String(expected.units)) : undefined,
    }];
  },
};
