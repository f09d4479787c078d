import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  describeWatchSelections,
  explainChangedConfigs,
  lfsPointerFiles,
  missingChangedConfigs,
  pathMapper,
  selectChangedConfigs,
} from '../../src/action/select.ts';

function workspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nnp-select-'));
  mkdirSync(path.join(root, 'ml/data/images/cat'), { recursive: true });
  writeFileSync(path.join(root, 'ml/a.preflight.yml'), 'version: 1\ndata:\n  train: data/a.csv\n');
  writeFileSync(path.join(root, 'ml/b.preflight.yml'), 'version: 1\ndata:\n  train: data/images/\n');
  writeFileSync(path.join(root, 'ml/c.preflight.yml'), 'version: 1\ndata:\n  train: data/c.csv\n');
  writeFileSync(path.join(root, 'ml/data/a.csv'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 10\n');
  writeFileSync(path.join(root, 'ml/data/c.csv'), 'x,y\n1,2\n');
  return root;
}

const all = ['a.preflight.yml', 'b.preflight.yml', 'c.preflight.yml'];

test('a changed config, a changed data file and a file inside a referenced folder each select their config', () => {
  const root = workspace();
  const mapper = pathMapper('ml');
  const select = (filename: string, extra: object = {}) =>
    selectChangedConfigs(path.join(root, 'ml'), all, [{ filename, status: 'modified', ...extra }], mapper);
  assert.deepEqual(select('ml/c.preflight.yml'), ['c.preflight.yml']);
  assert.deepEqual(select('ml/data/a.csv'), ['a.preflight.yml']);
  assert.deepEqual(select('ml/data/images/cat/1.png'), ['b.preflight.yml']);
  assert.deepEqual(select('README.md'), []);
  // Moving a data file away touches the config that still names the old path.
  assert.deepEqual(select('ml/data/moved.csv', { status: 'renamed', previousFilename: 'ml/data/c.csv' }), ['c.preflight.yml']);
});

test('a changed config missing from the workspace is reported, a removed one is not', () => {
  const root = workspace();
  const missing = missingChangedConfigs(
    path.join(root, 'ml'),
    [
      { filename: 'ml/new.preflight.yml', status: 'added' },
      { filename: 'ml/gone.preflight.yml', status: 'removed' },
      { filename: 'ml/a.preflight.yml', status: 'modified' },
    ],
    pathMapper('ml'),
  );
  assert.deepEqual(missing, ['new.preflight.yml']);
});

test('LFS pointers among the data files are found', () => {
  const root = workspace();
  assert.deepEqual(lfsPointerFiles(path.join(root, 'ml'), all), ['data/a.csv']);
});

test('paths map between the working directory and the repository', () => {
  const mapper = pathMapper('./ml/');
  assert.equal(mapper.toRepoPath('a.yml'), 'ml/a.yml');
  assert.equal(mapper.fromRepoPath('ml/x/a.yml'), 'x/a.yml');
  assert.equal(mapper.fromRepoPath('other/a.yml'), undefined);
  assert.equal(pathMapper('.').toRepoPath('a.yml'), 'a.yml');
});

test('a pull request changing only train.py re-checks the config that watches it, and no other', () => {
  const root = workspace();
  writeFileSync(path.join(root, 'ml/a.preflight.yml'), 'version: 1\ndata:\n  train: data/a.csv\nwatch: [ml/train.py, "ml/model/**"]\n');
  writeFileSync(path.join(root, 'ml/c.preflight.yml'), 'version: 1\ndata:\n  train: data/c.csv\nwatch: [other/train.py]\n');
  const mapper = pathMapper('ml');
  const select = (...filenames: string[]) =>
    selectChangedConfigs(
      path.join(root, 'ml'),
      all,
      filenames.map((filename) => ({ filename, status: 'modified' as const })),
      mapper,
    );
  assert.deepEqual(select('ml/train.py'), ['a.preflight.yml']);
  assert.deepEqual(select('ml/model/layers/block.py'), ['a.preflight.yml'], '** crosses folders');
  assert.deepEqual(select('train.py'), [], 'globs are repository-relative: a train.py elsewhere is another file');
  assert.deepEqual(select('ml/model.py'), []);
  assert.deepEqual(select('other/train.py', 'ml/train.py'), ['a.preflight.yml', 'c.preflight.yml']);

  const explained = explainChangedConfigs(
    path.join(root, 'ml'),
    all,
    [
      { filename: 'ml/train.py', status: 'modified' },
      { filename: 'ml/data/c.csv', status: 'modified' },
    ],
    mapper,
  );
  assert.deepEqual(explained, [
    { config: 'a.preflight.yml', reason: 'watch', file: 'ml/train.py', glob: 'ml/train.py' },
    { config: 'c.preflight.yml', reason: 'data-or-model', file: 'data/c.csv' },
  ]);
  assert.equal(
    describeWatchSelections(explained),
    'This config was checked because a file it watches changed: `a.preflight.yml` (`ml/train.py` matches `watch: ml/train.py`).',
  );
  assert.equal(describeWatchSelections(explained.slice(1)), undefined);
});

test('a renamed training script still re-checks the config that watches its old path', () => {
  const root = workspace();
  writeFileSync(path.join(root, 'ml/a.preflight.yml'), 'version: 1\ndata:\n  train: data/a.csv\nwatch: [ml/train.py]\n');
  const selected = selectChangedConfigs(
    path.join(root, 'ml'),
    all,
    [{ filename: 'ml/scripts/train.py', previousFilename: 'ml/train.py', status: 'renamed' }],
    pathMapper('ml'),
  );
  assert.deepEqual(selected, ['a.preflight.yml']);
});

test('a broken config is still selected through its watch list, so the pull request sees its errors', () => {
  const root = workspace();
  writeFileSync(path.join(root, 'ml/b.preflight.yml'), 'version: 1\nlearing_rate: 3\nwatch: [ml/*.py]\n');
  writeFileSync(path.join(root, 'ml/c.preflight.yml'), 'version: [unclosed\nwatch: [ml/*.py]\n');
  const selected = selectChangedConfigs(path.join(root, 'ml'), all, [{ filename: 'ml/train.py', status: 'modified' }], pathMapper('ml'));
  assert.deepEqual(selected, ['b.preflight.yml'], 'an unparseable YAML watches nothing; a schema error does not stop selection');
});

test('a pull request that changes only a TF.js weight shard re-checks the config whose model file lists it', () => {
  const root = workspace();
  mkdirSync(path.join(root, 'ml/web'), { recursive: true });
  writeFileSync(path.join(root, 'ml/w.preflight.yml'), 'version: 1\ndata:\n  train: data/c.csv\nmodel:\n  keras: web/model.json\n');
  writeFileSync(
    path.join(root, 'ml/web/model.json'),
    JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [] }] }),
  );
  const selected = explainChangedConfigs(
    path.join(root, 'ml'),
    [...all, 'w.preflight.yml'],
    [{ filename: 'ml/web/group1-shard2of2.bin', status: 'modified' }],
    pathMapper('ml'),
  );
  assert.deepEqual(selected, [{ config: 'w.preflight.yml', reason: 'data-or-model', file: 'web/group1-shard2of2.bin' }]);
  // LFS pointers among the shards are found too (the checkout then lacks the weights)
  writeFileSync(path.join(root, 'ml/web/group1-shard1of2.bin'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 10\n');
  assert.deepEqual(lfsPointerFiles(path.join(root, 'ml'), ['w.preflight.yml']), ['web/group1-shard1of2.bin']);
});
