// A range test whose curve never clearly falls suggests no rate, and every renderer says so instead of
// printing NaN or a marker at nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/build.ts';
import { parseReportJson, renderJson } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderLossChartSvg } from '../../src/report/loss-chart.ts';
import { renderText } from '../../src/report/text.ts';
import { finding, smoke } from './fixtures.ts';

const lrs = Array.from({ length: 30 }, (_, i) => 1e-6 * 1.8 ** i);
const flat = lrs.map((_, i) => 2 + 0.1 * Math.sin(i));

function reportWith(suggested: number) {
  return buildReport([{ config: 'a.preflight.yml', name: 'a', findings: [], smoke: smoke({ lr_range: { lrs, losses: flat, suggested } }) }], 'error', '0.1.0');
}

test('a range test with no clear rate: text, markdown, JSON and SVG say none is suggested', async () => {
  const report = reportWith(Number.NaN);
  // The text report wraps its lines: compare the words.
  const text = renderText(report, { color: false }).replace(/\s+/g, ' ');
  assert.match(text, /found no rate at which the loss clearly falls/);
  assert.doesNotMatch(text, /suggested learning|NaN/);
  const markdown = renderMarkdown(report, { mermaid: true });
  assert.match(markdown, /found no rate at which the loss clearly falls/);
  assert.doesNotMatch(markdown, /NaN/);
  const json = renderJson(report);
  assert.equal(JSON.parse(json).results[0].smoke.lr_range.suggested, null);
  const parsed = parseReportJson(json);
  assert.ok('results' in parsed, 'the JSON parses back');
  assert.ok(Number.isNaN(parsed.results[0].smoke!.lr_range!.suggested), 'null reads back as no suggestion');
  const svg = await renderLossChartSvg(report.results[0].smoke!, { title: 'a' });
  assert.doesNotMatch(svg, /suggested|NaN/);
});

test('a clear rate is printed by each renderer', async () => {
  const report = reportWith(0.0035);
  assert.match(renderText(report, { color: false }).replace(/\s+/g, ' '), /suggested learning rate 0\.0035 \(range test\)/);
  assert.match(renderMarkdown(report, { mermaid: true }), /suggested learning rate 0\.0035 \(range test\)/);
  assert.match(await renderLossChartSvg(report.results[0].smoke!, { title: 'a' }), /suggested 0\.0035/);
});

test("one suggested learning rate: a learning-rate finding's rate replaces the range test's everywhere", () => {
  const lowered = finding('learning-rate-too-high', 'warning', {
    message: 'The loss diverged at learning rate 1. Lower it.',
    evidence: { learningRate: 1, suggested: 0.01 },
  });
  const report = buildReport(
    [{ config: 'a.preflight.yml', name: 'a', findings: [lowered], smoke: smoke({ lr_range: { lrs, losses: flat, suggested: 0.469 } }) }],
    'error',
    '0.1.0',
  );
  for (const text of [renderText(report, { color: false, width: 400 }), renderMarkdown(report, { mermaid: true })]) {
    assert.match(text, /suggested learning rate 0\.01[;.]/);
    assert.doesNotMatch(text, /0\.469/, "the range test's other rate is not shown beside it");
  }
});
