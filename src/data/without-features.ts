// A loaded split with some feature columns taken out, for a fix that drops features.
import type { LoadedSplit } from './types.ts';

/**
 * The split without the named feature columns (tabular data only: one value per feature per row).
 * Undefined when the split is not tabular or a name is unknown.
 */
export function withoutFeatures(split: LoadedSplit, names: readonly string[]): LoadedSplit | undefined {
  const { sample } = split;
  if (sample.featureShape.length !== 1) return undefined;
  const width = sample.featureShape[0];
  const drop = new Set(names.map((name) => split.featureNames.indexOf(name)));
  if (drop.has(-1) || drop.size === 0 || drop.size >= width) return undefined;
  const keep = Array.from({ length: width }, (_, i) => i).filter((i) => !drop.has(i));
  const x = new Float32Array(sample.rows * keep.length);
  for (let r = 0; r < sample.rows; r++) {
    keep.forEach((c, j) => {
      x[r * keep.length + j] = sample.x[r * width + c];
    });
  }
  return {
    ...split,
    featureNames: keep.map((i) => split.featureNames[i]),
    features: keep.map((i) => split.features[i]),
    sample: { ...sample, x, featureShape: [keep.length] },
  };
}
