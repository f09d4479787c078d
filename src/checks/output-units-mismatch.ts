import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { layerKey, seenLabels, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';
import { isPytorch, lossWord } from './vocabulary.ts';

/** The output width the labels and loss call for, when it can be told. */
/** Why the output needs a given width, as data; `whyText` words it. */
type Why =
  | { kind: 'hot-rows'; encoding: string; width: number; afterOneHot: boolean }
  | { kind: 'target-columns'; width: number }
  | { kind: 'binary-column'; loss: string; output: string }
  | { kind: 'class-ids'; min: number; max: number };

function whyText(why: Why): string {
  switch (why.kind) {
    case 'hot-rows':
      return `the labels are ${why.encoding} rows of width ${why.width}${why.afterOneHot ? ' after `targets: one_hot`' : ''}`;
    case 'target-columns':
      return `there ${why.width === 1 ? 'is 1 target column' : `are ${why.width} target columns`}`;
    case 'binary-column':
      return `${why.loss} on one 0/1 label column needs one ${why.output}`;
    case 'class-ids':
      return `the class ids run from ${why.min} to ${why.max}`;
  }
}

export const messages = defineMessages({
  'wrong-output-width': says<{ outputUnits: number; expectedUnits: number; why: Why }>(
    (d) =>
      `The output layer has ${d.outputUnits} units, but ${whyText(d.why)}, so it needs ${d.expectedUnits}. The loss either fails on the shapes or silently compares the wrong numbers.`,
    (d) => `The output layer has ${d.outputUnits} units, but ${whyText(d.why)}, so it needs ${d.expectedUnits}.`,
  ),
});

function expectedUnits(evidence: Evidence): { units: number; why: Why } | undefined {
  // Judged on the labels after the declared preprocessing: `targets: one_hot` makes class ids one-hot rows.
  const labels = seenLabels(evidence);
  if (!labels) return undefined;
  const { loss } = evidence.config.training;
  const oneHotInPipeline = evidence.config.preprocessing.targets === 'one_hot';
  if (labels.encoding === 'one-hot' || labels.encoding === 'multi-hot') {
    const afterOneHot = oneHotInPipeline && evidence.data?.labels.encoding !== labels.encoding;
    return { units: labels.width, why: { kind: 'hot-rows', encoding: labels.encoding, width: labels.width, afterOneHot } };
  }
  // Softmax trained as a regression on class ids is output-activation-mismatch's case; "1 unit" would be the wrong advice.
  if (evidence.task === 'regression' && evidence.model.finalActivation.includes('softmax')) return undefined;
  if (evidence.task === 'regression' || labels.encoding === 'continuous') {
    return { units: labels.width, why: { kind: 'target-columns', width: labels.width } };
  }
  if (loss === 'binary_crossentropy' && labels.encoding === 'binary') {
    return { units: 1, why: { kind: 'binary-column', loss: lossWord(evidence.config), output: isPytorch(evidence.config) ? 'output' : 'sigmoid unit' } };
  }
  if (loss === 'sparse_categorical_crossentropy' || loss === 'categorical_crossentropy' || loss === 'nll_loss' || oneHotInPipeline) {
    // Labels 1..C with C units are a labelling slip that label-encoding-mismatch names; a missing unit is this check's.
    if (labels.min === 1 && labels.max === evidence.model.outputUnits) return undefined;
    const needed = labels.max + 1;
    if (needed > evidence.model.outputUnits) return { units: needed, why: { kind: 'class-ids', min: labels.min, max: labels.max } };
  }
  return undefined;
}

export const check: Check = {
  meta: {
    ...staticMeta('output-units-mismatch', 'Output width does not match the classes or targets', 'final activation', 'error', ['data']),
    section: 'labels',
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const expected = expectedUnits(evidence);
    const units = evidence.model.outputUnits;
    if (!expected || expected.units === units) return [];
    const final = evidence.model.layers[evidence.model.finalLayerIndex]?.layer;
    const key = final ? layerKey(final, 'units') : 'model';
    return [
      {
        message: message(messages, 'wrong-output-width', { outputUnits: units, expectedUnits: expected.units, why: expected.why }),
        fix: `Set the output layer to \`units: ${expected.units}\`${evidence.task === 'regression' ? '' : ' (or fix the labels)'}.`,
        key,
        evidence: { outputUnits: units, expectedUnits: expected.units },
        suggestion: final?.keyPath ? replaceValue(evidence.source, `${final.keyPath}.units`, String(expected.units)) : undefined,
      },
    ];
  },
};
