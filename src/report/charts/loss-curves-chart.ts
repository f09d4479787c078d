// Loss curves: training and validation loss by step, the control runs, and the learning-rate range test.
import type { TopLevelSpec } from 'vega-lite';
import { decadeDomain, decadeTicks, extent, isLogPlottable, NUMBER_LABEL_EXPR } from './scale.ts';
import { CATEGORY_PALETTE, REFERENCE_COLOR } from './theme.ts';
import { renderVegaLite } from './vega-render.ts';

export interface CurvePoint {
  x: number;
  y: number;
}

export interface CurveSeries {
  name: string;
  points: CurvePoint[];
  /** a colour from the theme; by default series take the palette in order */
  color?: string;
  dashed?: boolean;
  /** a reference level rather than a run (a trivial baseline); wins over `dashed` */
  dotted?: boolean;
}

/** A labelled vertical line, e.g. the configured or the suggested learning rate. */
export interface CurveMarker {
  x: number;
  label: string;
}

export interface LossCurvesInput {
  title: string;
  series: CurveSeries[];
  /** axis titles with their units, e.g. `training step` and `loss (mean_squared_error)` */
  xTitle: string;
  yTitle: string;
  /** log x axis (learning rates) */
  xLog?: boolean;
  /** `auto` uses a log y axis when the positive losses span more than two decades */
  yScale?: 'auto' | 'linear' | 'log';
  markers?: CurveMarker[];
  width?: number;
  height?: number;
}

const SPARSE_POINTS = 20;

/** Positive values spanning more than this ratio read better on a log axis. */
const AUTO_LOG_RATIO = 100;

/**
 * Lines per series (with points when a series has few of them). Non-finite values, and values a log
 * axis cannot show, are left out and counted in the subtitle, so a diverged run still draws what it has.
 */
export async function lossCurvesChart(input: LossCurvesInput): Promise<string> {
  const all = input.series.flatMap((s) => s.points);
  const finiteYs = all.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => p.y);
  const yLog = input.yScale === 'log' || (input.yScale !== 'linear' && wantsLogAxis(finiteYs));
  const keep = (p: CurvePoint) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!yLog || isLogPlottable(p.y)) && (!input.xLog || isLogPlottable(p.x));
  // A series with few points (validation at probe steps) gets dots, so that one or two values still show.
  const rows = input.series.flatMap((s) => s.points.filter(keep).map((p) => ({ series: s.name, x: p.x, y: p.y, dotted: s.points.length <= SPARSE_POINTS })));
  const dropped = all.length - rows.length;

  const names = input.series.map((s) => s.name);
  const colors = input.series.map((s, i) => s.color ?? CATEGORY_PALETTE[i % CATEGORY_PALETTE.length]);
  const dashes = input.series.map((s) => (s.dotted ? [2, 3] : s.dashed ? [6, 4] : [1, 0]));
  const yDomain = yLog ? decadeDomain(rows.map((r) => r.y)) : undefined;
  const xDomain = input.xLog ? decadeDomain([...rows.map((r) => r.x), ...(input.markers ?? []).map((m) => m.x)]) : undefined;
  const markers = (input.markers ?? []).filter((m) => Number.isFinite(m.x) && (!input.xLog || isLogPlottable(m.x)));

  const subtitleParts: string[] = [];
  if (rows.length === 0) subtitleParts.push('no finite values to draw');
  if (dropped > 0)
    subtitleParts.push(`${dropped} value${dropped === 1 ? '' : 's'} not drawn (NaN, Infinity${yLog || input.xLog ? ' or ≤ 0 on a log axis' : ''})`);
  if (yLog) subtitleParts.push('log loss axis');

  const layers: unknown[] = [
    {
      data: { values: rows },
      layer: [
        { mark: { type: 'line', strokeWidth: 2, clip: true } },
        { transform: [{ filter: 'datum.dotted' }], mark: { type: 'point', filled: true, size: 36, opacity: 1, clip: true } },
      ],
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          title: input.xTitle,
          scale: input.xLog ? { type: 'log', domain: xDomain, nice: false } : { zero: false, nice: true },
          axis: input.xLog && xDomain ? { labelExpr: NUMBER_LABEL_EXPR, values: decadeTicks(xDomain) } : { labelExpr: NUMBER_LABEL_EXPR, tickCount: 6 },
        },
        y: {
          field: 'y',
          type: 'quantitative',
          title: input.yTitle,
          scale: yLog ? { type: 'log', domain: yDomain, nice: false } : { zero: false, nice: true },
          axis: yLog && yDomain ? { labelExpr: NUMBER_LABEL_EXPR, values: decadeTicks(yDomain) } : { labelExpr: NUMBER_LABEL_EXPR, tickCount: 5 },
        },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: { domain: names, range: colors },
          legend: { symbolType: 'stroke', symbolStrokeWidth: 2 },
        },
        // the same field and title as colour, so Vega-Lite merges both into one legend showing dashed lines
        strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: names, range: dashes } },
        order: { field: 'x', type: 'quantitative' },
      },
    },
  ];
  if (markers.length > 0) {
    layers.push(
      {
        data: { values: markers },
        mark: { type: 'rule', strokeDash: [3, 3], color: REFERENCE_COLOR },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
      {
        data: { values: markers },
        mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -2, y: 0, fontSize: 10 },
        encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  }
  const spec = {
    title: { text: input.title, subtitle: subtitleParts.join('; ') },
    width: input.width ?? 480,
    height: input.height ?? 220,
    layer: layers,
  } as TopLevelSpec;
  return renderVegaLite(spec, {
    title: input.title,
    description: `${input.yTitle} against ${input.xTitle} for ${names.join(', ')}.`,
  });
}

function wantsLogAxis(values: readonly number[]): boolean {
  if (values.length === 0 || values.some((v) => v <= 0)) return false;
  const { min, max } = extent(values);
  return max / min > AUTO_LOG_RATIO;
}
