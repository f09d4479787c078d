// The pipeline applies the limits it is given: an oversized model is refused at its layer's line before
// the smoke stage, and the whole-run smoke budget is shared by every config of one run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCheck } from '../../src/pipeline.ts';
import type { CheckOptions } from '../../src/run-settings.ts';
import { DEFAULT_LIMITS, type Limits } from '../../src/limits.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-limits-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(path.join(root, 'data'));
writeFileSync(path.join(root, 'data/train.csv'), ['x1,x2,y', ...Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2}`)].join('\n') + '\n');

function config(name: string, hiddenUnits: number): string {
  const file = path.join(root, `${name}.preflight.yml`);
  writeFileSync(
    file,
    [
      'version: 1',
      'data:',
      '  train: data/train.csv',
      '  targets: [y]',
      'model:',
      '  layers:',
      `    - {type: dense, units: ${hiddenUnits}, activation: relu}`,
      '    - {type: dense, units: 1, activation: sigmoid}',
      'training:',
      '  loss: binary_crossentropy',
      '  optimizer: adam',
      '',
    ].join('\n'),
  );
  return file;
}

function options(configs: string[], limits: Limits): CheckOptions {
  return { root, configs, smoke: true, backend: 'cpu', failOn: 'error', limits };
}

test('a model over the parameter limit is a config-error at its heaviest layer, and the smoke run does not start', async () => {
  const limits: Limits = { ...DEFAULT_LIMITS, model: { ...DEFAULT_LIMITS.model, maxParams: 100 } };
  // 2*64+64 + 64+1 = 257 parameters, most of them in layer 0 (line 7)
  const report = await runCheck(options([config('wide', 64)], limits));
  const findings = report.results[0].findings;
  const refusal = findings.find((f) => f.id === 'config-error');
  assert.ok(refusal, JSON.stringify(findings));
  assert.equal(refusal.line, 7);
  assert.equal(refusal.key, 'model.layers[0]');
  assert.deepEqual({ parameters: refusal.evidence.parameters, limit: refusal.evidence.limit }, { parameters: 257, limit: 100 });
  assert.match(findings.find((f) => f.id === 'smoke-skipped')?.message ?? '', /cannot be built/);
  assert.equal(report.results[0].smoke ?? undefined, undefined);
});

test('a spent whole-run budget stops the smoke run of every config, with a notice at smoke.time_budget_s', async () => {
  const limits: Limits = { ...DEFAULT_LIMITS, smoke: { ...DEFAULT_LIMITS.smoke, maxSecondsPerRun: 0 } };
  const report = await runCheck(options([config('a', 4), config('b', 4)], limits));
  for (const result of report.results) {
    const notice = result.findings.find((f) => f.id === 'smoke-skipped');
    assert.ok(notice, JSON.stringify(result.findings));
    assert.match(notice.message, /did not start: the whole run may spend 0s/);
    assert.equal(notice.key, 'smoke.time_budget_s');
    assert.equal(result.smoke ?? undefined, undefined);
  }
});
