// An optimizer setting the smoke run cannot apply is named in a notice, never dropped silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOneConfig } from '../src/pipeline.ts';
import { SHARED_CASES_DIR } from './shared-dir.ts';

test('a setting the optimizer does not take is reported by name in a smoke-skipped notice', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'optimizer-key-'));
  try {
    mkdirSync(path.join(root, 'data'));
    copyFileSync(path.join(SHARED_CASES_DIR, 'regression-clean/data/train.csv'), path.join(root, 'data/train.csv'));
    const config = path.join(root, 'keys.preflight.yml');
    writeFileSync(
      config,
      [
        'version: 1',
        'data:',
        '  train: data/train.csv',
        '  targets: [y]',
        'preprocessing: {inputs: standardize}',
        'model:',
        '  layers:',
        '    - {type: dense, units: 16, activation: relu}',
        '    - {type: dense, units: 1}',
        'training: {loss: mse, optimizer: {name: adam, momentum: 0.9, clipnorm: 1.0}, learning_rate: 0.001}',
        'smoke: {steps: 30}',
        '',
      ].join('\n'),
    );
    const run = await runOneConfig(config, { root, configs: [config], smoke: true, backend: 'auto', failOn: 'error', timeBudgetS: 30, verify: false });
    const notices = run.result.findings.filter((f) => f.id === 'smoke-skipped');
    const named = notices.find((f) => f.message.includes('`momentum`'));
    assert.ok(named, notices.map((f) => f.message).join('\n'));
    assert.equal(named.severity, 'notice');
    // clipnorm is applied, so it is not reported
    assert.ok(!notices.some((f) => f.message.includes('clipnorm')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
