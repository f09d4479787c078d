import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/build.ts';
import { renderText, wrapText } from '../../src/report/text.ts';
import { cleanReport, everySeverityReport, finding } from './fixtures.ts';

const ESC = '\u001b';

test('plain text has no ANSI codes and lists every finding with its location and fix', () => {
  const report = everySeverityReport();
  const text = renderText(report, { color: false });
  assert.ok(!text.includes(ESC));
  for (const result of report.results) assert.ok(text.includes(result.name));
  for (const f of report.results[0].findings) {
    assert.ok(text.includes(f.id), f.id);
    assert.ok(text.includes(f.fix), f.fix);
  }
  assert.ok(text.includes('configs/housing.preflight.yml:7:5'));
  assert.ok(text.includes('1 error, 1 warning, 1 notice'));
  assert.match(text, /failure/);
});

test('errors come before warnings and notices within a config', () => {
  const text = renderText(everySeverityReport(), { color: false });
  const at = (id: string) => text.indexOf(id);
  assert.ok(at('non-finite-loss') < at('unscaled-inputs'));
  assert.ok(at('unscaled-inputs') < at('class-imbalance'));
});

test('colour adds ANSI badges; a clean report says success', () => {
  assert.ok(renderText(everySeverityReport(), { color: true }).includes(`${ESC}[31m`));
  const clean = renderText(cleanReport(), { color: false });
  assert.match(clean, /no findings/);
  assert.match(clean, /success/);
  assert.match(clean, /smoke: wasm/);
});

test('control characters in user text cannot reach the terminal', () => {
  const report = buildReport(
    [{ config: 'x.preflight.yml', name: `evil${ESC}[2Jname`, findings: [finding('a', 'error', { message: `bad${ESC}]0;title\u0007` })] }],
    'error',
    '0.1.0',
  );
  assert.ok(!renderText(report, { color: false }).includes(ESC));
});

test('wrapText keeps lines within the width', () => {
  const lines = wrapText('alpha beta gamma delta epsilon zeta eta theta', 12);
  assert.ok(lines.every((line) => line.length <= 12));
  assert.equal(lines.join(' '), 'alpha beta gamma delta epsilon zeta eta theta');
});
