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

/** One series of a binned panel: the share of its finite values in each bin, in percent. */
export interface BinnedSeries {
  name: string;
  percent: number[];
}

/** One panel counted into bins: what the chart draws, small enough to keep in report.json. */
export interface BinnedHistogramPanel {
  title: string;
  axisTitle: string;
  /** bin edges shared by the series (one more than the bins); empty when no value was finite */
  edges: number[];
  /** legend order; a series without a finite value has zeros */
  series: BinnedSeries[];
  /** NaN/Infinity values, which no bin can hold */
  nonFinite: number;
}

export interface BinnedHistogramInput {
  title: string;
  panels: BinnedHistogramPanel[];
  width?: number;
  height?: number;
}

/**
 * Bars show the share of each series' finite values per bin (so train and validation samples of
 * different sizes compare), overlaid when a panel has several series. NaN/Infinity cannot sit in a
 * bin; their count goes in the panel's subtitle.
 */
export async function histogramChart(input: HistogramChartInput): Promise<string> {
  return binnedHistogramChart(binHistogram(input));
}

/** The values counted into bins: the chart-ready form that reports carry instead of the sample. */
export function binHistogram(input: HistogramChartInput): BinnedHistogramInput {
  const binned: BinnedHistogramInput = { title: input.title, panels: input.panels.map((panel) => binPanel(panel, input.bins ?? DEFAULT_BIN_COUNT)) };
  if (input.width !== undefined) binned.width = input.width;
  if (input.height !== undefined) binned.height = input.height;
  return binned;
}

export async function binnedHistogramChart(input: BinnedHistogramInput): Promise<string> {
  const width = input.width ?? 240;
  const height = input.height ?? 120;
  const seriesNames = [...new Set(input.panels.flatMap((panel) => panel.series.map((s) => s.name)))];
  const panels = input.panels.map((panel) => panelSpec(panel, width, height, seriesNames));
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

function binPanel(panel: HistogramPanel, binCount: number): BinnedHistogramPanel {
  const range = sharedRange(panel.series.map((s) => s.values));
  if (!range) {
    const nonFinite = panel.series.reduce((sum, s) => sum + s.values.length, 0);
    return { title: panel.title, axisTitle: panel.axisTitle, edges: [], series: panel.series.map((s) => ({ name: s.name, percent: [] })), nonFinite };
  }
  let nonFinite = 0;
  let edges: number[] = [];
  const series = panel.series.map((s) => {
    const h = histogram(s.values, range, binCount);
    nonFinite += h.nonFinite;
    edges = [...h.bins.map((bin) => bin.start), h.bins[h.bins.length - 1].end];
    return { name: s.name, percent: h.bins.map((bin) => (h.finite > 0 ? (100 * bin.count) / h.finite : 0)) };
  });
  return { title: panel.title, axisTitle: panel.axisTitle, edges, series, nonFinite };
}

/** The bars as rows Vega-Lite draws: one per series and bin. */
function binRows(panel: BinnedHistogramPanel): BinRow[] {
  return panel.series.flatMap((s) =>
    s.percent.slice(0, Math.max(0, panel.edges.length - 1)).map((percent, i) => ({ series: s.name, start: panel.edges[i], end: panel.edges[i + 1], percent })),
  );
}

function panelSpec(panel: BinnedHistogramPanel, width: number, height: number, seriesNames: string[]) {
  const subtitle =
    panel.edges.length === 0
      ? 'no finite values to draw'
      : panel.nonFinite > 0
        ? `${panel.nonFinite} NaN/Infinity value${panel.nonFinite === 1 ? '' : 's'} not drawn`
        : '';
  const overlaid = panel.series.length > 1;
  return {
    width,
    height,
    title: { text: panel.title, subtitle, fontSize: 12 },
    data: { values: binRows(panel) },
    mark: { type: 'bar', opacity: overlaid ? 0.6 : 0.9, binSpacing: 0 },
    encoding: {
      x: {
        field: 'start',
        type: 'quantitative',
        title: panel.axisTitle,
        scale: { zero: false, nice: false },
        axis: { tickCount: 5, labelExpr: NUMBER_LABEL_EXPR },
      },
      x2: { field: 'end' },
      y: { field: 'percent', type: 'quantitative', title: 'share of values (%)', stack: null, axis: { tickCount: 4 } },
      y2: { datum: 0 },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: seriesNames }, legend: seriesNames.length > 1 ? {} : null },
    },
  };
}
