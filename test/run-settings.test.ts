// One RunSettings value per run: defaults filled once, the config's smoke keys used only where the run
// gives no override, config paths read from the settings' folder (not the process's), and one spending
// record that every config of the run draws on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCheck, runOneConfig } from '../src/pipeline.ts';
import { asRunSettings, resolveRunSettings, smokeSettingsFor, type CheckOptions } from '../src/run-settings.ts';
import { DEFAULT_LIMITS } from '../src/limits.ts';
import type { PreflightConfig } from '../src/config/types.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-settings-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(path.join(root, 'housing/data'), { recursive: true });
writeFileSync(path.join(root, 'housing/data/train.csv'), ['x1,x2,y', ...Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5},${i % 2}`)].join('\n') + '\n');
const configText = [
  'version: 1',
  'data:',
  '  train: data/train.csv',
  '  targets: [y]',
  'model:',
  '  layers:',
  '    - {type: dense, units: 4, activation: relu}',
  '    - {type: dense, units: 1, activation: sigmoid}',
  'training:',
  '  loss: binary_crossentropy',
  '  optimizer: adam',
  'smoke: {steps: 30, seed: 7, time_budget_s: 12}',
  '',
].join('\n');
writeFileSync(path.join(root, 'housing/preflight.yml'), configText);
writeFileSync(path.join(root, 'housing/typo.preflight.yml'), configText.replace('type: dense, units: 4, activation: relu', 'type: qqqqqqqq, units: 4'));

test('resolving fills the defaults once and starts the run with nothing spent', () => {
  const settings = resolveRunSettings({ root, configs: ['a.yml'], smoke: true, backend: 'cpu', failOn: 'error' });
  assert.equal(settings.limits, DEFAULT_LIMITS);
  assert.equal(settings.verify, true);
  assert.equal(settings.cwd, process.cwd());
  assert.deepEqual(
    { smoke: settings.spent.smokeSeconds, data: settings.spent.dataSeconds, listed: settings.spent.listedValues.size },
    { smoke: 0, data: 0, listed: 0 },
  );
  assert.equal(resolveRunSettings({ root, configs: [], smoke: true, backend: 'cpu', failOn: 'error', verify: false }).verify, false);
  assert.equal(asRunSettings(settings), settings, 'resolved settings keep their spending');
  assert.notEqual(asRunSettings({ root, configs: [], smoke: true, backend: 'cpu', failOn: 'error' }).spent, settings.spent);
});

test("the run's overrides win over the config's smoke keys, key by key", () => {
  const config = { smoke: { steps: 30, seed: 7, time_budget_s: 12 } } as PreflightConfig;
  const base: CheckOptions = { root, configs: [], smoke: true, backend: 'wasm', failOn: 'error' };
  assert.deepEqual(smokeSettingsFor(resolveRunSettings(base), config), { backend: 'wasm', steps: 30, seed: 7, timeBudgetS: 12 });
  assert.deepEqual(smokeSettingsFor(resolveRunSettings({ ...base, seed: 0, timeBudgetS: 3 }), config), { backend: 'wasm', steps: 30, seed: 0, timeBudgetS: 3 });
});

test('config paths are read from the settings folder, and a bare preflight.yml is named after its own folder', async () => {
  // The process stays where it is: the action no longer changes folder to the working directory.
  assert.notEqual(process.cwd(), path.join(root, 'housing'));
  const run = await runOneConfig('preflight.yml', {
    root,
    cwd: path.join(root, 'housing'),
    configs: ['preflight.yml'],
    smoke: false,
    backend: 'cpu',
    failOn: 'error',
  });
  assert.equal(run.result.config, 'preflight.yml');
  assert.equal(run.result.name, 'housing');
  assert.deepEqual(
    run.result.findings.filter((f) => f.id === 'config-error' || f.id === 'data-error'),
    [],
  );
  assert.equal(run.evidence?.data?.train.split.rows, 40);
});

test('the configs of one run share its spending: the data seconds add up, and an allowed-values list is printed once', async () => {
  const settings = resolveRunSettings({
    root,
    cwd: path.join(root, 'housing'),
    configs: ['preflight.yml', 'typo.preflight.yml', 'typo.preflight.yml'],
    smoke: false,
    backend: 'cpu',
    failOn: 'error',
  });
  const report = await runCheck(settings);
  assert.ok(settings.spent.dataSeconds > 0, 'the data pass was counted');
  const messages = report.results.slice(1).map((r) => r.findings.find((f) => f.id === 'config-error')?.message ?? '');
  assert.match(messages[0], /dense, dropout/, 'the first error lists the layer types');
  assert.doesNotMatch(messages[1], /dense, dropout/, 'the second points to the first');
  assert.ok(settings.spent.listedValues.size > 0);
});
