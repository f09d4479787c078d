import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evidenceCharts as chartsOf,
  MERMAID_MAX_BARS,
  mermaidFeatureScales,
  mermaidGradientNorms,
  mermaidUnitFractions,
} from '../../src/report/html/mermaid-evidence.ts';
import type { Evidence, ProcessedFeature } from '../../src/evidence/types.ts';
import type { SmokeTrace } from '../../src/engine/types.ts';
import { buildDataCharts, withChartData } from '../../src/report/build-chart-data.ts';
import { smokeSummary } from '../../src/report/build.ts';
import type { ConfigResult } from '../../src/report/types.ts';
import { finding, smokeTrace, tabularRun } from './fixtures.ts';
import { MAX_DEAD_FRACTION } from '../../src/checks/dead-relus.ts';

/** The charts are drawn from the result alone, as the pipeline fills it. */
const evidenceCharts = (result: ConfigResult, evidence?: Evidence, trace?: SmokeTrace) => chartsOf(withChartData(result, evidence, trace));

/** The bracketed lists of one xychart block: x labels and each series' numbers. */
function parseBlock(block: string): { labels: string[]; bars: number[]; line?: number[]; yRange: [number, number] } {
  const labels = [...(block.match(/x-axis \[(.*)\]/)?.[1] ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const numbers = (name: string) =>
    block
      .match(new RegExp(`^  ${name} \\[(.*)\\]$`, 'm'))?.[1]
      .split(', ')
      .map(Number);
  const range = block.match(/y-axis "[^"]*" (-?\d+) --> (-?\d+)/)!;
  return { labels, bars: numbers('bar') ?? [], line: numbers('line'), yRange: [Number(range[1]), Number(range[2])] };
}

test('feature scales: one bar per feature at log10 of its std after preprocessing, validation as a line', () => {
  const run = tabularRun();
  const block = mermaidFeatureScales(buildDataCharts(run.evidence!, [])!);
  assert.match(block, /^```mermaid\n/);
  assert.match(block, /xychart-beta/);
  const chart = parseBlock(block);
  const processed = run.evidence!.data!.train.processed;
  assert.equal(chart.labels.length, processed.length);
  processed.forEach((feature, i) => assert.ok(Math.abs(chart.bars[i] - Math.log10(feature.std)) < 0.011, `${feature.name}: ${chart.bars[i]}`));
  assert.equal(chart.line?.length, processed.length, 'the validation split is drawn as a line');
  const all = [...chart.bars, ...chart.line!];
  assert.ok(chart.yRange[0] <= Math.min(...all) && chart.yRange[1] >= Math.max(...all), 'the axis holds every value');
  assert.ok(chart.yRange[0] < 0 && chart.yRange[1] > 0, 'unit scale (0) is inside the axis');
  assert.ok(!block.includes('<img'), 'labels are made safe for Mermaid');
  assert.ok(chart.labels.some((label) => label.includes('‹img')));
});

test('more than 40 features: the 40 farthest from unit scale are shown, in their order', () => {
  const run = tabularRun();
  const features: ProcessedFeature[] = Array.from({ length: 100 }, (_, i) => ({ name: `f${i}`, mean: 0, std: i === 77 ? 1e6 : 1 + i / 1000, min: 0, max: 1 }));
  run.evidence!.data!.train.processed = features;
  run.evidence!.data!.validation = undefined;
  const chart = parseBlock(mermaidFeatureScales(buildDataCharts(run.evidence!, [])!));
  assert.equal(chart.bars.length, MERMAID_MAX_BARS);
  assert.ok(chart.labels.includes('f77'), 'the off-scale feature is kept');
  assert.ok(chart.labels.includes('f99') && !chart.labels.includes('f0'));
  const indices = chart.labels.map((label) => Number(label.slice(1)));
  assert.deepEqual(
    indices,
    [...indices].sort((a, b) => a - b),
  );
  assert.equal(chart.line, undefined);
});

test('a unit-scale feature still gets a visible bar (Mermaid draws a bar of exactly 0 as nothing)', () => {
  const run = tabularRun();
  run.evidence!.data!.train.processed = [
    { name: 'unit', mean: 0, std: 1, min: -2, max: 2 },
    { name: 'wide', mean: 0, std: 1000, min: 0, max: 1 },
  ];
  run.evidence!.data!.validation = undefined;
  const chart = parseBlock(mermaidFeatureScales(buildDataCharts(run.evidence!, [])!));
  assert.ok(chart.bars[0] > 0 && chart.bars[0] < 0.05);
  assert.equal(chart.bars[1], 3);
});

test('gradient norms: log10 of the last finite norm per layer; 100 layers keep the first and the last', () => {
  const names = Array.from({ length: 100 }, (_, i) => `dense_${i}`);
  const trace = smokeTrace(names);
  trace.layers[5].gradNorm = trace.layers[5].gradNorm.map(() => Number.NaN);
  const block = mermaidGradientNorms(smokeSummary(trace));
  const chart = parseBlock(block);
  assert.equal(chart.bars.length, MERMAID_MAX_BARS);
  assert.equal(chart.labels[0], 'dense_0');
  assert.equal(chart.labels[chart.labels.length - 1], 'dense_99');
  assert.ok(!chart.labels.includes('dense_5'));
  assert.match(block, /1 layer without a finite norm not shown/);
  const last = trace.layers[99].gradNorm[trace.layers[99].gradNorm.length - 1];
  assert.ok(Math.abs(chart.bars[chart.bars.length - 1] - Math.log10(last)) < 0.011);
  assert.equal(mermaidGradientNorms(smokeSummary({ ...trace, layers: [] })), '');
});

test('evidence charts follow the findings: scaling ids give the scale chart, gradient ids the norm chart', () => {
  const run = tabularRun();
  const file = run.result.config;
  const only = (ids: string[]) => ({ ...run.result, findings: ids.map((id) => finding(id, file)) });
  assert.deepEqual(evidenceCharts(only(['class-imbalance', 'loss-not-decreasing']), run.evidence, run.trace), []);
  const scaling = evidenceCharts(only(['feature-scale-spread']), run.evidence, run.trace);
  assert.equal(scaling.length, 1);
  assert.match(scaling[0], /Feature scale/);
  const gradients = evidenceCharts(only(['vanishing-gradients']), run.evidence, run.trace);
  assert.equal(gradients.length, 1);
  assert.match(gradients[0], /Gradient norm/);
  assert.equal(evidenceCharts(only(['unscaled-inputs', 'dead-relus']), run.evidence, run.trace).length, 2);
  assert.equal(evidenceCharts({ ...only(['dead-relus']), smoke: undefined }, run.evidence, undefined).length, 0, 'no smoke run, no gradient chart');
  assert.deepEqual(evidenceCharts(only(['unscaled-inputs'])), [], 'no data charts, no scale chart');
});

test('dead or saturated units: the share per probed layer in percent, the check limit as a line', () => {
  const trace = smokeTrace(['dense_0', 'dense_1', 'dense_2']);
  const chart = parseBlock(mermaidUnitFractions(smokeSummary(trace)));
  const probed = trace.layers.filter((l) => l.deadFraction !== undefined);
  assert.deepEqual(
    chart.labels,
    probed.map((l) => l.name),
  );
  probed.forEach((l, i) => assert.ok(Math.abs(chart.bars[i] - 100 * l.deadFraction!) < 0.011));
  assert.deepEqual(
    chart.line,
    probed.map(() => 100 * MAX_DEAD_FRACTION),
  );
  assert.deepEqual(chart.yRange, [0, 100]);
  assert.equal(mermaidUnitFractions(smokeSummary({ ...trace, layers: trace.layers.map((l) => ({ ...l, deadFraction: undefined })) })), '');
});

test('dead-relus draws the dead-unit chart, not the gradient norms (its check names its chart)', () => {
  const run = tabularRun();
  const charts = evidenceCharts({ ...run.result, findings: [finding('dead-relus', run.result.config)] }, run.evidence, run.trace);
  assert.equal(charts.length, 1);
  assert.match(charts[0], /Dead or saturated units/);
});
