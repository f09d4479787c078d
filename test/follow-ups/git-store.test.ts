import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readBaseCopy, type BaseCopyLimits } from '../../src/follow-ups/base-copy.ts';
import { gitStore } from '../../src/follow-ups/git-store.ts';
import { regressionConfig, scratchRepo } from './git-repo.ts';

const readFromGit = (configPath: string, ref: string, limits?: BaseCopyLimits) => readBaseCopy(configPath, ref, [gitStore()], limits);

describe('the base version from git', () => {
  const repo = scratchRepo();
  after(() => repo.dispose());
  const config = () => path.join(repo.root, 'cfg', 'model.preflight.yml');
  repo.write({
    'cfg/model.preflight.yml': regressionConfig({ learningRate: 0.01 }).replace('data/train.csv', 'data/'),
    'cfg/data/a.csv': 'x,y\n1,2\n',
    'cfg/data/nested/b.csv': 'x,y\n3,4\n',
  });
  repo.commit('base');
  const baseSha = repo.git('rev-parse', 'HEAD').trim();

  it('reports a config that is not at the ref as new', async () => {
    repo.write({ 'other.preflight.yml': regressionConfig() });
    const read = await readFromGit(path.join(repo.root, 'other.preflight.yml'), baseSha);
    assert.deepEqual(read.ok ? 'ok' : read.status, 'new-config');
  });

  it('says the history is missing for an unknown ref, and refuses option-like refs', async () => {
    const unknown = await readFromGit(config(), 'no-such-branch');
    assert.ok(!unknown.ok && unknown.status === 'unavailable' && /fetch-depth: 0/.test(unknown.reason));
    const option = await readFromGit(config(), '--output=/tmp/x');
    assert.ok(!option.ok && option.status === 'unavailable');
  });

  it('sees an unchanged config and unchanged data as unchanged', async () => {
    const read = await readFromGit(config(), baseSha);
    assert.ok(read.ok);
    try {
      assert.equal(read.copy.configChanged, false);
      assert.deepEqual(read.copy.changedFiles, []);
    } finally {
      read.copy.dispose();
    }
  });

  it('copies the base config and every file below a named folder, and lists the data files the head changed', async () => {
    repo.write({ 'cfg/model.preflight.yml': regressionConfig({ learningRate: 3 }).replace('data/train.csv', 'data/'), 'cfg/data/nested/b.csv': 'x,y\n5,6\n' });
    repo.commit('head');
    const read = await readFromGit(config(), 'HEAD~1');
    assert.ok(read.ok);
    const { copy } = read;
    try {
      assert.equal(copy.configChanged, true);
      assert.deepEqual(copy.changedFiles, ['cfg/data/nested/b.csv']);
      assert.equal(copy.configPath, path.join(copy.root, 'cfg', 'model.preflight.yml'));
      assert.match(readFileSync(copy.configPath, 'utf8'), /learning_rate: 0\.01/);
      assert.equal(readFileSync(path.join(copy.root, 'cfg/data/nested/b.csv'), 'utf8'), 'x,y\n3,4\n');
      assert.ok(existsSync(path.join(copy.root, 'cfg/data/a.csv')));
    } finally {
      copy.dispose();
    }
    assert.equal(existsSync(copy.root), false, 'dispose removes the copy');
  });

  it('names files the head added below a named folder, and asks the store only for bytes the checkout lacks', async () => {
    repo.write({ 'cfg/data/nested/c.csv': 'x,y\n7,8\n' });
    const store = gitStore();
    const reads: string[] = [];
    const counting = { ...store, locate: store.locate, read: (entry: Parameters<typeof store.read>[0]) => (reads.push(entry.path), store.read(entry)) };
    const read = await readBaseCopy(config(), 'HEAD~1', [counting]);
    assert.ok(read.ok);
    try {
      assert.deepEqual(read.copy.changedFiles, ['cfg/data/nested/b.csv', 'cfg/data/nested/c.csv']);
      assert.equal(existsSync(path.join(read.copy.root, 'cfg/data/nested/c.csv')), false, 'a file the base lacks is not in its copy');
      assert.deepEqual(reads.sort(), ['cfg/data/nested/b.csv', 'cfg/model.preflight.yml'], 'a.csv is the same at both ends, so it is copied from the checkout');
      assert.equal(read.copy.source, 'git');
    } finally {
      read.copy.dispose();
    }
    rmSync(path.join(repo.root, 'cfg/data/nested/c.csv'));
  });

  it('does not write symlinks from the base, so a link cannot point the copy outside it', async () => {
    symlinkSync('/etc/hostname', path.join(repo.root, 'cfg/data/link.csv'));
    repo.commit('link');
    const read = await readFromGit(config(), 'HEAD');
    assert.ok(read.ok);
    try {
      const copied = path.join(read.copy.root, 'cfg/data/link.csv');
      assert.equal(existsSync(copied) && lstatSync(copied).isSymbolicLink(), false);
    } finally {
      read.copy.dispose();
    }
  });

  it('stops at the copy limits with a reason', async () => {
    const read = await readFromGit(config(), 'HEAD', { maxFiles: 2, maxBytes: 1024 ** 2 });
    assert.ok(!read.ok && read.status === 'unavailable' && /more than 2 files/.test(read.reason));
  });

  it("matches a Git LFS pointer at the base to the checkout's real file by its sha256, and says so when they differ", async () => {
    const lfs = scratchRepo();
    try {
      const data = 'x,y\n1,2\n3,4\n';
      const pointer = (content: string) =>
        `version https://git-lfs.github.com/spec/v1\noid sha256:${createHash('sha256').update(content).digest('hex')}\nsize ${Buffer.byteLength(content)}\n`;
      lfs.write({ 'm.preflight.yml': regressionConfig({ learningRate: 0.01 }), 'data/train.csv': pointer(data) });
      lfs.commit('base with the data in LFS');
      // The checkout (lfs: true) holds the real bytes; the config changed.
      lfs.write({ 'm.preflight.yml': regressionConfig({ learningRate: 0.1 }), 'data/train.csv': data });
      const same = await readBaseCopy(path.join(lfs.root, 'm.preflight.yml'), 'HEAD', [gitStore()]);
      assert.ok(same.ok, same.ok ? '' : same.reason);
      try {
        assert.deepEqual(same.copy.changedFiles, []);
        assert.equal(same.copy.configChanged, true);
        assert.equal(readFileSync(path.join(same.copy.root, 'data/train.csv'), 'utf8'), data);
      } finally {
        same.copy.dispose();
      }
      lfs.write({ 'data/train.csv': 'x,y\n9,9\n' });
      const differs = await readBaseCopy(path.join(lfs.root, 'm.preflight.yml'), 'HEAD', [gitStore()]);
      assert.ok(!differs.ok && differs.status === 'unavailable' && /data\/train\.csv is stored in Git LFS/.test(differs.reason), JSON.stringify(differs));
    } finally {
      lfs.dispose();
    }
  });

  it("follows a committed rename to the config's path at the base: a pure rename is unchanged, a renamed and edited config is compared", async () => {
    const moved = scratchRepo();
    try {
      const base = regressionConfig({ learningRate: 0.01 });
      moved.write({ 'old.preflight.yml': base, 'data/train.csv': 'x,y\n1,2\n' });
      moved.commit('base');
      moved.git('mv', 'old.preflight.yml', 'configs-new.preflight.yml');
      moved.commit('rename only');
      const store = gitStore();
      const reads: string[] = [];
      const counting = { ...store, locate: store.locate, read: (entry: Parameters<typeof store.read>[0]) => (reads.push(entry.path), store.read(entry)) };
      const pure = await readBaseCopy(path.join(moved.root, 'configs-new.preflight.yml'), 'HEAD~1', [counting]);
      assert.ok(pure.ok, pure.ok ? '' : pure.reason);
      try {
        assert.equal(pure.copy.renamedFrom, 'old.preflight.yml');
        assert.equal(pure.copy.configChanged, false, 'the same bytes under a new name');
        assert.deepEqual(pure.copy.changedFiles, []);
        assert.equal(pure.copy.configPath, path.join(pure.copy.root, 'old.preflight.yml'));
        assert.deepEqual(reads, [], "the renamed bytes equal the checkout's new file, so nothing is read from the store");
        assert.equal(readFileSync(pure.copy.configPath, 'utf8'), base);
      } finally {
        pure.copy.dispose();
      }
      // Git pairs a rename by similarity: one changed line of twenty still reads as the same file.
      moved.write({ 'configs-new.preflight.yml': base.replace('learning_rate: 0.01', 'learning_rate: 0.3') });
      moved.commit('edit');
      const edited = await readBaseCopy(path.join(moved.root, 'configs-new.preflight.yml'), 'HEAD~2', [gitStore()]);
      assert.ok(edited.ok, edited.ok ? '' : edited.reason);
      try {
        assert.equal(edited.copy.renamedFrom, 'old.preflight.yml');
        assert.equal(edited.copy.configChanged, true);
        assert.match(readFileSync(edited.copy.configPath, 'utf8'), /learning_rate: 0\.01/);
      } finally {
        edited.copy.dispose();
      }
      // An unrelated new config is still new: no rename pairs it with anything.
      moved.write({ 'fresh.preflight.yml': 'version: 1\nname: other\n' });
      moved.commit('a new config');
      const fresh = await readBaseCopy(path.join(moved.root, 'fresh.preflight.yml'), 'HEAD~3', [gitStore()]);
      assert.ok(!fresh.ok && fresh.status === 'new-config');
    } finally {
      moved.dispose();
    }
  });
});

describe('the base copy of a config with a TF.js model', () => {
  const repo = scratchRepo();
  after(() => repo.dispose());
  const manifest = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] });
  repo.write({
    'm/tfjs.preflight.yml': regressionConfig().replace(/model:[\s\S]*?training:/, 'model:\n  keras: web/model.json\ntraining:'),
    'm/data/train.csv': 'x,y\n1,2\n',
    'm/web/model.json': manifest,
    'm/web/group1-shard1of1.bin': Buffer.from([1, 2, 3, 4]),
  });
  repo.commit('base');

  it('holds the weight shards the model file lists, and names a shard that alone changed', async () => {
    repo.write({ 'm/web/group1-shard1of1.bin': Buffer.from([9, 9, 9, 9]) });
    repo.commit('new weights');
    const read = await readFromGit(path.join(repo.root, 'm/tfjs.preflight.yml'), 'HEAD~1');
    assert.ok(read.ok, !read.ok ? read.reason : '');
    try {
      assert.deepEqual([...readFileSync(path.join(read.copy.root, 'm/web/group1-shard1of1.bin'))], [1, 2, 3, 4], 'the base bytes');
      assert.ok(existsSync(path.join(read.copy.root, 'm/web/model.json')));
      assert.equal(read.copy.configChanged, false);
      assert.deepEqual(read.copy.changedFiles, ['m/web/group1-shard1of1.bin']);
    } finally {
      read.copy.dispose();
    }
  });
});
