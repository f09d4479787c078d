// Progress in CI (issue 17): one plain line per phase per config when stderr is not a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOneConfig } from '../../src/pipeline.ts';
import type { ProgressEvent } from '../../src/run-settings.ts';
import { progressLine } from '../../src/progress-lines.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function workspace(): { root: string; config: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'nnp-progress-'));
  const rows = ['a,b,y', ...Array.from({ length: 64 }, (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${((i % 7) + (i % 5)) / 12}`)];
  writeFileSync(path.join(root, 'train.csv'), rows.join('\n') + '\n');
  const config = path.join(root, 'c.preflight.yml');
  writeFileSync(
    config,
    [
      'version: 1',
      'name: c',
      'task: regression',
      'data:',
      '  train: train.csv',
      '  targets: [y]',
      'preprocessing: {inputs: standardize}',
      'model:',
      '  layers:',
      '    - {type: dense, units: 8, activation: relu}',
      '    - {type: dense, units: 1}',
      'training: {loss: mse, optimizer: adam, learning_rate: 0.01, batch_size: 4}',
      'smoke: {steps: 20}',
      '',
    ].join('\n'),
  );
  return { root, config };
}

test("a config reports each phase once, in order, with the smoke run's steps and seconds", async () => {
  const { root, config } = workspace();
  try {
    const events: ProgressEvent[] = [];
    await runOneConfig(config, { root, configs: [config], smoke: true, backend: 'cpu', failOn: 'error', onProgress: (event) => events.push(event) });
    const lines = events.map(progressLine).filter((line): line is string => line !== undefined);
    const phases = events.filter((event) => event.fraction === undefined).map((event) => event.phase);
    assert.deepEqual(
      phases.filter((phase) => phase !== 'data'),
      ['config', 'static', 'smoke', 'smoke-done', 'controls', 'checks', 'seed-confirmation', 'fix-checks', 'done'],
    );
    assert.ok(
      lines.some((line) => /: smoke run: 20\/20 steps in \d+\.\d s on cpu$/.test(line)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => /: control runs: .+ in \d+\.\d s/.test(line)),
      lines.join('\n'),
    );
    assert.ok(lines.every((line) => line.startsWith(`${config}: `)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a control that did not run for want of evidence is "not run", not "cut by the time budget"', async () => {
  const { root, config } = workspace();
  try {
    // a rate that diverges in a few steps: the zeroed-input comparison has too few main-run steps to run
    writeFileSync(config, readFileSync(config, 'utf8').replace('optimizer: adam, learning_rate: 0.01', 'optimizer: sgd, learning_rate: 1000000'));
    const events: ProgressEvent[] = [];
    await runOneConfig(config, { root, configs: [config], smoke: true, backend: 'cpu', failOn: 'error', onProgress: (event) => events.push(event) });
    const controls = events
      .filter((event) => event.phase === 'controls' && event.fraction === undefined)
      .map(progressLine)
      .join('\n');
    assert.match(controls, /\(1 not run\)/);
    assert.doesNotMatch(controls, /time budget/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the CLI prints the lines on stderr when it is not a terminal, and no line can act as a workflow command', () => {
  const { root, config } = workspace();
  try {
    const sneaky = path.join(root, '::warning::x.preflight.yml');
    writeFileSync(sneaky, 'version: 1\n');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'check', config, sneaky, '--root', root, '--format', 'json', '--no-smoke'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    const lines = result.stderr.trim().split('\n');
    assert.ok(
      lines.some((line) => line.endsWith('c.preflight.yml: loading the config')),
      result.stderr,
    );
    assert.ok(
      lines.some((line) => /c\.preflight\.yml: done: 0 errors, \d+ warnings?, \d+ notices? in \d+\.\d s$/.test(line)),
      result.stderr,
    );
    assert.ok(
      lines.every((line) => !/^\s*::/.test(line) && !line.includes('##[')),
      result.stderr,
    );
    JSON.parse(result.stdout);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
