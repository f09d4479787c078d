// One value per layer (gradient norm, update/weight ratio, dead or saturated fraction), as bars in layer order.
import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../numbers.ts';
import { decadeDomain, decadeTicks, isLogPlottable, shortList, uniqueLabels, NUMBER_LABEL_EXPR } from './scale.ts';
import { CATEGORY_PALETTE, REFERENCE_COLOR } from './theme.ts';
import { renderVegaLite } from './vega-render.ts';

export interface LayerBarSeries {
  name: string;
  /** one value per entry of `layers`; undefined where the layer has no such value */
  values: (number | undefined)[];
  color?: string;
}

/** A labelled threshold line, e.g. 50% dead units or the healthy update-ratio range. */
export interface ReferenceLine {
  value: number;
  label: string;
}

export interface LayerBarInput {
  title: string;
  /** layer names, first layer first */
  layers: string[];
  series: LayerBarSeries[];
  /** axis title with its unit, e.g. `gradient L2 norm (log scale)` */
  valueTitle: string;
  scale: 'linear' | 'log';
  /** fixed axis range, e.g. [0, 1] for fractions */
  domain?: [number, number];
  /** axis number format (d3-format), e.g. `.0%` */
  format?: string;
  references?: ReferenceLine[];
  width?: number;
}

/**
 * Horizontal bars, one band per layer and one bar per series inside it. On a log axis the bars
 * start at the bottom of the axis; zero, NaN and Infinity cannot be drawn there and are named in
 * the subtitle.
 */
export async function layerBarChart(input: LayerBarInput): Promise<string> {
  const labels = uniqueLabels(input.layers);
  const log = input.scale === 'log';
  const rows: { layer: string; series: string; value: number }[] = [];
  const notDrawn: string[] = [];
  for (const series of input.series) {
    series.values.forEach((value, i) => {
      if (value === undefined || i >= labels.length) return;
      const drawable = log ? isLogPlottable(value) : Number.isFinite(value);
      if (drawable) rows.push({ layer: labels[i], series: series.name, value });
      else notDrawn.push(`${labels[i]} ${formatNumber(value)}`);
    });
  }
  const references = (input.references ?? []).filter((r) => (log ? isLogPlottable(r.value) : Number.isFinite(r.value)));
  const domain = input.domain ?? (log ? barLogDomain([...rows.map((r) => r.value), ...references.map((r) => r.value)]) : undefined);
  const names = input.series.map((s) => s.name);
  const colors = input.series.map((s, i) => s.color ?? CATEGORY_PALETTE[i % CATEGORY_PALETTE.length]);
  const y = { field: 'layer', type: 'nominal', title: null, scale: { domain: labels }, axis: { labelLimit: 200 } };
  const x = {
    field: 'value',
    type: 'quantitative',
    title: input.valueTitle,
    scale: log ? { type: 'log', domain, nice: false } : { domain, nice: !input.domain, zero: true },
    axis:
      log && domain
        ? { labelExpr: NUMBER_LABEL_EXPR, values: decadeTicks(domain) }
        : input.format
          ? { format: input.format, tickCount: 5 }
          : { labelExpr: NUMBER_LABEL_EXPR, tickCount: 5 },
  };
  const layers: unknown[] = [
    {
      data: { values: rows },
      mark: { type: 'bar', clip: true },
      encoding: {
        y,
        yOffset: names.length > 1 ? { field: 'series', type: 'nominal', scale: { domain: names } } : undefined,
        x,
        x2: log && domain ? { datum: domain[0] } : { datum: 0 },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: colors }, legend: names.length > 1 ? {} : null },
      },
    },
  ];
  if (references.length > 0) {
    layers.push(
      {
        data: { values: references },
        mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 2, color: REFERENCE_COLOR },
        encoding: { x: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: references },
        // above the plot, where no bar can hide it
        mark: { type: 'text', align: 'center', baseline: 'bottom', dy: -3, y: 0, fontSize: 10 },
        encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  }
  const subtitle = [
    'layers from input (top) to output (bottom)',
    ...(notDrawn.length > 0 ? [`not drawn${log ? ' on the log axis' : ''}: ${shortList(notDrawn, 3)}`] : []),
  ];
  const spec = {
    title: { text: input.title, subtitle },
    width: input.width ?? 440,
    height: { step: names.length > 1 ? 12 * names.length + 6 : 20 },
    layer: layers,
  } as TopLevelSpec;
  return renderVegaLite(spec, {
    title: input.title,
    description: `${input.valueTitle} for ${labels.length} layers${names.length > 1 ? ` (${names.join(', ')})` : ''}.`,
  });
}

/** Log bars start at the bottom of the axis: one decade of room below the smallest value keeps it visible. */
function barLogDomain(values: number[]): [number, number] | undefined {
  const domain = decadeDomain(values);
  return domain ? [domain[0] / 10, domain[1]] : undefined;
}
