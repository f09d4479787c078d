import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtmlReport } from '../../src/report/html/render.ts';
import { evidenceCharts } from '../../src/report/html/mermaid-evidence.ts';
import { finding, reportOf, smokeTrace, tabularRun } from './fixtures.ts';
import type { HtmlRun } from './fixtures.ts';

test('a config that never loaded renders its findings without any chart', async () => {
  const run: HtmlRun = {
    result: { config: 'broken.preflight.yml', name: 'broken', findings: [finding('config-error', 'broken.preflight.yml', { severity: 'error' })] },
  };
  const html = await renderHtmlReport(reportOf([run]));
  assert.match(html, /data-check="config-error"/);
  assert.ok(!html.includes('<svg'));
  assert.match(html, /No smoke run/);
});

test('a diverged run, empty probes and a data split without rows still render', async () => {
  const run = tabularRun();
  const trace = smokeTrace([]);
  trace.loss = trace.loss.map((v, i) => (i > 10 ? Number.NaN : i > 5 ? Number.POSITIVE_INFINITY : v));
  trace.valLoss = trace.valLoss.map(() => Number.NaN);
  trace.firstNonFinite = { step: 6, where: 'loss' };
  trace.controls = { baseline: { kind: 'mean', loss: Number.NaN } };
  run.trace = trace;
  run.evidence!.smoke = trace;
  const sample = run.evidence!.data!.train.split.sample;
  run.evidence!.data!.train.split.sample = { ...sample, rows: 0, x: new Float32Array(0), y: new Float32Array(0), rowIndex: new Int32Array(0) };
  run.evidence!.data!.validation = undefined;
  run.result.findings.push(finding('non-finite-loss', run.result.config, { severity: 'error' }));
  const report = reportOf([run]);
  const html = await renderHtmlReport(report);
  assert.match(html, /data-check="non-finite-loss"/);
  assert.match(html, /value[s]? not drawn/, 'the loss chart says what it left out');
  assert.match(html, /first non-finite loss/);
  assert.match(html, /no finite values to draw/, 'empty histograms say so');
  assert.match(html, /recorded no per-layer probes/);
  assert.deepEqual(
    evidenceCharts(report.results[0]).filter((b) => b.includes('Gradient')),
    [],
    'no layers, no gradient chart',
  );
});

test('a config whose chart data is malformed gets a note, the other configs their pages', async () => {
  const report = reportOf([tabularRun(), tabularRun()]);
  report.results[1] = { ...report.results[1], dataCharts: { figures: null } as never };
  const html = await renderHtmlReport(report);
  assert.match(html, /id="config-1"><h2>[^<]*<\/h2><p class="note">The visual report of this config could not be drawn/);
  assert.ok(html.indexOf('<svg') >= 0 && html.indexOf('<svg') < html.indexOf('id="config-1"'), 'the first config keeps its charts');
});
