import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft, FixVariant } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { finalActivationName, fmt, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';
import { copyConfig } from '../config/copy.ts';

/** Targets with a std or |mean| above this make MSE gradients (and the initial loss) scale with the units. */
export const MAX_TARGET_SCALE = 10;

function standardizeTargets(evidence: Evidence): FixVariant | undefined {
  if (evidence.task !== 'regression' || evidence.config.preprocessing.targets === 'standardize') return undefined;
  const config = copyConfig(evidence.config);
  config.preprocessing.targets = 'standardize';
  return { change: 'preprocessing.targets: standardize', config };
}

type Target = { target: string; mean: number; std: number; min: number; max: number; limit: number };

export const messages = defineMessages({
  'large-targets': says<Target>(
    (d) =>
      `The regression target ${d.target} has mean ${fmt(d.mean)} and std ${fmt(d.std)} (range ${fmt(d.min)} to ${fmt(d.max)}), ` +
      `with no target normalization (targets: none) and a linear output. Expected a std and |mean| of at most about ${d.limit}. ` +
      `The network starts predicting near 0, so the first losses are around ${fmt(d.mean * d.mean + d.std * d.std)} and the gradients are that large too; ` +
      `the last layer must grow its weights by orders of magnitude before anything else is learned.`,
    (d) => `The regression target ${d.target} has mean ${fmt(d.mean)} and std ${fmt(d.std)} with no target normalization (expected at most about ${d.limit}).`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('unscaled-targets', 'Regression targets are not scaled', 'normalization', 'warning', ['data']),
    section: 'labels',
    fix: standardizeTargets,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data || evidence.task !== 'regression') return [];
    if (evidence.config.preprocessing.targets !== 'none') return [];
    if (finalActivationName(evidence) !== 'linear') return [];
    const large = data.train.split.targets.filter((t) => Number.isFinite(t.std) && (t.std > MAX_TARGET_SCALE || Math.abs(t.mean) > MAX_TARGET_SCALE));
    if (large.length === 0) return [];
    const t = large[0];
    return [
      {
        message: message(messages, 'large-targets', { target: t.name, mean: t.mean, std: t.std, min: t.min, max: t.max, limit: MAX_TARGET_SCALE }),
        fix: 'Standardize the targets in your pipeline (and invert the scaling on predictions), then declare `targets: standardize`.',
        key: 'preprocessing.targets',
        evidence: { targets: large.map((c) => ({ name: c.name, mean: c.mean, std: c.std, min: c.min, max: c.max })), expectedMaxScale: MAX_TARGET_SCALE },
        suggestion: replaceValue(evidence.source, 'preprocessing.targets', 'standardize'),
      },
    ];
  },
};
