// Figures drawn from the smoke summary of the report: loss curves (with the base ref's run when compared),
// control runs, the LR range test, and per-layer gradient norms, update ratios and dead/saturated unit
// fractions. They read the report only, so a report read back from report.json draws the same.
import type { BaseComparison } from '../../evidence/comparison.ts';
import { escapeXml } from '../escape.ts';
import { formatNumber } from '../numbers.ts';
import { layerBarChart, lossCurvesChart, SERIES_COLORS } from '../charts/index.ts';
import { baseLossSeries, lossAxisTitle, lossChartInput, lrRangeChartInput } from '../loss-chart.ts';
import { smokeControls } from '../smoke-controls.ts';
import type { LayerProbeSeries, SmokeSummary } from '../types.ts';
import { comparisonHtml } from './counterfactual-html.ts';
import { figure, note } from './figure.ts';
// The charts draw the limits the checks judge by, so the two cannot drift apart.
import { MAX_UPDATE_RATIO } from '../../checks/learning-rate-too-high.ts';
import { MIN_UPDATE_RATIO } from '../../checks/learning-rate-too-low.ts';
import { MAX_FIRST_LAST_RATIO } from '../../checks/exploding-gradients.ts';
import { MIN_FIRST_LAST_RATIO } from '../../checks/vanishing-gradients.ts';
import { MAX_SCALE_CHANGE } from '../../checks/init-scale-mismatch.ts';
import { MAX_DEAD_FRACTION } from '../../checks/dead-relus.ts';
import { MAX_SATURATED_FRACTION } from '../../checks/saturated-activations.ts';
import { fmt } from '../../checks/shared.ts';

export async function lossFigures(smoke: SmokeSummary, comparison?: BaseComparison): Promise<string[]> {
  const yTitle = lossAxisTitle(smoke);
  const chart = lossChartInput(smoke, comparison, 'Smoke run loss');
  const based = baseLossSeries(comparison) !== undefined;
  const figures = [
    await figure(() => lossCurvesChart(chart), lossCaption(smoke) + (based ? ` Grey dashed: the same config at the base ref, first seed.` : '')),
  ];
  // The comparison's numbers belong right under the chart that draws both runs.
  if (comparison) figures.push(comparisonHtml(comparison));

  const zeroed = smokeControls(smoke).zeroedInputs;
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

  const range = smoke.lr_range;
  const rangeChart = lrRangeChartInput(smoke);
  if (range && rangeChart) {
    const clear = Number.isFinite(range.suggested);
    const best = range.best !== undefined ? `Best rate ${formatNumber(range.best)}; suggested` : 'Suggested';
    figures.push(
      await figure(
        () => lossCurvesChart(rangeChart),
        `${clear ? `${best} ${formatNumber(range.suggested)}` : 'No rate clearly lowers the loss, so none is suggested'}${range.diverged_at !== undefined ? `; the loss diverged from ${formatNumber(range.diverged_at)}` : ''}.`,
      ),
    );
  }
  const table = controlTable(smoke);
  if (table) figures.push(table);
  return figures;
}

/** What the run was, in one or two sentences; a report from before these fields existed says less. */
function lossCaption(smoke: SmokeSummary): string {
  const planned = smoke.planned_steps !== undefined ? ` of ${smoke.planned_steps}` : '';
  const details = [
    smoke.batch_size !== undefined ? `batch ${smoke.batch_size}` : '',
    smoke.learning_rate !== undefined ? `learning rate ${formatNumber(smoke.learning_rate)}` : '',
    smoke.seed !== undefined ? `seed ${smoke.seed}` : '',
  ].filter(Boolean);
  const initial =
    smoke.initial_loss !== undefined
      ? ` Initial loss ${formatNumber(smoke.initial_loss)}${smoke.expected_initial_loss !== undefined ? ` (expected about ${formatNumber(smoke.expected_initial_loss)})` : ''}.`
      : '';
  return `${smoke.steps}${planned} steps on ${smoke.backend}${details.length > 0 ? `, ${details.join(', ')}` : ''}.${initial}`;
}

/** The control runs that give one number each (overfit a small batch, a widened model) as a table. */
function controlTable(smoke: SmokeSummary): string {
  const rows: string[][] = [];
  const { overfit, widened, baseline } = smokeControls(smoke);
  if (overfit) {
    rows.push([
      `Overfit ${overfit.samples} samples`,
      `${overfit.steps} steps`,
      `${formatNumber(overfit.startLoss)} → ${formatNumber(overfit.finalLoss)}${overfit.accuracy !== undefined ? `, accuracy ${formatNumber(100 * overfit.accuracy, 3)}%` : ''}`,
      overfit.fitted ? 'fitted' : 'did not fit',
    ]);
  }
  if (widened) {
    rows.push([
      `Widened ${formatNumber(widened.factor)}x`,
      '',
      `${formatNumber(widened.startLoss)} → ${formatNumber(widened.finalLoss)}`,
      widened.fitted ? 'fitted' : 'did not fit',
    ]);
  }
  if (baseline) rows.push([`Trivial baseline (${baseline.kind})`, '', formatNumber(baseline.loss), '']);
  if (rows.length === 0) return '';
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="controls"><caption>Control runs</caption><thead><tr><th>run</th><th>length</th><th>loss</th><th>result</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** Value at the last probe step where it is finite, else the last value (which may be NaN). */
export function lastProbeValue(values: readonly number[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
  return values.length > 0 ? values[values.length - 1] : undefined;
}

export async function gradientFigures(smoke: SmokeSummary): Promise<string[]> {
  const figures: string[] = [];
  const probes = smoke.layers ?? [];
  const layers = probes.map((l) => l.name);
  const probeSteps = smoke.probe_steps ?? [];
  if (layers.length > 0) {
    const firstStep = probeSteps[0];
    const lastStep = probeSteps[probeSteps.length - 1];
    figures.push(
      await figure(
        () =>
          layerBarChart({
            title: 'Gradient norm by layer',
            layers,
            series: [
              {
                name: `first probe${firstStep !== undefined ? ` (step ${firstStep})` : ''}`,
                values: probes.map((l) => l.grad_norm[0]),
                color: SERIES_COLORS.blue,
              },
              {
                name: `last probe${lastStep !== undefined ? ` (step ${lastStep})` : ''}`,
                values: probes.map((l) => lastProbeValue(l.grad_norm)),
                color: SERIES_COLORS.orange,
              },
            ],
            valueTitle: 'L2 norm of the kernel gradient (log scale)',
            scale: 'log',
          }),
        `A first-to-last layer ratio above ${fmt(MAX_FIRST_LAST_RATIO)} points at exploding gradients; first-layer norms far below the last layer (ratio < ${fmt(MIN_FIRST_LAST_RATIO)}) at vanishing ones.`,
      ),
      await figure(
        () =>
          layerBarChart({
            title: 'Update/weight ratio by layer (last probe)',
            layers,
            series: [{ name: 'update / weight', values: probes.map((l) => lastProbeValue(l.update_ratio)), color: SERIES_COLORS.teal }],
            valueTitle: '‖update‖ / ‖weight‖ per step (log scale)',
            scale: 'log',
            references: [
              { value: MIN_UPDATE_RATIO, label: fmt(MIN_UPDATE_RATIO) },
              { value: MAX_UPDATE_RATIO, label: fmt(MAX_UPDATE_RATIO) },
            ],
          }),
        `Between the dashed lines (${fmt(MIN_UPDATE_RATIO)} to ${fmt(MAX_UPDATE_RATIO)}) the learning rate moves the weights at a healthy pace; above it the rate is too high, below it too low.`,
      ),
    );
  }
  const init = smoke.init;
  if (init && init.layer_names.length > 0) {
    figures.push(
      await figure(
        () =>
          layerBarChart({
            title: 'Signal at initialization',
            layers: init.layer_names,
            series: [
              { name: 'activation std', values: init.activation_std, color: SERIES_COLORS.purple },
              { name: 'gradient norm', values: init.grad_norm, color: SERIES_COLORS.green },
            ],
            valueTitle: 'value at initialization, one batch (log scale)',
            scale: 'log',
          }),
        `Growth or shrinkage by more than ${fmt(MAX_SCALE_CHANGE)}x across the layers at initialization points at an init scale that does not fit the activation.`,
      ),
    );
  }
  if (figures.length === 0) figures.push(note('The smoke run recorded no per-layer probes.'));
  return figures;
}

/** One dashed line per limit in use: dead-relus and saturated-activations each have their own. */
function unitLimits(probed: readonly LayerProbeSeries[]): { value: number; label: string }[] {
  const limits = new Set<number>();
  if (probed.some((l) => l.dead_fraction !== undefined)) limits.add(MAX_DEAD_FRACTION);
  if (probed.some((l) => l.saturated_fraction !== undefined)) limits.add(MAX_SATURATED_FRACTION);
  return [...limits].map((value) => ({ value, label: `${fmt(100 * value)}%` }));
}

export async function unitFigures(smoke: SmokeSummary): Promise<string[]> {
  const probed = (smoke.layers ?? []).filter((l) => l.dead_fraction !== undefined || l.saturated_fraction !== undefined);
  if (probed.length === 0) return [note('No ReLU-family or sigmoid/tanh layer was probed for dead or saturated units.')];
  return [
    await figure(
      () =>
        layerBarChart({
          title: 'Dead and saturated units by layer',
          layers: probed.map((l) => l.name),
          series: [
            { name: 'dead (never active)', values: probed.map((l) => l.dead_fraction), color: SERIES_COLORS.red },
            { name: 'saturated', values: probed.map((l) => l.saturated_fraction), color: SERIES_COLORS.purple },
          ],
          valueTitle: 'share of the layer’s units (probe batch, last probe)',
          scale: 'linear',
          domain: [0, 1],
          format: '.0%',
          references: unitLimits(probed),
        }),
      'Dead: ReLU-family units never active on the probe batch. Saturated: sigmoid/tanh units whose pre-activation sits beyond ±5 on most of the batch.',
    ),
  ];
}
