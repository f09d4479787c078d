// A config to change freely: fix runs and base comparisons edit a copy, never the loaded config.
import type { PreflightConfig } from './types.ts';

/** A deep copy to change freely (configs hold only plain data, plus optional Keras weights kept by reference). */
export function copyConfig(config: PreflightConfig): PreflightConfig {
  const { weights, ...model } = config.model;
  const copy = structuredClone({ ...config, model }) as PreflightConfig;
  if (weights) copy.model.weights = weights;
  return copy;
}
