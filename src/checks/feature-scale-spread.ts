import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, inputsAreEmbeddingIds, staticMeta } from './shared.ts';
import { replaceValue } from './locate.ts';
import { oneHotSource } from '../config/column-preprocessing.ts';
import { standardizeInputs } from './config-fixes.ts';

export const MAX_STD_RATIO = 100;
/** Stds below this are constant columns; constant-feature reports those. */
const CONSTANT_STD = 1e-8;

type Spread = { widest: string; widestStd: number; narrowest: string; narrowestStd: number; ratio: number; limit: number };

export const messages = defineMessages({
  'scales-differ': says<Spread>(
    (d) =>
      `After preprocessing, feature ${d.widest} has std ${fmt(d.widestStd)} while ${d.narrowest} has std ${fmt(d.narrowestStd)}: ` +
      `a ratio of ${fmt(d.ratio)}, expected at most ${fmt(d.limit)}. One learning rate cannot suit both: the wide feature dominates the first layer ` +
      `and its gradients, and the narrow one is learned hundreds of times more slowly.`,
    (d) =>
      `Feature ${d.widest}'s std (${fmt(d.widestStd)}) is ${fmt(d.ratio)}x ${d.narrowest}'s (${fmt(d.narrowestStd)}) after preprocessing (limit ${fmt(d.limit)}).`,
  ),
});

export const check: Check = {
  meta: {
    ...staticMeta('feature-scale-spread', 'Feature scales differ by orders of magnitude', 'normalization', 'warning', ['data']),
    section: 'scales',
    chart: 'feature-scales',
    fix: standardizeInputs,
    messages,
  },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data || inputsAreEmbeddingIds(evidence)) return [];
    // 0/1 one-hot columns are in range by construction; a rare category's small std is not a scale problem
    const varying = data.train.processed.filter(
      (f) => Number.isFinite(f.std) && f.std > CONSTANT_STD && oneHotSource(evidence.config.preprocessing.inputs, f.name) === undefined,
    );
    if (varying.length < 2) return [];
    const widest = varying.reduce((a, b) => (b.std > a.std ? b : a));
    const narrowest = varying.reduce((a, b) => (b.std < a.std ? b : a));
    const ratio = widest.std / narrowest.std;
    if (ratio <= MAX_STD_RATIO) return [];
    // a per-column mapping is the user's own choice per column: the fix names columns, not one value for all
    const standardized = evidence.config.preprocessing.inputs === 'standardize' || typeof evidence.config.preprocessing.inputs === 'object';
    return [
      {
        message: message(messages, 'scales-differ', {
          widest: widest.name,
          widestStd: widest.std,
          narrowest: narrowest.name,
          narrowestStd: narrowest.std,
          ratio,
          limit: MAX_STD_RATIO,
        }),
        fix: 'Scale every feature to a common range: standardize each column with its own training mean and std (`inputs: standardize`).',
        key: 'preprocessing.inputs',
        evidence: {
          ratio,
          expectedMax: MAX_STD_RATIO,
          widest: { name: widest.name, std: widest.std },
          narrowest: { name: narrowest.name, std: narrowest.std },
        },
        suggestion: standardized ? undefined : replaceValue(evidence.source, 'preprocessing.inputs', 'standardize'),
      },
    ];
  },
};
