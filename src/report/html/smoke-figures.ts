// Figures drawn from the smoke training run: loss curves (with the base ref's run when compared),
// control runs, the LR range test, and per-layer gradient norms, update ratios and dead/saturated unit fractions.
import type { BaseComparison } from '../../evidence/comparison.ts';
import type { SmokeTrace } from '../../engine/types.ts';
import { escapeXml } from '../escape.ts';
import { formatNumber } from '../numbers.ts';
import { layerBarChart, lossCurvesChart, SERIES_COLORS } from '../charts/index.ts';
import type { CurveMarker, CurveSeries } from '../charts/index.ts';
import { baseLossSeries, comparisonHtml } from './counterfactual-html.ts';
import { figure, note } from './figure.ts';

/** The update/weight ratio range that trains well (CHECKS.md: DeepDiagnosis [1e-5, 1e-1]). */
export const HEALTHY_UPDATE_RATIO = { low: 1e-5, high: 1e-1 };
/** dead-relus and saturated-activations fire above this share of units. */
export const UNIT_FRACTION_THRESHOLD = 0.5;

export async function lossFigures(trace: SmokeTrace, lossName: string, comparison?: BaseComparison): Promise<string[]> {
  const yTitle = `loss (${lossName})`;
  const series: CurveSeries[] = [
    { name: 'training', points: trace.loss.map((y, i) => ({ x: i + 1, y })), color: SERIES_COLORS.blue },
  ];
  if (trace.valLoss.length > 0) {
    series.push({ name: 'validation', points: trace.valLoss.map((y, i) => ({ x: trace.probeSteps[i] ?? Number.NaN, y })), color: SERIES_COLORS.orange });
  }
  const baseline = trace.controls.baseline;
  if (Number.isFinite(baseline.loss) && trace.steps > 0) {
    const label = baseline.kind === 'mean' ? 'baseline: predict the mean' : 'baseline: predict the class prior';
    series.push({ name: label, points: [{ x: 1, y: baseline.loss }, { x: Math.max(2, trace.steps), y: baseline.loss }], color: SERIES_COLORS.grey, dotted: true });
  }
  const base = baseLossSeries(comparison);
  if (base) series.push(base);
  const failure = trace.firstNonFinite;
  const markers: CurveMarker[] = failure ? [{ x: failure.step, label: `first non-finite ${failure.where}${failure.layer ? ` (${failure.layer})` : ''}` }] : [];
  const figures = [
    await figure(
      () => lossCurvesChart({ title: 'Smoke run loss', series, xTitle: 'training step', yTitle, markers }),
      `${trace.steps} of ${trace.plannedSteps} steps on ${trace.backend}, batch ${trace.batchSize}, learning rate ${formatNumber(trace.learningRate)}, seed ${trace.seed}. ` +
        `Initial loss ${formatNumber(trace.initialLoss)}${trace.expectedInitialLoss !== undefined ? ` (expected about ${formatNumber(trace.expectedInitialLoss)})` : ''}.` +
        (base ? ` Grey dashed: the same config at the base ref, first seed.` : ''),
    ),
  ];
  // The comparison's numbers belong right under the chart that draws both runs.
  if (comparison) figures.push(comparisonHtml(comparison));

  const zeroed = trace.controls.zeroedInputs;
  if (zeroed) {
    figures.push(
      await figure(
        () =>
          lossCurvesChart({
            title: 'Control run: real inputs vs zeroed inputs',
            series: [
              { name: 'real inputs', points: zeroed.realLosses.map((y, i) => ({ x: i + 1, y })), color: SERIES_COLORS.blue },
              { name: 'zeroed inputs', points: zeroed.zeroedLosses.map((y, i) => ({ x: i + 1, y })), color: SERIES_COLORS.purple, dashed: true },
            ],
            xTitle: 'control run step',
            yTitle,
          }),
        `Final loss ${formatNumber(zeroed.realFinal)} with real inputs, ${formatNumber(zeroed.zeroedFinal)} with zeroed inputs (p = ${formatNumber(zeroed.pValue, 3)}). A model that learns from its input does clearly better on the real inputs.`,
      ),
    );
  }

  const range = trace.controls.lrRange;
  if (range) {
    const clear = Number.isFinite(range.suggestedLr);
    const rangeMarkers: CurveMarker[] = [{ x: trace.learningRate, label: `configured ${formatNumber(trace.learningRate)}` }];
    if (clear) rangeMarkers.push({ x: range.suggestedLr, label: `suggested ${formatNumber(range.suggestedLr)}` });
    if (range.divergedAt !== undefined) rangeMarkers.push({ x: range.divergedAt, label: `diverged ${formatNumber(range.divergedAt)}` });
    figures.push(
      await figure(
        () =>
          lossCurvesChart({
            title: 'Learning-rate range test',
            series: [{ name: 'loss while the rate grows', points: range.lrs.map((x, i) => ({ x, y: range.losses[i] ?? Number.NaN })), color: SERIES_COLORS.teal }],
            xTitle: 'learning rate (log scale)',
            yTitle,
            xLog: true,
            markers: rangeMarkers,
          }),
        `${clear ? `Best rate ${formatNumber(range.bestLr)}; suggested ${formatNumber(range.suggestedLr)}` : 'No rate clearly lowers the loss, so none is suggested'}${range.divergedAt !== undefined ? `; the loss diverged from ${formatNumber(range.divergedAt)}` : ''}.`,
      ),
    );
  }
  const table = controlTable(trace);
  if (table) figures.push(table);
  return figures;
}

/** The control runs that give one number each (overfit a small batch, a widened model) as a table. */
function controlTable(trace: SmokeTrace): string {
  const rows: string[][] = [];
  const { overfit, widened } = trace.controls;
  if (overfit) {
    rows.push([
      `Overfit ${overfit.samples} samples`,
      `${overfit.steps} steps`,
      `${formatNumber(overfit.startLoss)} → ${formatNumber(overfit.finalLoss)}${overfit.accuracy !== undefined ? `, accuracy ${formatNumber(100 * overfit.accuracy, 3)}%` : ''}`,
      overfit.fitted ? 'fitted' : 'did not fit',
    ]);
  }
  if (widened) {
    rows.push([`Widened ${formatNumber(widened.factor)}x`, '', `${formatNumber(widened.startLoss)} → ${formatNumber(widened.finalLoss)}`, widened.fitted ? 'fitted' : 'did not fit']);
  }
  rows.push([`Trivial baseline (${trace.controls.baseline.kind})`, '', formatNumber(trace.controls.baseline.loss), '']);
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="controls"><caption>Control runs</caption><thead><tr><th>run</th><th>length</th><th>loss</th><th>result</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** Value at the last probe step where it is finite, else the last value (which may be NaN). */
export function lastProbeValue(values: readonly number[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
  return values.length > 0 ? values[values.length - 1] : undefined;
}

export async function gradientFigures(trace: SmokeTrace): Promise<string[]> {
  const figures: string[] = [];
  const layers = trace.layers.map((l) => l.name);
  if (layers.length > 0) {
    const firstStep = trace.probeSteps[0];
    const lastStep = trace.probeSteps[trace.probeSteps.length - 1];
    figures.push(
      await figure(
        () =>
          layerBarChart({
            title: 'Gradient norm by layer',
            layers,
            series: [
              { name: `first probe${firstStep !== undefined ? ` (step ${firstStep})` : ''}`, values: trace.layers.map((l) => l.gradNorm[0]), color: SERIES_COLORS.blue },
              { name: `last probe${lastStep !== undefined ? ` (step ${lastStep})` : ''}`, values: trace.layers.map((l) => lastProbeValue(l.gradNorm)), color: SERIES_COLORS.orange },
            ],
            valueTitle: 'L2 norm of the kernel gradient (log scale)',
            scale: 'log',
          }),
        'A first-to-last layer ratio above 70 points at exploding gradients; first-layer norms far below the last layer (ratio < 1e-3) at vanishing ones.',
      ),
      await figure(
        () =>
          layerBarChart({
            title: 'Update/weight ratio by layer (last probe)',
            layers,
            series: [{ name: 'update / weight', values: trace.layers.map((l) => lastProbeValue(l.updateRatio)), color: SERIES_COLORS.teal }],
            valueTitle: '‖update‖ / ‖weight‖ per step (log scale)',
            scale: 'log',
            references: [
              { value: HEALTHY_UPDATE_RATIO.low, label: '1e-5' },
              { value: HEALTHY_UPDATE_RATIO.high, label: '1e-1' },
            ],
          }),
        'Between the dashed lines (1e-5 to 1e-1) the learning rate moves the weights at a healthy pace; above it the rate is too high, below it too low.',
      ),
    );
  }
  const init = trace.init;
  if (init.layerNames.length > 0) {
    figures.push(
      await figure(
        () =>
          layerBarChart({
            title: 'Signal at initialization',
            layers: init.layerNames,
            series: [
              { name: 'activation std', values: init.activationStd, color: SERIES_COLORS.purple },
              { name: 'gradient norm', values: init.gradNorm, color: SERIES_COLORS.green },
            ],
            valueTitle: 'value at initialization, one batch (log scale)',
            scale: 'log',
          }),
        'Growth or shrinkage by more than 10x across the layers at initialization points at an init scale that does not fit the activation.',
      ),
    );
  }
  if (figures.length === 0) figures.push(note('The smoke run recorded no per-layer probes.'));
  return figures;
}

export async function unitFigures(trace: SmokeTrace): Promise<string[]> {
  const probed = trace.layers.filter((l) => l.deadFraction !== undefined || l.saturatedFraction !== undefined);
  if (probed.length === 0) return [note('No ReLU-family or sigmoid/tanh layer was probed for dead or saturated units.')];
  return [
    await figure(
      () =>
        layerBarChart({
          title: 'Dead and saturated units by layer',
          layers: probed.map((l) => l.name),
          series: [
            { name: 'dead (never active)', values: probed.map((l) => l.deadFraction), color: SERIES_COLORS.red },
            { name: 'saturated', values: probed.map((l) => l.saturatedFraction), color: SERIES_COLORS.purple },
          ],
          valueTitle: 'share of the layer’s units (probe batch, last probe)',
          scale: 'linear',
          domain: [0, 1],
          format: '.0%',
          references: [{ value: UNIT_FRACTION_THRESHOLD, label: '50%' }],
        }),
      'Dead: ReLU-family units never active on the probe batch. Saturated: sigmoid/tanh units whose pre-activation sits beyond ±5 on most of the batch.',
    ),
  ];
}
