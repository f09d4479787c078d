// Per-channel (or per-feature) value ranges: min to max, mean ± std, as the model receives them.
import type { TopLevelSpec } from 'vega-lite';
import { NUMBER_LABEL_EXPR, shortList, uniqueLabels } from './scale.ts';
import { REFERENCE_COLOR, SERIES_COLORS } from './theme.ts';
import { renderVegaLite } from './vega-render.ts';

export interface ValueRange {
  name: string;
  min: number;
  max: number;
  mean: number;
  std: number;
}

export interface ValueRangeChartInput {
  title: string;
  ranges: ValueRange[];
  /** axis title with its unit, e.g. `pixel value after preprocessing` */
  valueTitle: string;
  /** a span to shade for comparison, e.g. [0, 1] */
  reference?: { low: number; high: number; label: string };
  width?: number;
}

/** A thin line from min to max, a thick bar over mean ± std and a dot at the mean, one row each. */
export async function valueRangeChart(input: ValueRangeChartInput): Promise<string> {
  const labels = uniqueLabels(input.ranges.map((r) => r.name));
  const rows: (ValueRange & { label: string; low: number; high: number })[] = [];
  const notDrawn: string[] = [];
  input.ranges.forEach((r, i) => {
    if ([r.min, r.max, r.mean, r.std].every(Number.isFinite)) rows.push({ ...r, label: labels[i], low: r.mean - r.std, high: r.mean + r.std });
    else notDrawn.push(labels[i]);
  });
  const y = { field: 'label', type: 'nominal', title: null, scale: { domain: labels } };
  const xTitle = { title: input.valueTitle, axis: { labelExpr: NUMBER_LABEL_EXPR, tickCount: 6 }, scale: { zero: false, nice: true } };
  const layers: unknown[] = [];
  const reference = input.reference;
  if (reference) {
    layers.push(
      {
        data: { values: [reference] },
        mark: { type: 'rect', color: REFERENCE_COLOR, opacity: 0.15 },
        encoding: { x: { field: 'low', type: 'quantitative', ...xTitle }, x2: { field: 'high' } },
      },
      {
        data: { values: [reference] },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, y: 0, fontSize: 10 },
        encoding: { x: { field: 'low', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  }
  layers.push({
    data: { values: rows },
    layer: [
      {
        mark: { type: 'rule', color: SERIES_COLORS.blue, strokeWidth: 2 },
        encoding: { x: { field: 'min', type: 'quantitative', ...xTitle }, x2: { field: 'max' } },
      },
      {
        mark: { type: 'bar', color: SERIES_COLORS.blue, opacity: 0.5, size: 12 },
        encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
      { mark: { type: 'point', filled: true, color: SERIES_COLORS.orange, size: 50, opacity: 1 }, encoding: { x: { field: 'mean', type: 'quantitative' } } },
    ],
    encoding: { y },
  });
  const spec = {
    title: {
      text: input.title,
      subtitle: ['line: min to max · bar: mean ± std · dot: mean', ...(notDrawn.length > 0 ? [`not drawn (NaN or Infinity): ${shortList(notDrawn)}`] : [])],
    },
    width: input.width ?? 380,
    height: { step: 24 },
    layer: layers,
  } as TopLevelSpec;
  return renderVegaLite(spec, {
    title: input.title,
    description: `${input.valueTitle}: minimum, maximum, mean and standard deviation for ${labels.join(', ')}.`,
  });
}
