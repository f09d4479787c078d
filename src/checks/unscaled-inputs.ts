import type { Evidence, ProcessedFeature } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, inputsAreEmbeddingIds, nameList, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';
import { describeInputs, isPerColumn } from '../config/column-preprocessing.ts';
import { standardizeInputs } from './config-fixes.ts';

/** A feature counts as scaled when its spread is at most this and its mean sits within a few spreads of zero. */
export const MAX_SCALED_STD = 5;
export const MAX_SCALED_MEAN = 3;
const BYTE_SCALE = '{scale: 0.00392156862745098}';

function isUnscaled(f: ProcessedFeature): boolean {
  if (!Number.isFinite(f.mean) || !Number.isFinite(f.std)) return false;
  return f.std > MAX_SCALED_STD || Math.abs(f.mean) > Math.max(MAX_SCALED_MEAN, MAX_SCALED_MEAN * f.std);
}

type Unscaled = {
  preprocessing: string;
  features: string[];
  totalFeatures: number;
  worst: string;
  mean: number;
  std: number;
  min: number;
  max: number;
  maxStd: number;
};

export const messages = defineMessages({
  'features-unscaled': says<Unscaled>(
    (d) =>
      `After the declared preprocessing (inputs: ${d.preprocessing}) ${d.features.length} of ${d.totalFeatures} input features ` +
      `are far from zero mean and unit scale: ${nameList(d.features)}. The worst, ${d.worst}, has mean ${fmt(d.mean)} ` +
      `and std ${fmt(d.std)} (range ${fmt(d.min)} to ${fmt(d.max)}); a network trains well on inputs with mean near 0 and std near 1, ` +
      `or within [0, 1] / [-1, 1]. Large inputs make the first layer's pre-activations huge, so gradients and the usable learning rate swing with the feature units.`,
    (d) =>
      `${d.features.length} of ${d.totalFeatures} input features are unscaled after preprocessing; the worst, ${d.worst}, has mean ${fmt(d.mean)} and std ${fmt(d.std)}.`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('unscaled-inputs', 'Input features are not scaled', 'normalization', 'warning', ['data']),
    section: 'scales',
    chart: 'feature-scales',
    fix: standardizeInputs,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data || inputsAreEmbeddingIds(evidence)) return [];
    const unscaled = data.train.processed.filter(isUnscaled);
    if (unscaled.length === 0) return [];
    const worst = [...unscaled].sort((a, b) => Math.max(b.std, Math.abs(b.mean)) - Math.max(a.std, Math.abs(a.mean)))[0];
    // Raw bytes (0..255 integers) want a fixed 1/255 scale so that every image is treated alike.
    const raw = data.train.split.features;
    const looksLikeBytes = raw.length > 0 && raw.every((c) => c.integer && c.min >= 0 && c.max <= 255) && raw.some((c) => c.max > 1);
    const fixValue = looksLikeBytes ? BYTE_SCALE : 'standardize';
    const inputs = evidence.config.preprocessing.inputs;
    const declared = describeInputs(inputs);
    const perColumn = isPerColumn(inputs);
    return [
      {
        message: message(messages, 'features-unscaled', {
          preprocessing: declared,
          features: unscaled.map((f) => f.name),
          totalFeatures: data.train.processed.length,
          worst: worst.name,
          mean: worst.mean,
          std: worst.std,
          min: worst.min,
          max: worst.max,
          maxStd: MAX_SCALED_STD,
        }),
        fix: perColumn
          ? `Standardize ${nameList(unscaled.map((f) => f.name))} in your pipeline and list ${unscaled.length === 1 ? 'it' : 'them'} under \`standardize\` in \`preprocessing.inputs\`.`
          : looksLikeBytes
            ? 'Scale pixel bytes to [0, 1] in your pipeline and declare it: `inputs: {scale: 0.00392156862745098}` (1/255).'
            : 'Standardize the features (subtract the training mean, divide by the training std) in your pipeline and declare `inputs: standardize`.',
        key: 'preprocessing.inputs',
        evidence: {
          features: unscaled.map((f) => ({ name: f.name, mean: f.mean, std: f.std, min: f.min, max: f.max })),
          expected: { maxStd: MAX_SCALED_STD, maxAbsMean: MAX_SCALED_MEAN },
        },
        suggestion: perColumn ? undefined : replaceValue(evidence.source, 'preprocessing.inputs', fixValue),
      },
    ];
  },
};
