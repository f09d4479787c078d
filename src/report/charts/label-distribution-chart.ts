// How many samples each class has: the picture behind class-imbalance and label-encoding findings.
import type { TopLevelSpec } from 'vega-lite';
import { uniqueLabels, NUMBER_LABEL_EXPR } from './scale.ts';
import { renderVegaLite } from './vega-render.ts';

export interface ClassCount {
  /** class name or id as the user knows it */
  label: string;
  count: number;
}

export interface LabelDistributionInput {
  classes: ClassCount[];
  title?: string;
  /** what was counted, e.g. `train rows` (axis title) */
  counted?: string;
  width?: number;
}

/** More bars than this become unreadable; the smallest classes are summed into one "other" bar. */
export const MAX_CLASS_BARS = 40;

/** Horizontal bars in the given class order, each labelled with its count and share. */
export async function labelDistributionChart(input: LabelDistributionInput): Promise<string> {
  const classes = limitClasses(input.classes.filter((c) => Number.isFinite(c.count) && c.count >= 0));
  const total = classes.reduce((sum, c) => sum + c.count, 0);
  const labels = uniqueLabels(classes.map((c) => c.label));
  const rows = classes.map((c, i) => ({
    label: labels[i],
    count: c.count,
    text: `${c.count} (${total > 0 ? ((100 * c.count) / total).toFixed(1) : '0'}%)`,
  }));
  const y = { field: 'label', type: 'nominal', title: 'class', scale: { domain: labels }, axis: { labelLimit: 200 } };
  const x = { field: 'count', type: 'quantitative', title: `count (${input.counted ?? 'sampled rows'})`, axis: { labelExpr: NUMBER_LABEL_EXPR, tickCount: 5 } };
  const spec = {
    title: {
      text: input.title ?? 'Label distribution',
      subtitle: `${classes.length} class${classes.length === 1 ? '' : 'es'}, ${total} ${input.counted ?? 'sampled rows'}`,
    },
    width: input.width ?? 360,
    height: { step: 20 },
    data: { values: rows },
    layer: [
      { mark: { type: 'bar' }, encoding: { y, x } },
      { mark: { type: 'text', align: 'left', dx: 4, baseline: 'middle', fontSize: 11 }, encoding: { y, x, text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec, {
    title: input.title ?? 'Label distribution',
    description: `Count of each of ${classes.length} classes: ${rows
      .map((r) => `${r.label} ${r.text}`)
      .slice(0, 10)
      .join(', ')}.`,
  });
}

function limitClasses(classes: ClassCount[]): ClassCount[] {
  if (classes.length <= MAX_CLASS_BARS) return classes;
  const byCount = [...classes].sort((a, b) => b.count - a.count);
  const kept = new Set(byCount.slice(0, MAX_CLASS_BARS - 1));
  const rest = byCount.slice(MAX_CLASS_BARS - 1);
  const other = { label: `other (${rest.length} classes)`, count: rest.reduce((sum, c) => sum + c.count, 0) };
  return [...classes.filter((c) => kept.has(c)), other];
}
