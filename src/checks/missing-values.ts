import type { ColumnStats } from '../data/types.ts';
import type { Evidence, SplitEvidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { nameList, staticMeta } from './shared.ts';

function missingCount(c: ColumnStats): number {
  return c.empty + c.nan + c.inf;
}

type MissingColumn = { name: string; empty: number; nan: number; inf: number; count: number };

function describe(c: MissingColumn): string {
  const parts: string[] = [];
  if (c.empty > 0) parts.push(`${c.empty} empty`);
  if (c.nan > 0) parts.push(`${c.nan} NaN`);
  if (c.inf > 0) parts.push(`${c.inf} Inf`);
  return `${c.name} (${parts.join(', ')} of ${c.count})`;
}

export const messages = defineMessages({
  'missing-cells': says<{ file: string; total: number; columns: MissingColumn[] }>(
    (d) =>
      `${d.file} has ${d.total} missing or non-finite cells, expected none: ${nameList(d.columns.map(describe), 5)}. ` +
      "A single NaN or Inf in a batch makes that batch's loss and every gradient NaN, and the weights are ruined from that step on.",
    (d) => `${d.file} has ${d.total} missing or non-finite cells in ${d.columns.length === 1 ? `column ${d.columns[0].name}` : `${d.columns.length} columns`}.`,
  ),
});

function findingFor(split: SplitEvidence, key: string): FindingDraft | undefined {
  const columns = [...split.split.features, ...split.split.targets].filter((c) => missingCount(c) > 0);
  if (columns.length === 0) return undefined;
  const total = columns.reduce((s, c) => s + missingCount(c), 0);
  return {
    message: message(messages, 'missing-cells', {
      file: split.split.file,
      total,
      columns: columns.map((c) => ({ name: c.name, empty: c.empty, nan: c.nan, inf: c.inf, count: c.count })),
    }),
    fix: `Fill or drop the missing cells in ${nameList(columns.map((c) => c.name))} before training (impute with the training median, or drop the rows), and check the export that wrote ${split.split.file}.`,
    key,
    evidence: {
      file: split.split.file,
      columns: columns.map((c) => ({ name: c.name, empty: c.empty, nan: c.nan, inf: c.inf, count: c.count })),
    },
  };
}

export const check: Check = {
  meta: { ...staticMeta('missing-values', 'Missing or non-finite values in the data', 'preprocessing', 'error', ['data']), section: 'histograms', messages },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const findings = [findingFor(data.train, 'data.train')];
    if (data.validation) findings.push(findingFor(data.validation, 'data.validation'));
    return findings.filter((f): f is FindingDraft => f !== undefined);
  },
};
