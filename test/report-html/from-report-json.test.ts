// Every renderer draws from the Report alone: a report.json read back from disk (what a merge-reports
// job or the workflow_run publisher has) draws the same HTML page, markdown and loss SVGs as the live run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mergeReportFiles } from '../../src/action/report-files.ts';
import { evidenceCharts } from '../../src/report/html/mermaid-evidence.ts';
import { renderHtmlReport } from '../../src/report/html/render.ts';
import { parseReportJson, renderJson } from '../../src/report/json.ts';
import { renderLossChartSvg } from '../../src/report/loss-chart.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { buildReport } from '../../src/report/build.ts';
import type { Report } from '../../src/report/types.ts';
import { checkXml } from '../report/xml.ts';
import { counterfactualRun, imageRun, reportOf, tabularRun } from './fixtures.ts';

function readBack(report: Report): Report {
  const dir = mkdtempSync(path.join(tmpdir(), 'nnp-report-json-'));
  try {
    const file = path.join(dir, 'report.json');
    writeFileSync(file, renderJson(report));
    const parsed = parseReportJson(readFileSync(file, 'utf8'));
    if ('error' in parsed) assert.fail(parsed.error);
    return parsed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const markdownOf = (report: Report) =>
  renderMarkdown(report, { mermaid: true, evidenceCharts: Object.fromEntries(report.results.map((result) => [result.config, evidenceCharts(result)])) });

test('the HTML page from report.json read back from disk is the page of the live run, byte for byte', async () => {
  const live = reportOf([tabularRun(), imageRun(), counterfactualRun()]);
  const fromDisk = readBack(live);
  const html = await renderHtmlReport(live);
  assert.equal(await renderHtmlReport(fromDisk), html);
  // Not an empty page equal to another empty page: the data and smoke charts are there.
  for (const title of [
    'Feature scales',
    'Histogram of',
    'Label distribution',
    'Smoke run loss',
    'Gradient norm by layer',
    'Dead and saturated units',
    'Per-channel value range',
  ]) {
    assert.ok(html.includes(title), title);
  }
  assert.match(html, /<img src="data:image\/png;base64,/);
});

test('markdown with the Mermaid loss and evidence charts is the same from report.json', () => {
  const live = reportOf([tabularRun(), imageRun()]);
  const markdown = markdownOf(live);
  assert.equal(markdownOf(readBack(live)), markdown);
  assert.match(markdown, /Feature scale after preprocessing/);
  assert.match(markdown, /Gradient norm by layer/);
});

test('the loss SVG from report.json is the SVG of the live run', async () => {
  const live = reportOf([counterfactualRun()]);
  const result = live.results[0];
  const svg = await renderLossChartSvg(result.smoke!, { title: result.name, comparison: result.comparison });
  const back = readBack(live).results[0];
  assert.equal(await renderLossChartSvg(back.smoke!, { title: back.name, comparison: back.comparison }), svg);
});

test("merge-reports of two matrix jobs draws both configs' charts", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nnp-merge-'));
  try {
    const tabular = tabularRun();
    const image = imageRun();
    for (const [job, run] of [
      ['job-a', tabular],
      ['job-b', image],
    ] as const) {
      mkdirSync(path.join(dir, job));
      writeFileSync(path.join(dir, job, 'report.json'), renderJson(reportOf([run])));
    }
    const merged = mergeReportFiles([path.join(dir, 'job-a', 'report.json'), path.join(dir, 'job-b', 'report.json')], 'error');
    assert.deepEqual(
      merged.results.map((r) => r.name),
      ['housing <b>mlp</b>', 'cats-vs-dogs'],
    );
    const html = await renderHtmlReport(merged);
    const [first, second] = html.split('<article id="config-1">');
    assert.ok(first.includes('Smoke run loss') && first.includes('Feature scales'), "the first job's config keeps its charts");
    assert.ok(second.includes('Label distribution') && second.includes('data:image/png;base64,'), "the second job's config keeps its charts");
    // The same page as one job checking both configs would have drawn.
    assert.equal(html, await renderHtmlReport(buildReport(reportOf([tabular, image]).results, 'error', merged.tool.version)));
    assert.equal(
      evidenceCharts(merged.results[0]).length,
      3,
      "the comment's feature-scale, gradient and dead-unit charts (unscaled-inputs, exploding-gradients, dead-relus)",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the loss SVG is well-formed SVG drawn by Vega-Lite, with the training, validation and baseline series', async () => {
  const report = reportOf([tabularRun()]);
  const svg = await renderLossChartSvg(report.results[0].smoke!, { title: 'Loss: <housing>' });
  const xml = checkXml(svg);
  assert.deepEqual(xml.problems, []);
  assert.equal(xml.elements[0].name, 'svg');
  assert.equal(xml.elements[0].attributes.xmlns, 'http://www.w3.org/2000/svg');
  assert.ok(svg.includes('<title>Loss: &lt;housing&gt;</title>'));
  for (const series of ['training', 'validation', 'baseline: predict the mean']) assert.ok(svg.includes(`>${series}<`), series);
  // one line per series: paths with many points for the curves
  const linePaths = xml.elements.filter((e) => e.name === 'path' && (e.attributes.d ?? '').split('L').length > 20);
  assert.ok(linePaths.length >= 1, 'the training curve is a drawn line');
});

test('a report.json written before the chart fields existed still draws its loss chart and says what is missing', async () => {
  const live = reportOf([tabularRun()]);
  const doc = JSON.parse(renderJson(live));
  const result = doc.results[0];
  delete result.data_charts;
  for (const key of [
    'loss_name',
    'planned_steps',
    'batch_size',
    'learning_rate',
    'seed',
    'initial_loss',
    'expected_initial_loss',
    'first_non_finite',
    'probe_steps',
    'layers',
    'init',
  ])
    delete result.smoke[key];
  const old = parseReportJson(JSON.stringify(doc));
  if ('error' in old) assert.fail(old.error);
  const html = await renderHtmlReport(old);
  assert.ok(html.includes('Smoke run loss'));
  assert.ok(!html.includes('could not be drawn'));
  assert.match(html, /The smoke run recorded no per-layer probes/);
  assert.match(html, /No chart: the data this chart needs was not loaded/);
});
