// Evidence charts for the PR comment, as Mermaid `xychart-beta` blocks that GitHub renders inline:
// each check names its chart in its metadata (feature scales, gradient norms, dead/saturated units).
//
// Mermaid has no log axis, so both charts plot log10 of the value with the axis range set by hand.
// Mermaid draws every bar from the bottom of the plot, so negative log10 values (small scales) are
// bars that reach less high, and 0 (unit scale) sits one decade above the floor.
import { mermaidLabel, truncate } from '../escape.ts';
import { downsampleIndices } from '../numbers.ts';
import type { DataCharts } from '../chart-data.ts';
import type { ConfigResult, SmokeSummary } from '../types.ts';
import { SERIES_COLORS } from '../charts/theme.ts';
import { maxOf, minOf } from '../../extremes.ts';
import { checksById } from '../../checks/index.ts';
import type { EvidenceChart } from '../../checks/types.ts';
import { MAX_DEAD_FRACTION } from '../../checks/dead-relus.ts';
import { MAX_SATURATED_FRACTION } from '../../checks/saturated-activations.ts';

/** More bars than this are unreadable in a comment. */
export const MERMAID_MAX_BARS = 40;
const MAX_LABEL_CHARS = 24;

interface Bars {
  title: string;
  yTitle: string;
  labels: string[];
  bars: number[];
  /** an optional second series drawn as a line over the bars */
  line?: number[];
  /** a fixed y axis; by default whole decades around the values (the log10 charts) */
  yRange?: [number, number];
}

/** log10 rounded for the chart; undefined for values a log axis cannot show (0, negative, NaN, Infinity). */
function log10Value(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  return Math.round(Math.log10(value) * 100) / 100;
}

/**
 * Mermaid's bar renderer gives a value of exactly 0 no height (its stacked-bar logic treats 0 as
 * "nothing here"), which would hide a perfectly unit-scaled feature; a hundredth of a decade keeps it.
 */
function barValue(value: number): string {
  return hundredths(value === 0 ? 0.01 : value);
}

/** log10 values to two decimals, written without an exponent (Mermaid does not read `1e-7`). */
function hundredths(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function renderBars(chart: Bars): string {
  const all = [...chart.bars, ...(chart.line ?? [])];
  const [low, high] = chart.yRange ?? [Math.min(-1, Math.floor(minOf(all))), Math.max(1, Math.ceil(maxOf(all)))];
  const palette = chart.line ? `${SERIES_COLORS.blue}, ${SERIES_COLORS.orange}` : SERIES_COLORS.blue;
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title "${mermaidLabel(chart.title)}"`,
    `  x-axis [${chart.labels.map((label) => `"${mermaidLabel(truncate(label, MAX_LABEL_CHARS))}"`).join(', ')}]`,
    `  y-axis "${mermaidLabel(chart.yTitle)}" ${low} --> ${high}`,
    `  bar [${chart.bars.map(barValue).join(', ')}]`,
    ...(chart.line ? [`  line [${chart.line.map(hundredths).join(', ')}]`] : []),
    '```',
  ].join('\n');
}

/** Indices of the `max` entries farthest from 0, kept in their original order. */
function farthestFromZero(values: readonly number[], max: number): number[] {
  if (values.length <= max) return values.map((_, i) => i);
  return values
    .map((value, index) => ({ value: Math.abs(value), index }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, max)
    .map((entry) => entry.index)
    .sort((a, b) => a - b);
}

/**
 * Bars: log10 of each feature's std after the declared preprocessing (0 is unit scale); a line: the
 * validation split's, when there is one. Features whose std is 0 or not finite are left out (the
 * finding names them); with more than 40 features, the 40 farthest from unit scale are shown.
 * '' when there is no feature to draw.
 */
export function mermaidFeatureScales(charts: DataCharts): string {
  const candidates = charts.featureStd
    .map((feature) => ({ name: feature.name, value: log10Value(feature.train), validation: log10Value(feature.validation) }))
    .filter((entry): entry is { name: string; value: number; validation: number | undefined } => entry.value !== undefined);
  if (candidates.length === 0) return '';
  const picked = farthestFromZero(
    candidates.map((c) => c.value),
    MERMAID_MAX_BARS,
  ).map((i) => candidates[i]);
  const withValidation = picked.every((c) => c.validation !== undefined);
  const shown = picked.length < charts.featureCount ? ` (${picked.length} of ${charts.featureCount} features)` : '';
  return renderBars({
    title: `Feature scale after preprocessing${shown}${withValidation ? ': bars train, line validation' : ''}`,
    yTitle: 'log10 of std (0 = unit scale)',
    labels: picked.map((c) => c.name),
    bars: picked.map((c) => c.value),
    line: withValidation ? picked.map((c) => c.validation as number) : undefined,
  });
}

/** The gradient norm at the last probe step where it was finite. */
function lastFinite(values: readonly number[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
  return undefined;
}

/**
 * Bars: log10 of each layer's kernel-gradient L2 norm at the last probe step, first layer first.
 * Layers without a positive finite norm are left out and counted in the title; with more than 40
 * layers, 40 are picked evenly, always keeping the first and the last (their ratio is the evidence).
 * '' when the smoke summary has no layer probes.
 */
export function mermaidGradientNorms(smoke: SmokeSummary): string {
  const layers = (smoke.layers ?? []).map((layer) => ({ name: layer.name, value: log10Value(lastFinite(layer.grad_norm)) }));
  const drawable = layers.filter((l): l is { name: string; value: number } => l.value !== undefined);
  if (drawable.length === 0) return '';
  const picked = downsampleIndices(drawable.length, MERMAID_MAX_BARS).map((i) => drawable[i]);
  const missing = layers.length - drawable.length;
  const notes = [
    picked.length < drawable.length ? `${picked.length} of ${drawable.length} layers` : '',
    missing > 0 ? `${missing} layer${missing === 1 ? '' : 's'} without a finite norm not shown` : '',
  ].filter(Boolean);
  return renderBars({
    title: `Gradient norm by layer, input to output${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
    yTitle: 'log10 of gradient L2 norm',
    labels: picked.map((l) => l.name),
    bars: picked.map((l) => l.value),
  });
}

/**
 * Bars: the share of each probed layer's units that were dead (ReLU family) or saturated (sigmoid/tanh)
 * at the last probe, in percent; a line at the checks' limit. '' when no layer was probed for either.
 */
export function mermaidUnitFractions(smoke: SmokeSummary): string {
  const probed = (smoke.layers ?? [])
    .map((layer) => ({
      name: layer.name,
      fraction: layer.dead_fraction ?? layer.saturated_fraction,
      limit: layer.dead_fraction !== undefined ? MAX_DEAD_FRACTION : MAX_SATURATED_FRACTION,
    }))
    .filter((l): l is { name: string; fraction: number; limit: number } => l.fraction !== undefined && Number.isFinite(l.fraction));
  if (probed.length === 0) return '';
  const picked = downsampleIndices(probed.length, MERMAID_MAX_BARS).map((i) => probed[i]);
  return renderBars({
    title: `Dead or saturated units by layer${picked.length < probed.length ? ` (${picked.length} of ${probed.length} layers)` : ''}: bars share, line the limit`,
    yTitle: 'percent of the layer units',
    labels: picked.map((l) => l.name),
    bars: picked.map((l) => 100 * l.fraction),
    line: picked.map((l) => 100 * l.limit),
    yRange: [0, 100],
  });
}

const CHART_ORDER: EvidenceChart[] = ['feature-scales', 'gradient-norms', 'unit-fractions'];

/**
 * The evidence blocks that the result's findings call for (each check's `chart`), in a fixed order; empty
 * when none apply. Drawn from the result alone, so a merge-reports job that has only report.json draws the same.
 */
export function evidenceCharts(result: ConfigResult): string[] {
  const wanted = new Set(result.findings.map((finding) => checksById.get(finding.id)?.meta.chart));
  const smoke = result.smoke;
  const draw: Record<EvidenceChart, () => string> = {
    'feature-scales': () => (result.dataCharts ? mermaidFeatureScales(result.dataCharts) : ''),
    'gradient-norms': () => (smoke ? mermaidGradientNorms(smoke) : ''),
    'unit-fractions': () => (smoke ? mermaidUnitFractions(smoke) : ''),
  };
  return CHART_ORDER.filter((chart) => wanted.has(chart))
    .map((chart) => draw[chart]())
    .filter((block) => block !== '');
}
