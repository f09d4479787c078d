// A counterfactual setup: the same loaded data sample under a changed config, as the Evidence the
// smoke run takes. Nothing is read again, so the variant trains on exactly the rows the original did.
import type { PreflightConfig } from '../config/types.ts';
import type { LoadedSplit } from '../data/types.ts';
import { buildEvidence } from './build.ts';
import type { Evidence } from './types.ts';
import { summarizeModel } from '../model/summarize.ts';

/** The evidence for `config` on `evidence`'s data; undefined when the changed model does not fit its input. */
export function variantEvidence(evidence: Evidence, config: PreflightConfig, splits?: { train: LoadedSplit; validation?: LoadedSplit }): Evidence | undefined {
  const train = splits?.train ?? evidence.data?.train.split;
  if (!train) return undefined;
  const validation = splits ? splits.validation : evidence.data?.validation?.split;
  const model = summarizeModel(config.model, config.model.input_shape ?? train.sample.featureShape);
  if (model.problems.length > 0) return undefined;
  return buildEvidence({ configFile: evidence.configFile, source: evidence.source, config, model, train, validation });
}

/** A deep copy to change freely (configs hold only plain data, plus optional Keras weights kept by reference). */
export function copyConfig(config: PreflightConfig): PreflightConfig {
  const { weights, ...model } = config.model;
  const copy = structuredClone({ ...config, model }) as PreflightConfig;
  if (weights) copy.model.weights = weights;
  return copy;
}

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
