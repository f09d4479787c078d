// Per-feature histograms: the raw values beside the values after the declared preprocessing.
import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_BIN_COUNT, histogram, sharedRange } from './histogram.ts';
import { NUMBER_LABEL_EXPR } from './scale.ts';
import { renderVegaLite } from './vega-render.ts';

export interface HistogramSeries {
  /** legend entry, e.g. `train` or `validation` */
  name: string;
  values: ArrayLike<number>;
}

export interface HistogramPanel {
  /** panel heading, e.g. `raw` or `after standardize` */
  title: string;
  /** x-axis title with its unit, e.g. `value (raw units)` */
  axisTitle: string;
  series: HistogramSeries[];
}

export interface HistogramChartInput {
  /** chart heading, usually the feature or channel name */
  title: string;
  panels: HistogramPanel[];
  bins?: number;
  width?: number;
  height?: number;
}

interface BinRow {
  series: string;
  start: number;
  end: number;
  percent: number;
}

/**
 * Bars show the share of each series' finite values per bin (so train and validation samples of
 * different sizes compare), overlaid when a panel has several series. NaN/Infinity cannot sit in a
 * bin; their count goes in the panel's subtitle.
 */
export async function histogramChart(input: HistogramChartInput): Promise<string> {
  const width = input.width ?? 240;
  const height = input.height ?? 120;
  const seriesNames = [...new Set(input.panels.flatMap((panel) => panel.series.map((s) => s.name)))];
  const panels = input.panels.map((panel) => panelSpec(panel, input.bins ?? DEFAULT_BIN_COUNT, width, height, seriesNames));
  const spec = {
    title: { text: input.title },
    hconcat: panels,
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
  const panelNames = input.panels.map((p) => p.title).join(' and ');
  return renderVegaLite(spec, {
    title: `Histogram of ${input.title}`,
    description: `Share of sampled values per bin for ${input.title}: ${panelNames}.`,
  });
}

function panelSpec(panel: HistogramPanel, binCount: number, width: number, height: number, seriesNames: string[]) {
  const range = sharedRange(panel.series.map((s) => s.values));
  const rows: BinRow[] = [];
  let nonFinite = 0;
  if (range) {
    for (const series of panel.series) {
      const h = histogram(series.values, range, binCount);
      nonFinite += h.nonFinite;
      for (const bin of h.bins) {
        rows.push({ series: series.name, start: bin.start, end: bin.end, percent: h.finite > 0 ? (100 * bin.count) / h.finite : 0 });
      }
    }
  } else {
    nonFinite = panel.series.reduce((sum, s) => sum + s.values.length, 0);
  }
  const subtitle = !range
    ? 'no finite values to draw'
    : nonFinite > 0
      ? `${nonFinite} NaN/Infinity value${nonFinite === 1 ? '' : 's'} not drawn`
      : '';
  const overlaid = panel.series.length > 1;
  return {
    width,
    height,
    title: { text: panel.title, subtitle, fontSize: 12 },
    data: { values: rows },
    mark: { type: 'bar', opacity: overlaid ? 0.6 : 0.9, binSpacing: 0 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: panel.axisTitle, scale: { zero: false, nice: false }, axis: { tickCount: 5, labelExpr: NUMBER_LABEL_EXPR } },
      x2: { field: 'end' },
      y: { field: 'percent', type: 'quantitative', title: 'share of values (%)', stack: null, axis: { tickCount: 4 } },
      y2: { datum: 0 },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: seriesNames }, legend: seriesNames.length > 1 ? {} : null },
    },
  };
}
