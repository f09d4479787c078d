// `# nn-preflight-disable-next-line <check-id> -- <reason>` silences one finding with a reason the report
// shows; a directive without a reason or naming an unknown check silences nothing and is a finding itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDisableDirectives } from '../../src/config/disable-comments.ts';
import { applyDisableComments } from '../../src/suppressions.ts';
import { runCheck, runOneConfig } from '../../src/pipeline.ts';
import type { Finding } from '../../src/checks/types.ts';
import { renderJson, parseReportJson } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderText } from '../../src/report/text.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { checks } from '../../src/checks/index.ts';
import type { RepoSettings } from '../../src/config/repo-settings.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const housingData = path.resolve(here, '../../examples/housing/data/train.csv');

test('directives: ids (comma or space separated), the reason after --, the comment line', () => {
  const lines = [
    'training:',
    '  # nn-preflight-disable-next-line learning-rate-too-high -- tuned on the full data; see PR 12',
    '  learning_rate: 0.5',
    '#nn-preflight-disable-next-line a, b c --',
    'x: 1 # nn-preflight-disable-next-line d -- a trailing comment is not a directive',
    '# nn-preflight-disable-next-line',
    '# nn-preflight-disable-next-lines e -- another word',
    '# nn-preflight-disable-next-line f -- reason -- with -- dashes',
  ];
  assert.deepEqual(readDisableDirectives(lines), [
    { line: 2, column: 3, checks: ['learning-rate-too-high'], reason: 'tuned on the full data; see PR 12' },
    { line: 4, column: 1, checks: ['a', 'b', 'c'] },
    { line: 6, column: 1, checks: [] },
    { line: 8, column: 1, checks: ['f'], reason: 'reason -- with -- dashes' },
  ]);
});

function finding(id: string, line: number, extra: Partial<Finding> = {}): Finding {
  return { id, severity: 'warning', title: id, message: `${id} message`, fix: 'fix', file: 'a.preflight.yml', docs: 'docs', evidence: {}, line, ...extra };
}

test('a directive silences the named check on the next line only, in its own config only', () => {
  const directives = readDisableDirectives(['# nn-preflight-disable-next-line x-check -- known and accepted', 'key: 1', 'other: 2']);
  const findings = [finding('x-check', 2), finding('y-check', 2), finding('x-check', 3), finding('x-check', 2, { file: 'data/train.csv' })];
  const result = applyDisableComments(findings, directives, 'a.preflight.yml', ['x-check', 'y-check']);
  assert.deepEqual(
    result.suppressed.map((f) => [f.id, f.line, f.suppression]),
    [['x-check', 2, { reason: 'known and accepted', line: 1 }]],
  );
  assert.deepEqual(
    result.findings.map((f) => [f.id, f.line, f.file]),
    [
      ['y-check', 2, 'a.preflight.yml'],
      ['x-check', 3, 'a.preflight.yml'],
      ['x-check', 2, 'data/train.csv'],
    ],
  );
  assert.deepEqual(result.problems, []);
});

test('no reason, no check or an unknown check: nothing is silenced and the directive is a warning at its line', () => {
  const lines = [
    '# nn-preflight-disable-next-line x-check',
    'a: 1',
    '# nn-preflight-disable-next-line x-chek -- typo',
    'b: 1',
    '# nn-preflight-disable-next-line -- why',
    'c: 1',
  ];
  const result = applyDisableComments([finding('x-check', 2), finding('x-check', 4)], readDisableDirectives(lines), 'a.preflight.yml', ['x-check']);
  assert.equal(result.suppressed.length, 0);
  assert.equal(result.findings.length, 2);
  assert.deepEqual(
    result.problems.map((p) => [p.line, p.severity]),
    [
      [1, 'warning'],
      [3, 'warning'],
      [5, 'warning'],
    ],
  );
  assert.match(String(result.problems[0].message), /gives no reason/);
  assert.match(String(result.problems[1].message), /`x-chek` \(did you mean `x-check`\?\), which is not a check/);
  assert.match(String(result.problems[2].message), /names no check/);
});

test('a config that could not be checked is never silenced: errors of config-error and internal-error stay', () => {
  const lines = ['# nn-preflight-disable-next-line config-error, internal-error -- trust me', 'a: 1'];
  const kept = [finding('config-error', 2, { severity: 'error' }), finding('internal-error', 2, { severity: 'error' })];
  const result = applyDisableComments(kept, readDisableDirectives(lines), 'a.preflight.yml', ['config-error', 'internal-error']);
  assert.equal(result.suppressed.length, 0);
  assert.equal(result.findings.length, 2);
});

test('hostile text: a megabyte of directives and long lines is read quickly and bounded', () => {
  const line = `# nn-preflight-disable-next-line ${'a,'.repeat(5000)} -- ${'r'.repeat(10_000)}`;
  const directives = readDisableDirectives(Array(5000).fill(line));
  assert.equal(directives.length, 1000);
});

/** A scratch repository holding the housing example's data and the config text given. */
function housingRepo(configText: string): { root: string; config: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-disable-'));
  mkdirSync(path.join(root, 'data'));
  copyFileSync(housingData, path.join(root, 'data/train.csv'));
  const config = path.join(root, 'housing.preflight.yml');
  writeFileSync(config, configText);
  return { root, config };
}

const HOUSING = (comment: string, extra = '') => `version: 1
name: housing
task: regression
data:
  train: data/train.csv
  targets: [price]
preprocessing:
${comment}
  inputs: none
  targets: none
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1, activation: linear}
training:
  loss: mse
  optimizer: adam
  learning_rate: 0.001
${extra}`;

test('in a run: the silenced finding is listed with its reason in JSON, Markdown and text, and does not fail it', async () => {
  const plain = housingRepo(HOUSING('  # an ordinary comment'));
  const before = await runCheck({ root: plain.root, configs: [plain.config], smoke: false, backend: 'cpu', failOn: 'warning' });
  const unscaled = before.results[0].findings.find((f) => f.id === 'unscaled-inputs');
  assert.ok(unscaled, 'the housing data has unscaled inputs');
  assert.equal(unscaled.line, 9);

  const { root, config } = housingRepo(HOUSING('  # nn-preflight-disable-next-line unscaled-inputs -- the model standardizes in its first layer'));
  const report = await runCheck({ root, configs: [config], smoke: false, backend: 'cpu', failOn: 'warning' });
  const [result] = report.results;
  assert.ok(!result.findings.some((f) => f.id === 'unscaled-inputs'));
  assert.deepEqual(
    result.suppressed?.map((f) => [f.id, f.line, f.suppression.reason, f.suppression.line]),
    [['unscaled-inputs', 9, 'the model standardizes in its first layer', 8]],
  );
  assert.equal(report.counts.warning, before.counts.warning - 1, 'not counted');

  const json = renderJson(report);
  const parsed = JSON.parse(json) as { results: { suppressed: { id: string; suppression: { reason: string } }[] }[] };
  assert.equal(parsed.results[0].suppressed[0].suppression.reason, 'the model standardizes in its first layer');
  const back = parseReportJson(json);
  assert.ok(!('error' in back), JSON.stringify(back));
  assert.equal(back.results[0].suppressed?.[0].suppression.line, 8, 'report.json reads back (merge-reports)');
  assert.match(renderMarkdown(report), /1 suppressed finding[\s\S]*unscaled-inputs[\s\S]*the model standardizes in its first layer \(line 8\)/);
  // Wide enough that a long temporary path cannot wrap the line (TMPDIR differs between machines).
  assert.match(
    renderText(report, { color: false, width: 1000 }),
    /suppressed: warning unscaled-inputs \S*:9:3: the model standardizes in its first layer \(disable comment, line 8\)/,
  );
  const sarif = JSON.parse(renderSarif(report, { checks: checks.map((c) => c.meta) })) as {
    runs: { results: { ruleId: string; suppressions?: { kind: string; justification: string }[] }[] }[];
  };
  const silenced = sarif.runs[0].results.filter((r) => r.suppressions);
  assert.deepEqual(
    silenced.map((r) => [r.ruleId, r.suppressions]),
    [['unscaled-inputs', [{ kind: 'inSource', justification: 'the model standardizes in its first layer' }]]],
  );
});

test('in a run: a disable comment without a reason silences nothing and is a config-error warning at its line', async () => {
  const { root, config } = housingRepo(HOUSING('  # nn-preflight-disable-next-line unscaled-inputs'));
  const run = await runOneConfig(config, { root, configs: [config], smoke: false, backend: 'cpu', failOn: 'error' });
  assert.ok(run.result.findings.some((f) => f.id === 'unscaled-inputs'));
  const directive = run.result.findings.find((f) => f.id === 'config-error');
  assert.equal(directive?.severity, 'warning');
  assert.equal(directive?.line, 8);
  assert.equal(run.result.suppressed, undefined);
});

test('repository settings sit under the config: its own checks: and smoke: keys win', async () => {
  const settings: RepoSettings = {
    file: '.github/nn-preflight.yml',
    checks: { 'unscaled-inputs': 'off', 'unscaled-targets': 'notice' },
    ignore: [],
    smoke: { steps: 77, time_budget_s: 9 },
  };
  const { root, config } = housingRepo(HOUSING('', 'smoke:\n  time_budget_s: 5\n'));
  const run = await runOneConfig(config, { root, configs: [config], smoke: false, backend: 'cpu', failOn: 'error', repoSettings: settings });
  const ids = run.result.findings.map((f) => `${f.id}:${f.severity}`);
  assert.ok(!ids.some((id) => id.startsWith('unscaled-inputs')), ids.join());
  assert.ok(ids.includes('unscaled-targets:notice'), ids.join());
  assert.equal(run.evidence?.config.smoke.steps, 77, 'the settings give the steps the config leaves out');
  assert.equal(run.evidence?.config.smoke.time_budget_s, 5, "the config's own budget wins");

  const own = housingRepo(HOUSING('', 'checks:\n  unscaled-targets: error\n'));
  const overridden = await runOneConfig(own.config, {
    root: own.root,
    configs: [own.config],
    smoke: false,
    backend: 'cpu',
    failOn: 'error',
    repoSettings: settings,
  });
  assert.ok(overridden.result.findings.some((f) => f.id === 'unscaled-targets' && f.severity === 'error'));
  assert.ok(!overridden.result.findings.some((f) => f.id === 'unscaled-inputs'), 'the other setting still applies');
});
