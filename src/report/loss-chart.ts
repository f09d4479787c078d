// The loss-series model (loss-series.ts) drawn by Vega-Lite: the smoke run's loss chart on the HTML page
// and in the loss-<name>.svg files, and the LR range test beside it. mermaid.ts draws the same series
// for GitHub comments.
import type { BaseComparison } from '../evidence/comparison.ts';
import { lossCurvesChart, SERIES_COLORS } from './charts/index.ts';
import type { CurveMarker, CurveSeries, LossCurvesInput } from './charts/index.ts';
import { escapeXml } from './escape.ts';
import { shortRef } from './counterfactual.ts';
import { formatNumber } from './numbers.ts';
import { basePoints, trainingPoints, validationPoints, type LossPoint } from './loss-series.ts';
import { smokeControls } from './smoke-controls.ts';
import type { SmokeSummary } from './types.ts';

const toCurve = (points: readonly LossPoint[]) => points.map((p) => ({ x: p.step, y: p.value }));

/** The loss axis title: the configured loss when the report names it. */
export function lossAxisTitle(smoke: SmokeSummary): string {
  return `loss (${smoke.loss_name ?? 'training loss'})`;
}

/** The base's training loss as a series for the loss chart; undefined when there is none to draw. */
export function baseLossSeries(comparison: BaseComparison | undefined): CurveSeries | undefined {
  const points = basePoints(comparison);
  if (!comparison || points.length === 0) return undefined;
  return { name: `training at base ${shortRef(comparison.ref)}`, points: toCurve(points), color: SERIES_COLORS.grey, dashed: true };
}

/** Training and validation loss, the trivial baseline, the base run when compared, and where the run broke. */
export function lossChartInput(smoke: SmokeSummary, comparison: BaseComparison | undefined, title: string): LossCurvesInput {
  const series: CurveSeries[] = [{ name: 'training', points: toCurve(trainingPoints(smoke)), color: SERIES_COLORS.blue }];
  const validation = validationPoints(smoke);
  if (validation.length > 0) series.push({ name: 'validation', points: toCurve(validation), color: SERIES_COLORS.orange });
  const baseline = smokeControls(smoke).baseline;
  if (baseline && Number.isFinite(baseline.loss) && smoke.steps > 0) {
    const label = baseline.kind === 'mean' ? 'baseline: predict the mean' : 'baseline: predict the class prior';
    series.push({
      name: label,
      points: [
        { x: 1, y: baseline.loss },
        { x: Math.max(2, smoke.steps), y: baseline.loss },
      ],
      color: SERIES_COLORS.grey,
      dotted: true,
    });
  }
  const base = baseLossSeries(comparison);
  if (base) series.push(base);
  const failure = smoke.first_non_finite;
  const markers: CurveMarker[] = failure ? [{ x: failure.step, label: `first non-finite ${failure.where}${failure.layer ? ` (${failure.layer})` : ''}` }] : [];
  return { title, series, xTitle: 'training step', yTitle: lossAxisTitle(smoke), markers };
}

/** The learning-rate range test: loss against a growing rate, with the configured and suggested rates marked. */
export function lrRangeChartInput(smoke: SmokeSummary): LossCurvesInput | undefined {
  const range = smoke.lr_range;
  if (!range) return undefined;
  const markers: CurveMarker[] = [];
  if (smoke.learning_rate !== undefined) markers.push({ x: smoke.learning_rate, label: `configured ${formatNumber(smoke.learning_rate)}` });
  if (Number.isFinite(range.suggested)) markers.push({ x: range.suggested, label: `suggested ${formatNumber(range.suggested)}` });
  if (range.diverged_at !== undefined && Number.isFinite(range.diverged_at))
    markers.push({ x: range.diverged_at, label: `diverged ${formatNumber(range.diverged_at)}` });
  return {
    title: 'Learning-rate range test',
    series: [{ name: 'loss while the rate grows', points: range.lrs.map((x, i) => ({ x, y: range.losses[i] ?? Number.NaN })), color: SERIES_COLORS.teal }],
    xTitle: 'learning rate (log scale)',
    yTitle: lossAxisTitle(smoke),
    xLog: true,
    markers,
  };
}

/**
 * The loss-<name>.svg file: the loss chart, and the LR range test under it when the run did one, as
 * one standalone SVG drawn by Vega-Lite (headless, no browser).
 */
export async function renderLossChartSvg(smoke: SmokeSummary, options: { title: string; comparison?: BaseComparison }): Promise<string> {
  const charts = [await lossCurvesChart(lossChartInput(smoke, options.comparison, options.title))];
  const range = lrRangeChartInput(smoke);
  if (range) charts.push(await lossCurvesChart(range));
  return stackSvgs(charts, options.title);
}

/** Charts one under the other in one SVG document; each keeps its own size, styles and ids. */
export function stackSvgs(charts: readonly string[], title: string): string {
  let y = 0;
  let width = 0;
  const placed = charts.map((svg) => {
    const size = svgSize(svg);
    const inner = svg.replace(/^<svg\b/, `<svg x="0" y="${y}"`);
    y += size.height;
    width = Math.max(width, size.width);
    return inner;
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" role="img">` +
    `<title>${escapeXml(title)}</title>${placed.join('')}</svg>\n`
  );
}

function svgSize(svg: string): { width: number; height: number } {
  const open = svg.slice(0, svg.indexOf('>'));
  const read = (name: string) => Number(new RegExp(`\\s${name}="([0-9.]+)"`).exec(open)?.[1] ?? 0);
  return { width: read('width'), height: read('height') };
}
