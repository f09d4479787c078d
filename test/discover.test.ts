import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverConfigs, globToRegExp, isConfigPath, referencedFiles } from '../src/discover.ts';

test('globs: ** crosses folders, * does not, braces alternate', () => {
  const re = globToRegExp('**/*.preflight.y*ml');
  for (const ok of ['a.preflight.yml', 'x/y/a.preflight.yaml']) assert.ok(re.test(ok), ok);
  for (const bad of ['a.preflight.json', 'a.yml', 'x/preflight.yml']) assert.ok(!re.test(bad), bad);
  const only = globToRegExp('models/*.{yml,yaml}');
  assert.ok(only.test('models/a.yml'));
  assert.ok(only.test('models/a.yaml'));
  assert.ok(!only.test('models/sub/a.yml'));
});

test('isConfigPath accepts both YAML endings only', () => {
  assert.ok(isConfigPath('a/b.preflight.yml'));
  assert.ok(isConfigPath('b.PREFLIGHT.YAML'));
  assert.ok(!isConfigPath('b.preflight.json'));
});

test('discovery finds configs, skips node_modules and does not follow symlinks', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-discover-'));
  mkdirSync(path.join(root, 'models/deep'), { recursive: true });
  mkdirSync(path.join(root, 'node_modules/pkg'), { recursive: true });
  writeFileSync(path.join(root, 'models/a.preflight.yml'), 'version: 1\n');
  writeFileSync(path.join(root, 'models/deep/b.preflight.yaml'), 'version: 1\n');
  writeFileSync(path.join(root, 'node_modules/pkg/c.preflight.yml'), 'version: 1\n');
  symlinkSync(path.join(root, 'models'), path.join(root, 'loop'));
  assert.deepEqual(discoverConfigs(root), ['models/a.preflight.yml', 'models/deep/b.preflight.yaml']);
  assert.deepEqual(discoverConfigs(root, ['models/*.preflight.yml']), ['models/a.preflight.yml']);
});

test('referencedFiles names data and model files relative to the repository, never outside it', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-refs-'));
  mkdirSync(path.join(root, 'm'), { recursive: true });
  writeFileSync(
    path.join(root, 'm/a.preflight.yml'),
    'version: 1\ndata:\n  train: {x: data/x.npy, y: data/y.npy}\n  validation: ../../../etc/passwd\nmodel:\n  keras: model.json\n',
  );
  assert.deepEqual(referencedFiles(root, 'm/a.preflight.yml').sort(), ['m/data/x.npy', 'm/data/y.npy', 'm/model.json']);
  // An ONNX model file is the model too: a pull request that re-exports it re-checks the config.
  writeFileSync(path.join(root, 'm/t.preflight.yml'), 'version: 1\ndata:\n  train: data/t.csv\nmodel:\n  onnx: export/model.onnx\n');
  assert.deepEqual(referencedFiles(root, 'm/t.preflight.yml').sort(), ['m/data/t.csv', 'm/export/model.onnx']);
  writeFileSync(path.join(root, 'm/broken.preflight.yml'), 'data: [unclosed\n');
  assert.deepEqual(referencedFiles(root, 'm/broken.preflight.yml'), []);
});
