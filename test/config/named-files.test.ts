// The files a config names come from the loader's own rules (schema, paths relative to the config,
// TF.js weight shards from the model file's manifest), so changed-file matching and the base copy see
// exactly what a check reads. Configs and model files are pull-request data: nothing here may throw or
// name a path outside the root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listConfigFiles } from '../../src/config/named-files.ts';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-named-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const manifest = (paths: unknown) => JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: [] }] });
const paths = (root: string, config: string) =>
  listConfigFiles(root, config)
    .files.map((f) => f.path)
    .sort();

test('data, the model file and its weight shards, relative to the repository', () => {
  const root = repo({
    'm/a.preflight.yml':
      'version: 1\ndata:\n  train: {x: data/x.npy, y: data/y.npy}\n  validation: data/val/\nmodel:\n  keras: web/model.json\nwatch: [train.py]\n',
    'm/web/model.json': manifest(['group1-shard1of2.bin', 'sub/group1-shard2of2.bin']),
  });
  const listed = listConfigFiles(root, 'm/a.preflight.yml');
  assert.deepEqual(listed.files, [
    { path: 'm/data/x.npy', key: 'data.train.x', role: 'data' },
    { path: 'm/data/y.npy', key: 'data.train.y', role: 'data' },
    { path: 'm/data/val', key: 'data.validation', role: 'data' },
    { path: 'm/web/model.json', key: 'model.keras', role: 'model' },
    { path: 'm/web/group1-shard1of2.bin', key: 'model.keras', role: 'weights' },
    { path: 'm/web/sub/group1-shard2of2.bin', key: 'model.keras', role: 'weights' },
  ]);
  assert.deepEqual(listed.watch, ['train.py']);
});

test('an ONNX model is named; a missing model file names no shards', () => {
  const root = repo({
    'm/t.preflight.yml': 'version: 1\ndata:\n  train: data/t.csv\nmodel:\n  onnx: export/model.onnx\n',
    'n/k.preflight.yml': 'version: 1\ndata:\n  train: t.csv\nmodel:\n  keras: gone.json\n',
  });
  assert.deepEqual(paths(root, 'm/t.preflight.yml'), ['m/data/t.csv', 'm/export/model.onnx']);
  assert.deepEqual(paths(root, 'n/k.preflight.yml'), ['n/gone.json', 'n/t.csv']);
});

test('a config broken elsewhere still names its files; a broken YAML or a missing config names none', () => {
  const root = repo({
    'a.preflight.yml': 'version: 1\ndata:\n  train: t.csv\n  sampel: 10\nmodel:\n  keras: model.json\ntraining:\n  learing_rate: 0.1\n',
    'b.preflight.yml': 'data: [unclosed\n',
    'c.preflight.yml': '- a list\n',
  });
  assert.deepEqual(paths(root, 'a.preflight.yml'), ['model.json', 't.csv']);
  assert.deepEqual(listConfigFiles(root, 'b.preflight.yml'), { files: [], watch: [] });
  assert.deepEqual(listConfigFiles(root, 'c.preflight.yml'), { files: [], watch: [] });
  assert.deepEqual(listConfigFiles(root, 'nothing.preflight.yml'), { files: [], watch: [] });
});

test('hostile paths: nothing outside the root, through the config or through the manifest', () => {
  const outside = repo({ 'model.json': manifest(['secret.bin']) });
  const root = repo({
    'm/a.preflight.yml': `version: 1\ndata:\n  train: ../../../etc/passwd\n  validation: ${JSON.stringify(path.join(outside, 'v.csv'))}\nmodel:\n  keras: web/model.json\n`,
    'm/web/model.json': manifest(['../../../escape.bin', '/etc/shadow', 42, null, '', 'ok.bin']),
    'm/b.preflight.yml': 'version: 1\ndata:\n  train: t.csv\nmodel:\n  keras: linked.json\n',
  });
  symlinkSync(path.join(outside, 'model.json'), path.join(root, 'm/linked.json'));
  assert.deepEqual(paths(root, 'm/a.preflight.yml'), ['m/web/model.json', 'm/web/ok.bin']);
  // a model file linked out of the repository is not read, so its shards are not named
  assert.deepEqual(paths(root, 'm/b.preflight.yml'), ['m/linked.json', 'm/t.csv']);
});

test('hostile model files: not JSON, a zip, odd manifests, thousands of shards', () => {
  const many = Array.from({ length: 5000 }, (_, i) => `s${i}.bin`);
  const cases: [string, number][] = [
    ['{"weightsManifest": ', 0],
    ['PK\u0003\u0004 a .keras archive', 0],
    [JSON.stringify({ weightsManifest: 'shard.bin' }), 0],
    [JSON.stringify({ weightsManifest: [null, 1, { paths: 'x.bin' }, { paths: [['nested.bin']] }] }), 0],
    [JSON.stringify(null), 0],
    [manifest(many), 1000],
  ];
  for (const [text, shards] of cases) {
    const root = repo({ 'a.preflight.yml': 'version: 1\ndata:\n  train: t.csv\nmodel:\n  keras: model.json\n', 'model.json': text });
    const listed = listConfigFiles(root, 'a.preflight.yml').files;
    assert.equal(listed.filter((f) => f.role === 'weights').length, shards, text.slice(0, 40));
  }
});
