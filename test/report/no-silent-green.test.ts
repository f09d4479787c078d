// No silent green (issue 17): a setup whose smoke run could not run, or whose main run was cut, is a
// warning by default, so `fail-on: warning` never passes it untested; a declared model input that the
// data does not fill is an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCheck } from '../../src/pipeline.ts';
import { DEFAULT_LIMITS, type Limits } from '../../src/limits.ts';

function workspace(configYaml: string): { root: string; config: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'nnp-green-'));
  const rows = ['a,b,y', ...Array.from({ length: 64 }, (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${((i % 7) + (i % 5)) / 12}`)];
  writeFileSync(path.join(root, 'train.csv'), rows.join('\n') + '\n');
  const config = path.join(root, 'c.preflight.yml');
  writeFileSync(config, configYaml);
  return { root, config };
}

const LAYERS = ['model:', '  layers:', '    - {type: dense, units: 8, activation: relu}', '    - {type: dense, units: 1}'];
const BASE = ['version: 1', 'name: c', 'task: regression', 'data:', '  train: train.csv', '  targets: [y]', 'preprocessing: {inputs: standardize}'];
const TRAINING = ['training: {loss: mse, optimizer: adam, learning_rate: 0.01, batch_size: 4}', 'smoke: {steps: 20}', ''];

test('a smoke run that could not start is a warning, so fail-on: warning fails the setup', async () => {
  const { root, config } = workspace([...BASE, ...LAYERS, ...TRAINING].join('\n'));
  try {
    const limits: Limits = { ...DEFAULT_LIMITS, smoke: { ...DEFAULT_LIMITS.smoke, maxSecondsPerRun: 0 } };
    const report = await runCheck({ root, configs: [config], smoke: true, backend: 'cpu', failOn: 'warning', limits, verify: false });
    const skipped = report.results[0].findings.find((f) => f.id === 'smoke-skipped');
    assert.ok(skipped, JSON.stringify(report.results[0].findings));
    assert.equal(skipped.severity, 'warning');
    assert.equal(report.conclusion, 'failure', 'an untested setup never passes fail-on: warning');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the config can still lower it: checks: {smoke-skipped: notice}', async () => {
  const { root, config } = workspace([...BASE, ...LAYERS, ...TRAINING.slice(0, -1), 'checks: {smoke-skipped: notice}', ''].join('\n'));
  try {
    const limits: Limits = { ...DEFAULT_LIMITS, smoke: { ...DEFAULT_LIMITS.smoke, maxSecondsPerRun: 0 } };
    const report = await runCheck({ root, configs: [config], smoke: true, backend: 'cpu', failOn: 'warning', limits, verify: false });
    assert.equal(report.results[0].findings.find((f) => f.id === 'smoke-skipped')?.severity, 'notice');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a declared input shape the data does not fill is an error naming the key; the smoke run does not train another model', async () => {
  const { root, config } = workspace([...BASE, 'model:', '  input_shape: [5]', ...LAYERS.slice(1), ...TRAINING].join('\n'));
  try {
    const report = await runCheck({ root, configs: [config], smoke: true, backend: 'cpu', failOn: 'error', verify: false });
    const findings = report.results[0].findings;
    const mismatch = findings.find((f) => f.id === 'config-error');
    assert.ok(mismatch, JSON.stringify(findings.map((f) => f.message)));
    assert.equal(mismatch.severity, 'error');
    assert.equal(mismatch.key, 'model.input_shape');
    assert.equal(mismatch.line, 9);
    assert.match(mismatch.message, /declares input shape \[5\] \(5 values per example\), but each example of train\.csv has shape \[2\] \(2 values\)/);
    assert.equal(report.results[0].smoke ?? undefined, undefined, "no smoke run on the data's own shape");
    assert.equal(findings.find((f) => f.id === 'smoke-skipped')?.severity, 'warning');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a declared input shape that the data fills raises nothing', async () => {
  const { root, config } = workspace([...BASE, 'model:', '  input_shape: [2]', ...LAYERS.slice(1), ...TRAINING].join('\n'));
  try {
    const report = await runCheck({ root, configs: [config], smoke: false, backend: 'cpu', failOn: 'error', verify: false });
    assert.deepEqual(
      report.results[0].findings.filter((f) => f.severity !== 'notice').map((f) => f.id),
      [],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
