import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { lfsPointerFiles, missingChangedConfigs, pathMapper, selectChangedConfigs } from '../../src/action/select.ts';

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
  const select = (filename: string, extra: object = {}) => selectChangedConfigs(path.join(root, 'ml'), all, [{ filename, status: 'modified', ...extra }], mapper);
  assert.deepEqual(select('ml/c.preflight.yml'), ['c.preflight.yml']);
  assert.deepEqual(select('ml/data/a.csv'), ['a.preflight.yml']);
  assert.deepEqual(select('ml/data/images/cat/1.png'), ['b.preflight.yml']);
  assert.deepEqual(select('README.md'), []);
  // Moving a data file away touches the config that still names the old path.
  assert.deepEqual(select('ml/data/moved.csv', { status: 'renamed', previousFilename: 'ml/data/c.csv' }), ['c.preflight.yml']);
});

test('a changed config missing from the workspace is reported, a removed one is not', () => {
  const root = workspace();
  const missing = missingChangedConfigs(path.join(root, 'ml'), [
    { filename: 'ml/new.preflight.yml', status: 'added' },
    { filename: 'ml/gone.preflight.yml', status: 'removed' },
    { filename: 'ml/a.preflight.yml', status: 'modified' },
  ], pathMapper('ml'));
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
