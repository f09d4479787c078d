import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadOk, loadProblem, npy, tempRepo } from './fixtures.ts';

const repo = tempRepo();
const outside = tempRepo();
after(() => {
  repo.cleanup();
  outside.cleanup();
});

test('a missing file is a problem with the configured key', async () => {
  const problem = await loadProblem(repo.root, 'data/nope.csv', { key: 'data.validation' });
  assert.equal(problem.key, 'data.validation');
  assert.equal(problem.file, 'data/nope.csv');
  assert.match(problem.message, /does not exist/);
});

test('paths that leave the repository are refused, directly or through a symlink', async () => {
  const secret = outside.write('secret.csv', 'a,y\n1,2\n');
  const config = path.join(repo.root, 'configs');
  mkdirSync(config, { recursive: true });
  const up = await loadProblem(repo.root, `../../${path.basename(outside.root)}/secret.csv`, { baseDir: config });
  assert.match(up.message, /leaves the repository/);
  assert.match((await loadProblem(repo.root, secret)).message, /absolute paths are not allowed/);
  symlinkSync(secret, path.join(repo.root, 'link.csv'));
  assert.match((await loadProblem(repo.root, 'link.csv')).message, /symbolic link that leaves/);
  symlinkSync(outside.root, path.join(repo.root, 'linkdir'));
  assert.match((await loadProblem(repo.root, 'linkdir/secret.csv')).message, /leaves the repository/);
  repo.write('images/a/1.png', Buffer.alloc(0));
  symlinkSync(outside.root, path.join(repo.root, 'images/b'));
  assert.match((await loadProblem(repo.root, 'images', { targets: undefined })).message, /leaves the repository/);
  const pairX = await loadProblem(repo.root, { kind: 'arrays', x: '../x.npy', y: 'y.npy' });
  assert.equal(pairX.key, 'data.train.x');
});

test('a symlink that stays inside the repository is followed', async () => {
  repo.write('real/train.csv', 'a,y\n1,2\n3,4\n');
  symlinkSync(path.join(repo.root, 'real/train.csv'), path.join(repo.root, 'alias.csv'));
  assert.equal((await loadOk(repo.root, 'alias.csv')).rows, 2);
});

test('a FIFO is never opened (it could block forever)', { skip: process.platform === 'win32' }, async () => {
  const fifo = path.join(repo.root, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  assert.match((await loadProblem(repo.root, 'pipe.csv')).message, /not a regular file/);
});

test('unknown extensions and a lone .npy are explained', async () => {
  repo.write('data.feather', 'x');
  assert.match((await loadProblem(repo.root, 'data.feather')).message, /unknown extension ".feather": use .csv, .tsv, .jsonl, .ndjson, .json, .parquet,/);
  writeFileSync(path.join(repo.root, 'lone.npy'), npy([1], [1, 1], 'f4'));
  assert.match((await loadProblem(repo.root, 'lone.npy')).message, /\{x: \.\.\., y: \.\.\.\}/);
});
