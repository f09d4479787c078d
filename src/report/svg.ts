// A self-contained SVG loss chart: training and validation loss against the step, and, when the
// smoke run did an LR range test, a second panel of its loss against log10 of the learning rate.
// Explicit colours on a transparent background, switched by prefers-color-scheme, so the chart reads
// on GitHub's light and dark themes. Non-finite values leave a gap and a red band.
import { escapeXml } from './escape.ts';
import { makeScale, type Scale } from './chart-scale.ts';
import { downsampleIndices, formatNumber, stepOfLossIndex } from './numbers.ts';
import { trainingPoints, validationPoints } from './loss-series.ts';
import type { SmokeSummary } from './types.ts';
import { maxOf, minOf } from '../extremes.ts';

export interface SvgChartOptions {
  title: string;
  /** the same config's training loss at a base ref (`--base`), drawn as a second line */
  base?: { label: string; loss: readonly number[] };
}

interface Point {
  x: number;
  y: number;
}

interface Series {
  label: string;
  cssClass: string;
  points: Point[];
  markers: boolean;
}

interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  /** x values are log10 of the real value; ticks are labelled as powers of ten */
  xIsLog10: boolean;
  series: Series[];
  emptyText: string;
  /** vertical reference line, in x units */
  marker?: { x: number; label: string };
}

const WIDTH = 720;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 72, right: 24, top: 56, bottom: 52 };
const TITLE_HEIGHT = 32;
/** More points than pixels only makes the file bigger. */
const MAX_POINTS_PER_SERIES = 1500;
/** Beyond this ratio between the largest and smallest loss, a linear axis hides the interesting part. */
const LOG_SCALE_RATIO = 100;

const STYLE = `
text { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 12px; fill: #1f2328; }
.title { font-size: 15px; font-weight: 600; }
.panel-title { font-size: 13px; font-weight: 600; }
.muted { fill: #59636e; }
.axis { stroke: #59636e; stroke-width: 1; fill: none; }
.grid { stroke: #d1d9e0; stroke-width: 1; fill: none; }
.series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.train { stroke: #2563eb; }
.val { stroke: #ea580c; }
.lr { stroke: #7c3aed; }
.base { stroke: #6b7280; stroke-dasharray: 6 3; }
.dot-train { fill: #2563eb; }
.dot-val { fill: #ea580c; }
.dot-lr { fill: #7c3aed; }
.nonfinite { fill: #dc2626; fill-opacity: 0.18; stroke: #dc2626; stroke-opacity: 0.6; }
.nonfinite-label { fill: #dc2626; }
.ref { stroke: #16a34a; stroke-width: 1.5; stroke-dasharray: 5 4; }
.ref-label { fill: #16a34a; }
@media (prefers-color-scheme: dark) {
  text { fill: #e6edf3; }
  .muted { fill: #9198a1; }
  .axis { stroke: #9198a1; }
  .grid { stroke: #3d444d; }
  .train { stroke: #60a5fa; }
  .val { stroke: #fb923c; }
  .lr { stroke: #a78bfa; }
  .base { stroke: #9ca3af; }
  .dot-train { fill: #60a5fa; }
  .dot-val { fill: #fb923c; }
  .dot-lr { fill: #a78bfa; }
  .nonfinite { fill: #f87171; stroke: #f87171; }
  .nonfinite-label { fill: #f87171; }
  .ref { stroke: #4ade80; }
  .ref-label { fill: #4ade80; }
}
`;

export function renderLossChartSvg(smoke: SmokeSummary, options: SvgChartOptions): string {
  const panels = [lossPanel(smoke, options.base)];
  if (smoke.lr_range) panels.push(lrRangePanel(smoke.lr_range));
  const height = TITLE_HEIGHT + panels.length * PANEL_HEIGHT;
  const body = panels.map((panel, index) => renderPanel(panel, TITLE_HEIGHT + index * PANEL_HEIGHT)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeXml(options.title)}</title>`,
    `<style>${STYLE}</style>`,
    `<text class="title" x="${MARGIN.left}" y="22">${escapeXml(options.title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

function lossPanel(smoke: SmokeSummary, base?: SvgChartOptions['base']): Panel {
  const toPoints = (points: { step: number; value: number }[]) => points.map((p) => ({ x: p.step, y: p.value }));
  const series: Series[] = [
    { label: 'training loss', cssClass: 'train', points: downsample(toPoints(trainingPoints(smoke))), markers: false },
  ];
  const validation = toPoints(validationPoints(smoke));
  if (validation.length > 0) series.push({ label: 'validation loss', cssClass: 'val', points: downsample(validation), markers: true });
  if (base && base.loss.length > 0) {
    series.push({ label: `training loss at ${base.label} (base)`, cssClass: 'base', points: downsample(base.loss.map((y, index) => ({ x: stepOfLossIndex(index), y }))), markers: false });
  }
  return {
    title: `Smoke run (${smoke.steps} steps)`,
    xLabel: 'step',
    yLabel: 'loss',
    xIsLog10: false,
    series,
    emptyText: 'No loss values recorded',
  };
}

function lrRangePanel(range: NonNullable<SmokeSummary['lr_range']>): Panel {
  const points: Point[] = [];
  range.lrs.forEach((lr, index) => {
    if (lr > 0 && Number.isFinite(lr) && index < range.losses.length) points.push({ x: Math.log10(lr), y: range.losses[index] });
  });
  const panel: Panel = {
    title: 'Learning-rate range test',
    xLabel: 'learning rate (log scale)',
    yLabel: 'loss',
    xIsLog10: true,
    series: [{ label: 'loss after a few steps', cssClass: 'lr', points: downsample(points), markers: true }],
    emptyText: 'No range test values recorded',
  };
  if (range.suggested > 0 && Number.isFinite(range.suggested)) {
    panel.marker = { x: Math.log10(range.suggested), label: `suggested ${formatNumber(range.suggested, 3)}` };
  }
  return panel;
}

function downsample(points: Point[]): Point[] {
  return downsampleIndices(points.length, MAX_POINTS_PER_SERIES).map((i) => points[i]);
}

function finite(values: number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

function renderPanel(panel: Panel, top: number): string {
  const plot = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: top + MARGIN.top, bottom: top + PANEL_HEIGHT - MARGIN.bottom };
  const parts: string[] = [`<g class="panel">`, `<text class="panel-title" x="${plot.left}" y="${top + 22}">${escapeXml(panel.title)}</text>`];
  const allXs = finite(panel.series.flatMap((s) => s.points.map((p) => p.x)));
  const ys = finite(panel.series.flatMap((s) => s.points.map((p) => p.y)));
  const positive = ys.filter((y) => y > 0);
  const useLogY = ys.length > 0 && positive.length === ys.length && maxOf(ys) / minOf(ys) > LOG_SCALE_RATIO;

  parts.push(`<rect class="axis" x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}"/>`);
  const yLabel = useLogY ? `${panel.yLabel} (log scale)` : panel.yLabel;
  parts.push(
    `<text class="muted" text-anchor="middle" transform="translate(${18} ${fmt((plot.top + plot.bottom) / 2)}) rotate(-90)">${escapeXml(yLabel)}</text>`,
    `<text class="muted" text-anchor="middle" x="${fmt((plot.left + plot.right) / 2)}" y="${plot.bottom + 40}">${escapeXml(panel.xLabel)}</text>`,
  );

  if (ys.length === 0 || allXs.length === 0) {
    const recorded = panel.series.some((series) => series.points.length > 0);
    const emptyText = recorded ? 'No finite values to draw' : panel.emptyText;
    parts.push(`<text class="muted" text-anchor="middle" x="${fmt((plot.left + plot.right) / 2)}" y="${fmt((plot.top + plot.bottom) / 2)}">${escapeXml(emptyText)}</text>`);
    parts.push(...nonFiniteBands(panel, null, plot));
    parts.push('</g>');
    return parts.join('\n');
  }

  const xScale = makeScale(allXs, plot.left, plot.right, panel.xIsLog10 ? 'log10-values' : 'linear', 0);
  const yScale = makeScale(ys, plot.bottom, plot.top, useLogY ? 'log' : 'linear', 0.05);
  parts.push(...renderGrid(xScale, yScale, plot));
  parts.push(...nonFiniteBands(panel, xScale, plot));
  for (const series of panel.series) parts.push(...renderSeries(series, xScale, yScale));
  if (panel.marker) {
    const x = xScale.toPixel(panel.marker.x);
    if (x >= plot.left && x <= plot.right) {
      parts.push(
        `<line class="ref" x1="${fmt(x)}" y1="${plot.top}" x2="${fmt(x)}" y2="${plot.bottom}"/>`,
        `<text class="ref-label" x="${fmt(x + 4)}" y="${plot.top + 14}">${escapeXml(panel.marker.label)}</text>`,
      );
    }
  }
  parts.push(...renderLegend(panel, plot, top));
  parts.push('</g>');
  return parts.join('\n');
}

interface Plot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function renderGrid(xScale: Scale, yScale: Scale, plot: Plot): string[] {
  const parts: string[] = [];
  for (const tick of yScale.ticks) {
    const y = yScale.toPixel(tick.value);
    if (y < plot.top - 0.5 || y > plot.bottom + 0.5) continue;
    parts.push(
      `<line class="grid" x1="${plot.left}" y1="${fmt(y)}" x2="${plot.right}" y2="${fmt(y)}"/>`,
      `<text class="muted" text-anchor="end" x="${plot.left - 6}" y="${fmt(y + 4)}">${escapeXml(tick.label)}</text>`,
    );
  }
  for (const tick of xScale.ticks) {
    const x = xScale.toPixel(tick.value);
    if (x < plot.left - 0.5 || x > plot.right + 0.5) continue;
    parts.push(
      `<line class="grid" x1="${fmt(x)}" y1="${plot.top}" x2="${fmt(x)}" y2="${plot.bottom}"/>`,
      `<text class="muted" text-anchor="middle" x="${fmt(x)}" y="${plot.bottom + 18}">${escapeXml(tick.label)}</text>`,
    );
  }
  return parts;
}

/** Path data with a gap wherever a value is not finite (or not drawable on a log axis). */
function pathData(points: Point[], xScale: Scale, yScale: Scale): string {
  let data = '';
  let penDown = false;
  for (const point of points) {
    const drawable = Number.isFinite(point.x) && Number.isFinite(point.y) && (!yScale.isLog || point.y > 0);
    if (!drawable) {
      penDown = false;
      continue;
    }
    data += `${penDown ? 'L' : 'M'}${fmt(xScale.toPixel(point.x))} ${fmt(yScale.toPixel(point.y))}`;
    penDown = true;
  }
  return data;
}

function renderSeries(series: Series, xScale: Scale, yScale: Scale): string[] {
  const parts: string[] = [];
  const d = pathData(series.points, xScale, yScale);
  // A lone point between gaps is a move with no line; its marker keeps it visible.
  if (d) parts.push(`<path class="series ${series.cssClass}" data-series="${escapeXml(series.label)}" d="${d}"/>`);
  const lonePoints = series.points.filter((p, i, all) => {
    const ok = (q?: Point) => q !== undefined && Number.isFinite(q.y);
    return ok(p) && !ok(all[i - 1]) && !ok(all[i + 1]);
  });
  const dots = series.markers ? series.points.filter((p) => Number.isFinite(p.y)) : lonePoints;
  for (const p of dots) {
    if (yScale.isLog && p.y <= 0) continue;
    parts.push(`<circle class="dot-${series.cssClass}" cx="${fmt(xScale.toPixel(p.x))}" cy="${fmt(yScale.toPixel(p.y))}" r="2.5"/>`);
  }
  return parts;
}

/** Red bands over the x ranges where a series is NaN or infinite, so the gap reads as a failure. */
function nonFiniteBands(panel: Panel, xScale: Scale | null, plot: Plot): string[] {
  const runs: { from: number; to: number; count: number }[] = [];
  for (const series of panel.series) {
    let run: { from: number; to: number; count: number } | undefined;
    for (const point of series.points) {
      if (!Number.isFinite(point.y) && Number.isFinite(point.x)) {
        if (run) {
          run.to = point.x;
          run.count += 1;
        } else {
          run = { from: point.x, to: point.x, count: 1 };
        }
      } else if (run) {
        runs.push(run);
        run = undefined;
      }
    }
    if (run) runs.push(run);
  }
  if (runs.length === 0) return [];
  const parts: string[] = [];
  const total = runs.reduce((n, r) => n + r.count, 0);
  if (xScale) {
    for (const run of runs) {
      const x1 = Math.max(plot.left, xScale.toPixel(run.from) - 2);
      const x2 = Math.min(plot.right, xScale.toPixel(run.to) + 2);
      parts.push(`<rect class="nonfinite" x="${fmt(x1)}" y="${plot.top}" width="${fmt(Math.max(2, x2 - x1))}" height="${plot.bottom - plot.top}"/>`);
    }
  }
  const first = minOf(runs.map((r) => r.from));
  const label = `${total} non-finite value${total === 1 ? '' : 's'} (NaN/Inf) from ${panel.xIsLog10 ? 'lr ' + formatNumber(10 ** first, 3) : 'step ' + first}`;
  parts.push(`<text class="nonfinite-label" text-anchor="end" x="${plot.right}" y="${plot.bottom + 34}">${escapeXml(label)}</text>`);
  return parts;
}

function renderLegend(panel: Panel, plot: Plot, top: number): string[] {
  const parts: string[] = [];
  let x = plot.right;
  const y = top + 40;
  for (const series of [...panel.series].reverse()) {
    if (series.points.length === 0) continue;
    const textWidth = series.label.length * 6.6;
    x -= textWidth;
    parts.push(`<text x="${fmt(x)}" y="${y + 4}">${escapeXml(series.label)}</text>`);
    x -= 26;
    parts.push(`<line class="series ${series.cssClass}" x1="${fmt(x)}" y1="${y}" x2="${fmt(x + 20)}" y2="${y}"/>`);
    x -= 16;
  }
  return parts;
}

function fmt(value: number): string {
  return String(Math.round(value * 10) / 10);
}
