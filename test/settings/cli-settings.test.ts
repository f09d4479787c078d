// The command line with a repository settings file: its ignore globs and .gitignore shape discovery, its
// check severities apply under each config's own, and a broken settings file is a finding, not a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const project = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const housingData = path.join(project, 'examples/housing/data/train.csv');

const CONFIG = `version: 1
data:
  train: data/train.csv
  targets: [price]
model:
  layers:
    - {type: dense, units: 8, activation: relu}
    - {type: dense, units: 1}
training:
  loss: mse
  optimizer: adam
`;

/** A scratch git-less repository (the CLI's --root) with configs in models/, experiments/ and .venv/. */
function repository(settings: string | undefined): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-cli-settings-'));
  for (const folder of ['models', 'experiments/old', 'experiments/baseline', '.venv/lib', 'scratch']) {
    mkdirSync(path.join(root, folder, 'data'), { recursive: true });
    copyFileSync(housingData, path.join(root, folder, 'data/train.csv'));
    writeFileSync(path.join(root, folder, 'a.preflight.yml'), CONFIG);
  }
  writeFileSync(path.join(root, '.gitignore'), 'scratch/\n');
  if (settings !== undefined) {
    mkdirSync(path.join(root, '.github'));
    writeFileSync(path.join(root, '.github/nn-preflight.yml'), settings);
  }
  return root;
}

function check(root: string) {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      path.join(project, 'src/cli/main.ts'),
      'check',
      '.',
      '--root',
      root,
      '--no-smoke',
      '--format',
      'json',
      '--fail-on',
      'error',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const report = JSON.parse(run.stdout) as { results: { config: string; findings: { id: string; severity: string; line: number | null; key?: string }[] }[] };
  return { status: run.status, stderr: run.stderr, report };
}

test('the settings ignore globs, .gitignore and virtual environments shape what the CLI finds; checks: applies', () => {
  const root = repository('checks:\n  unscaled-inputs: off\n  unscaled-targets: notice\nignore:\n  - experiments/**\n  - "!experiments/baseline/**"\n');
  const { report, stderr } = check(root);
  assert.deepEqual(
    report.results.map((r) => r.config),
    ['experiments/baseline/a.preflight.yml', 'models/a.preflight.yml'],
    stderr,
  );
  const findings = report.results[1].findings.map((f) => `${f.id}:${f.severity}`);
  assert.ok(!findings.some((f) => f.startsWith('unscaled-inputs')), findings.join());
  assert.ok(findings.includes('unscaled-targets:notice'), findings.join());
});

test('a broken settings file is a config-error result of its own, naming file, line and key, and fails the run', () => {
  const root = repository('checks:\n  unscaled-inputs: off\nignroe: [experiments/**]\n');
  const { status, report } = check(root);
  assert.equal(status, 1);
  const [settings] = report.results;
  assert.equal(settings.config, '.github/nn-preflight.yml');
  assert.deepEqual(
    settings.findings.map((f) => [f.id, f.severity, f.line]),
    [['config-error', 'error', 3]],
  );
  // none of its settings apply: every config is checked, unscaled-inputs included
  assert.equal(report.results.length, 4);
  assert.ok(report.results[1].findings.some((f) => f.id === 'unscaled-inputs'));
});
