import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { finalActivationName, fmt, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';

/** Targets with a std or |mean| above this make MSE gradients (and the initial loss) scale with the units. */
export const MAX_TARGET_SCALE = 10;

export const check: Check = {
  meta: staticMeta('unscaled-targets', 'Regression targets are not scaled', 'normalization', 'warning', ['data']),
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data || evidence.task !== 'regression') return [];
    if (evidence.config.preprocessing.targets !== 'none') return [];
    if (finalActivationName(evidence) !== 'linear') return [];
    const large = data.train.split.targets.filter(
      (t) => Number.isFinite(t.std) && (t.std > MAX_TARGET_SCALE || Math.abs(t.mean) > MAX_TARGET_SCALE),
    );
    if (large.length === 0) return [];
    const t = large[0];
    return [{
      message:
        `The regression target ${t.name} has mean ${fmt(t.mean)} and std ${fmt(t.std)} (range ${fmt(t.min)} to ${fmt(t.max)}), ` +
        `with no target normalization (targets: none) and a linear output. Expected a std and |mean| of at most about ${MAX_TARGET_SCALE}. ` +
        `The network starts predicting near 0, so the first losses are around ${fmt(t.mean * t.mean + t.std * t.std)} and the gradients are that large too; ` +
        `the last layer must grow its weights by orders of magnitude before anything else is learned.`,
      fix: 'Standardize the targets in your pipeline (and invert the scaling on predictions), then declare `targets: standardize`.',
      key: 'preprocessing.targets',
      evidence: { targets: large.map((c) => ({ name: c.name, mean: c.mean, std: c.std, min: c.min, max: c.max })), expectedMaxScale: MAX_TARGET_SCALE },
      suggestion: replaceValue(evidence.source, 'preprocessing.targets', 'standardize'),
    }];
  },
};
