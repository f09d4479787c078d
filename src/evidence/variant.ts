// A counterfactual setup: the same loaded data sample under a changed config, as the Evidence the
// smoke run takes. Nothing is read again, so the variant trains on exactly the rows the original did.
import type { PreflightConfig } from '../config/types.ts';
// Moved beside what they copy; re-exported for the fix and comparison runs that use them.
export { copyConfig } from '../config/copy.ts';
export { withoutFeatures } from '../data/without-features.ts';
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
