import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverConfigs, globToRegExp, isConfigPath } from '../src/discover.ts';

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
