// The scale of every input feature on one log axis, before and after the declared preprocessing.
import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../numbers.ts';
import { decadeDomain, decadeTicks, isLogPlottable, shortList, uniqueLabels, NUMBER_LABEL_EXPR } from './scale.ts';
import { REFERENCE_COLOR, SERIES_COLORS } from './theme.ts';
import { renderVegaLite } from './vega-render.ts';

export interface MeanStd {
  mean: number;
  std: number;
}

export interface FeatureScale {
  name: string;
  /** whole-file statistics in the data's own units */
  raw?: MeanStd;
  /** statistics after the declared preprocessing (what the model sees) */
  processed?: MeanStd;
}

export interface FeatureScaleChartInput {
  features: FeatureScale[];
  /** how the preprocessing is described in the legend, e.g. `standardize` */
  preprocessing: string;
  title?: string;
  /** legend entries, when the two statistics compared are not raw vs processed (e.g. train vs validation) */
  legend?: { rawStd: string; processedStd: string; processedMean: string };
  width?: number;
}

const DEFAULT_LEGEND = {
  rawStd: 'std, raw units',
  processedStd: 'std after preprocessing',
  processedMean: '|mean| after preprocessing',
};

/**
 * A dumbbell per feature: the raw standard deviation, the standard deviation after preprocessing and
 * the absolute mean after preprocessing, with a reference line at 1 (unit scale). Values a log axis
 * cannot show (0, NaN, Infinity) are named in the subtitle instead.
 */
export async function featureScaleChart(input: FeatureScaleChartInput): Promise<string> {
  const legend = input.legend ?? DEFAULT_LEGEND;
  const labels = uniqueLabels(input.features.map((f) => f.name));
  const points: { feature: string; series: string; value: number }[] = [];
  const links: { feature: string; low: number; high: number }[] = [];
  const notDrawn: string[] = [];
  input.features.forEach((feature, i) => {
    const label = labels[i];
    const candidates: [string, number | undefined][] = [
      [legend.rawStd, feature.raw?.std],
      [legend.processedStd, feature.processed?.std],
      [legend.processedMean, feature.processed ? Math.abs(feature.processed.mean) : undefined],
    ];
    for (const [name, value] of candidates) {
      if (value === undefined) continue;
      if (isLogPlottable(value)) points.push({ feature: label, series: name, value });
      else if (name !== legend.processedMean) notDrawn.push(`${label} (${name} ${formatNumber(value)})`);
    }
    const rawStd = feature.raw?.std;
    const processedStd = feature.processed?.std;
    if (rawStd !== undefined && processedStd !== undefined && isLogPlottable(rawStd) && isLogPlottable(processedStd)) {
      links.push({ feature: label, low: Math.min(rawStd, processedStd), high: Math.max(rawStd, processedStd) });
    }
  });
  // The legend lists only what is drawn (with no preprocessing there are no raw points).
  const drawn = [legend.rawStd, legend.processedStd, legend.processedMean].filter((name) => points.some((p) => p.series === name));
  const shapes = drawn.map((name) => (name === legend.processedMean ? 'diamond' : 'circle'));
  const colors = drawn.map((name) => (name === legend.rawStd ? SERIES_COLORS.grey : name === legend.processedStd ? SERIES_COLORS.blue : SERIES_COLORS.orange));
  const domain = decadeDomain(
    points.map((p) => p.value),
    [1],
  ) ?? [0.1, 10];
  const subtitle = notDrawn.length > 0 ? `not drawn on the log axis: ${shortList(notDrawn, 3)}` : '';
  const y = { field: 'feature', type: 'nominal', title: null, scale: { domain: labels }, axis: { labelLimit: 200 } };
  const spec = {
    title: { text: input.title ?? 'Feature scales', subtitle },
    width: input.width ?? 520,
    height: { step: 24 },
    layer: [
      {
        data: { values: [{ one: 1 }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: REFERENCE_COLOR },
        encoding: { x: { datum: 1, type: 'quantitative' } },
      },
      {
        data: { values: links },
        mark: { type: 'rule', color: REFERENCE_COLOR, opacity: 0.6 },
        encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          y,
          x: {
            field: 'value',
            type: 'quantitative',
            title: "std and |mean| in each feature's units (log scale; dashed line at 1)",
            scale: { type: 'log', domain, nice: false },
            axis: { labelExpr: NUMBER_LABEL_EXPR, grid: true, values: decadeTicks(domain) },
          },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: drawn, range: colors },
          },
          shape: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: drawn, range: shapes },
          },
        },
      },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec, {
    title: input.title ?? 'Feature scales',
    description: `Standard deviation of ${input.features.length} input features before and after ${input.preprocessing} preprocessing, and their absolute mean after it, on a log axis.`,
  });
}
