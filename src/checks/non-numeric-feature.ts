import type { ColumnStats } from '../data/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { staticMeta } from './shared.ts';

/** What the other columns get once the inputs become a per-column mapping: what they get today. */
function othersFor(evidence: Evidence): string {
  const inputs = evidence.config.preprocessing.inputs;
  return typeof inputs === 'string' ? inputs : 'columns' in inputs ? inputs.others : 'none';
}

type TextColumn = { column: string; file: string; textCells: number; cells: number; examples: string[] };

export const messages = defineMessages({
  'text-cells': says<TextColumn>(
    (d) =>
      `Feature column ${d.column} in ${d.file} holds text in ${d.textCells} of ${d.cells} cells${d.examples.length > 0 ? ` (e.g. ${d.examples.map((e) => JSON.stringify(e)).join(', ')})` : ''}; ` +
      'a model input must be a number in every cell. Text cells reach the network as NaN, which makes the loss NaN.',
    (d) => `Feature column ${d.column} holds text in ${d.textCells} of ${d.cells} cells; a model input must be a number.`,
  ),
});

export const check: Check = {
  meta: { ...staticMeta('non-numeric-feature', 'A feature column holds text', 'preprocessing', 'error', ['data']), section: 'histograms', messages },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const byName = new Map<string, ColumnStats>();
    for (const c of [...data.textFeatures, ...data.train.split.features.filter((f) => f.text > 0)]) byName.set(c.name, c);
    const columns = [...byName.values()];
    if (columns.length === 0) return [];
    return columns.map((c) => {
      return {
        message: message(messages, 'text-cells', {
          column: c.name,
          file: data.train.split.file,
          textCells: c.text,
          cells: c.count,
          examples: c.textExamples.slice(0, 3),
        }),
        fix: `If ${c.name} holds a few categories, declare it one-hot (\`preprocessing.inputs: {one_hot: [${c.name}], others: ${othersFor(evidence)}}\`, one 0/1 column per training category); for many categories use an embedding, or remove it from \`data.features\`.`,
        key: evidence.source.ranges['data.features'] ? 'data.features' : 'data.train',
        evidence: { column: c.name, textCells: c.text, cells: c.count, examples: c.textExamples.slice(0, 5) },
      };
    });
  },
};
