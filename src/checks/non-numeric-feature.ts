import type { ColumnStats } from '../data/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { staticMeta } from './shared.ts';

export const check: Check = {
  meta: staticMeta('non-numeric-feature', 'A feature column holds text', 'preprocessing', 'error', ['data']),
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const byName = new Map<string, ColumnStats>();
    for (const c of [...data.textFeatures, ...data.train.split.features.filter((f) => f.text > 0)]) byName.set(c.name, c);
    const columns = [...byName.values()];
    if (columns.length === 0) return [];
    return columns.map((c) => {
      const examples = c.textExamples.slice(0, 3).map((e) => JSON.stringify(e)).join(', ');
      return {
        message:
          `Feature column ${c.name} in ${data.train.split.file} holds text in ${c.text} of ${c.count} cells${examples ? ` (e.g. ${examples})` : ''}; ` +
          'a model input must be a number in every cell. Text cells reach the network as NaN, which makes the loss NaN.',
        fix: `Encode ${c.name} as numbers before training (one-hot columns for a few categories, an embedding for many), or remove it from \`data.features\`.`,
        key: evidence.source.ranges['data.features'] ? 'data.features' : 'data.train',
        evidence: { column: c.name, textCells: c.text, cells: c.count, examples: c.textExamples.slice(0, 5) },
      };
    });
  },
};
