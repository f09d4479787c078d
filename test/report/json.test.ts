import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/build.ts';
import { parseReportJson, renderJson, REPORT_LIMITS, toJsonValue } from '../../src/report/json.ts';
import type { Report } from '../../src/report/types.ts';
import { cleanReport, everySeverityReport, finding, hugeReport, nanLossReport } from './fixtures.ts';

function roundTrip(report: Report): Report {
  const parsed = parseReportJson(renderJson(report));
  if ('error' in parsed) assert.fail(parsed.error);
  return parsed;
}

test('the JSON document has the INTERFACES.md shape', () => {
  const doc = JSON.parse(renderJson(everySeverityReport()));
  assert.deepEqual(Object.keys(doc).sort(), ['conclusion', 'counts', 'fail_on', 'results', 'schema_version', 'tool']);
  assert.deepEqual(doc.tool, { name: 'nn-preflight', version: '0.1.0' });
  assert.equal(doc.conclusion, 'failure');
  assert.equal(doc.fail_on, 'error');
  const [result, clean] = doc.results;
  assert.equal(result.config, 'configs/housing.preflight.yml');
  assert.equal(result.name, 'housing-price-mlp');
  for (const key of ['id', 'severity', 'title', 'message', 'fix', 'file', 'line', 'evidence', 'docs']) {
    assert.ok(
      result.findings.every((f: object) => key in f),
      key,
    );
  }
  const unscaled = result.findings.find((f: { id: string }) => f.id === 'unscaled-inputs');
  assert.equal(unscaled.column, 5);
  assert.equal(unscaled.key, 'preprocessing.inputs');
  assert.deepEqual(unscaled.suggestion, { line: 7, replacement: '  inputs: standardize' });
  assert.equal(result.findings.find((f: { id: string }) => f.id === 'class-imbalance').line, null);
  for (const key of ['backend', 'steps', 'seconds', 'steps_per_second', 'loss', 'val_loss']) assert.ok(key in result.smoke, key);
  assert.equal(clean.smoke, null);
});

test('reports round-trip through parseReportJson', () => {
  for (const report of [cleanReport(), everySeverityReport(), hugeReport()]) assert.deepEqual(roundTrip(report), report);
});

test('non-finite numbers are written as null and read back as NaN in loss series', () => {
  const report = nanLossReport();
  const text = renderJson(report);
  assert.ok(!text.includes('NaN') && !text.includes('Infinity'));
  const doc = JSON.parse(text);
  assert.equal(doc.results[0].smoke.loss[100], null);
  assert.equal(doc.results[0].smoke.val_loss[2], null);
  const back = roundTrip(report);
  assert.ok(Number.isNaN(back.results[0].smoke!.loss[100]));
  assert.equal(back.results[0].smoke!.loss[10], report.results[0].smoke!.loss[10]);
});

test('evidence that JSON cannot hold is made JSON-safe', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const value = toJsonValue({ nan: Number.NaN, typed: new Float32Array([0.5, 2]), big: 10n, cyclic, skip: undefined, fn: () => 1 });
  assert.deepEqual(value, { nan: null, typed: [0.5, 2], big: '10', cyclic: { a: 1, self: '[circular]' } });
  const report = buildReport([{ config: 'c.yml', name: 'c', findings: [finding('x', 'error', { evidence: { cyclic } })] }], 'error', '0.1.0');
  assert.doesNotThrow(() => renderJson(report));
});

function tampered(edit: (doc: any) => void): string {
  const doc = JSON.parse(renderJson(everySeverityReport()));
  edit(doc);
  return JSON.stringify(doc);
}

test('parseReportJson rejects untrusted reports that are malformed, oversized or inconsistent', () => {
  const cases: [string, string][] = [
    ['not json', '{"tool":'],
    ['unknown key', tampered((d) => (d.extra = 1))],
    ['unknown finding key', tampered((d) => (d.results[0].findings[0].html = '<b>'))],
    ['wrong tool', tampered((d) => (d.tool.name = 'other'))],
    ['claims success over an error', tampered((d) => (d.conclusion = 'success'))],
    ['wrong counts', tampered((d) => (d.counts.error = 0))],
    ['bad severity', tampered((d) => (d.results[0].findings[0].severity = 'fatal'))],
    ['bad check id', tampered((d) => (d.results[0].findings[0].id = '../etc'))],
    ['title too long', tampered((d) => (d.results[0].findings[0].title = 'x'.repeat(301)))],
    ['control character', tampered((d) => (d.results[0].name = 'a\u001b[2Jb'))],
    ['multi-line suggestion', tampered((d) => (d.results[0].findings[1].suggestion.replacement = 'a\nb'))],
    ['line zero', tampered((d) => (d.results[0].findings[0].line = 0))],
    ['too many findings', tampered((d) => (d.results[0].findings = Array(REPORT_LIMITS.findingsPerResult + 1).fill(d.results[0].findings[0])))],
    ['huge evidence', tampered((d) => (d.results[0].findings[0].evidence = { blob: 'x'.repeat(REPORT_LIMITS.evidenceChars) }))],
    ['string in loss', tampered((d) => (d.results[0].smoke.loss[0] = '1'))],
  ];
  for (const [label, text] of cases) {
    const parsed = parseReportJson(text);
    assert.ok('error' in parsed, label);
    assert.equal(typeof (parsed as { error: string }).error, 'string', label);
  }
  assert.ok('error' in parseReportJson(' '.repeat(REPORT_LIMITS.documentChars + 1)));
});

test('deeply nested evidence is rejected without overflowing the stack', () => {
  const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
  const text = tampered((d) => (d.results[0].findings[0].evidence = { deep: '@@' })).replace('"@@"', deep);
  assert.ok('error' in parseReportJson(text));
});

test('a finding quoting a megabyte is cut to what the reader accepts, and the report stays readable', () => {
  const long = finding('config-error', 'error', {
    message: `unknown layer type \`${'x'.repeat(1_000_000)}\``,
    key: `model.${'k'.repeat(5_000)}`,
    evidence: { value: 'v'.repeat(200_000) },
  });
  const report = buildReport([{ config: 'a.preflight.yml', name: 'a', findings: [long] }], 'error', '0.1.0');
  const text = renderJson(report);
  assert.ok(text.length < 20_000, `${text.length} characters`);
  const parsed = roundTrip(report);
  const [kept] = parsed.results[0].findings;
  assert.match(kept.message, /^unknown layer type `x+ \[\.\.\. \d+ more characters left out of the report\]$/);
  assert.match(String(kept.evidence.truncated), /characters of evidence left out/);
  assert.equal(parsed.conclusion, 'failure');
});

test('a report too large for report.json keeps the most severe findings and one marker per config, with the same conclusion', () => {
  // 3 configs x 1,000 findings of 8,000 characters: about 25 MB before the bound
  const results = ['a', 'b', 'c'].map((name, r) => ({
    config: `${name}.preflight.yml`,
    name,
    findings: Array.from({ length: 1_000 }, (_, i) =>
      finding(i === 999 && r === 2 ? 'config-error' : 'unscaled-inputs', i === 999 && r === 2 ? 'error' : 'warning', { message: `${i} ${'m'.repeat(8_000)}` }),
    ),
  }));
  const report = buildReport(results, 'error', '0.1.0');
  const text = renderJson(report);
  assert.ok(text.length <= REPORT_LIMITS.documentChars, `${text.length} characters`);
  const parsed = roundTrip(report);
  assert.equal(parsed.conclusion, 'failure');
  for (const result of parsed.results) {
    const markers = result.findings.filter((f) => f.id === 'report-truncated');
    assert.equal(markers.length, 1, result.config);
    assert.equal(markers[0].severity, 'warning');
    assert.match(markers[0].message, /^\d+ findings? of this config \(\d+ warnings?\) (was|were) left out/);
  }
  // the one error is kept even though it comes last
  assert.ok(parsed.results[2].findings.some((f) => f.id === 'config-error' && f.severity === 'error'));
});

test("a config's watch list is written, read back, and bounded in an untrusted report", () => {
  const report = cleanReport();
  report.results[0].watch = ['train.py', 'model/**'];
  const doc = JSON.parse(renderJson(report));
  assert.deepEqual(doc.results[0].watch, ['train.py', 'model/**']);
  assert.deepEqual(roundTrip(report).results[0].watch, ['train.py', 'model/**']);
  doc.results[0].watch = ['a\nb'];
  assert.ok('error' in parseReportJson(JSON.stringify(doc)), 'a watch glob is one line');
});

test('a measured cause and its symptoms survive report.json and its untrusted reader', () => {
  const cause = { ...finding('unscaled-targets', 'warning'), symptoms: ['initial-loss-off'] };
  const symptom = { ...finding('initial-loss-off', 'warning'), causedBy: 'unscaled-targets' };
  const parsed = roundTrip(buildReport([{ config: 'a.preflight.yml', name: 'a', findings: [cause, symptom] }], 'error', '0.1.0'));
  const [readCause, readSymptom] = parsed.results[0].findings;
  assert.deepEqual(readCause.symptoms, ['initial-loss-off']);
  assert.equal(readSymptom.causedBy, 'unscaled-targets');
});

test('chart-ready run data: optional for older reports, checked strictly, and dropped before findings when too large', () => {
  const smoke = cleanReport().results[0].smoke!;
  const withCharts = (dataCharts: unknown, extra: Record<string, unknown> = {}) =>
    buildReport([{ config: 'c.preflight.yml', name: 'c', findings: [], smoke: { ...smoke, ...extra }, dataCharts: dataCharts as never }], 'error', '0.1.0');
  const image = (dataUri: string) => ({
    figures: { images: [{ kind: 'images', caption: 'x', images: [{ dataUri, width: 1, height: 1, label: 'a', row: 1 }] }] },
    featureStd: [],
    featureCount: 0,
  });
  // A report from before the fields existed reads as before.
  const old = JSON.parse(renderJson(cleanReport()));
  assert.equal(old.results[0].data_charts, undefined);
  assert.ok('results' in parseReportJson(JSON.stringify(old)));
  // Written and read back with the new fields.
  const back = roundTrip(
    withCharts(image('data:image/png;base64,iVBORw0KGgo='), { learning_rate: 0.01, layers: [{ name: 'd', grad_norm: [1, Number.NaN], update_ratio: [0.1] }] }),
  );
  assert.equal(back.results[0].dataCharts?.figures.images?.[0].kind, 'images');
  assert.ok(Number.isNaN(back.results[0].smoke!.layers![0].grad_norm[1]));
  // An image that is not an inline PNG, or a figure of an unknown kind, is refused.
  for (const bad of [
    image('javascript:alert(1)'),
    image('data:image/svg+xml;base64,PHN2Zz4='),
    { figures: { scales: [{ kind: 'script', text: 'x' }] }, featureStd: [], featureCount: 0 },
  ]) {
    const parsed = parseReportJson(renderJson(withCharts(bad)));
    assert.ok('error' in parsed, JSON.stringify(bad).slice(0, 80));
  }
  // Charts too large for report.json go, the findings and the smoke summary stay.
  const huge = withCharts({
    figures: { scales: [{ kind: 'note', text: 'x'.repeat(1_000) }] },
    featureStd: Array.from({ length: 2_000 }, (_, i) => ({ name: `f${i}`.padEnd(5_000, 'x'), train: 1 })),
    featureCount: 2_000,
  });
  const json = renderJson(huge);
  assert.ok(json.length <= REPORT_LIMITS.documentChars);
  const parsed = roundTrip(huge);
  assert.equal(parsed.results[0].dataCharts, undefined);
  assert.ok(parsed.results[0].smoke);
});

test('a finding keeps its headline, message id and message data through report.json', () => {
  const worded = finding('dead-relus', 'warning', {
    headline: '80% of the units in layer dense_0 (relu) never activate (limit 50%).',
    messageId: 'layer-dead',
    messageData: { layer: 'dense_0', activation: 'relu', deadFraction: 0.8, limit: 0.5, worst: Number.NaN },
  });
  const report = buildReport([{ config: 'c.yml', name: 'c', findings: [worded] }], 'error', '0.1.0');
  const doc = JSON.parse(renderJson(report));
  const written = doc.results[0].findings[0];
  assert.equal(written.headline, worded.headline);
  assert.equal(written.message_id, 'layer-dead');
  assert.deepEqual(written.message_data, { layer: 'dense_0', activation: 'relu', deadFraction: 0.8, limit: 0.5, worst: null });
  const back = roundTrip(report).results[0].findings[0];
  assert.equal(back.headline, worded.headline);
  assert.equal(back.messageId, 'layer-dead');
  assert.equal(back.messageData?.deadFraction, 0.8);
});

test('a multi-line headline is written on one line, so the strict reader still accepts the report', () => {
  const report = buildReport([{ config: 'c.yml', name: 'c', findings: [finding('x', 'error', { headline: 'Layer a\nb is off.' })] }], 'error', '0.1.0');
  assert.equal(JSON.parse(renderJson(report)).results[0].findings[0].headline, 'Layer a b is off.');
  assert.doesNotThrow(() => roundTrip(report));
});
