import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discover, discoverConfigs, globListMatcher, isConfigPath } from '../src/discover.ts';

test('globs: ** crosses folders, * does not, braces alternate', () => {
  const matches = globListMatcher(['**/*.preflight.y*ml']);
  for (const ok of ['a.preflight.yml', 'x/y/a.preflight.yaml', '.hidden/a.preflight.yml']) assert.ok(matches(ok), ok);
  for (const bad of ['a.preflight.json', 'a.yml', 'x/preflight.yml']) assert.ok(!matches(bad), bad);
  const only = globListMatcher(['models/*.{yml,yaml}']);
  assert.ok(only('models/a.yml'));
  assert.ok(only('models/a.yaml'));
  assert.ok(!only('models/sub/a.yml'));
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

/** A scratch repository: `files` maps repo paths to contents (a path ending in / is an empty folder). */
function scratchRepo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-discover-'));
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(root, rel);
    if (rel.endsWith('/')) mkdirSync(full, { recursive: true });
    else {
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
  }
  return root;
}

test('discovery honours .gitignore, nested ones and their ! re-includes, and .git/info/exclude', () => {
  const root = scratchRepo({
    '.gitignore': 'scratch/\n*.tmp.preflight.yml\n',
    '.git/info/exclude': 'local/\n',
    'a.preflight.yml': '',
    'b.tmp.preflight.yml': '',
    'scratch/c.preflight.yml': '',
    'local/d.preflight.yml': '',
    'models/.gitignore': 'old/\n!keep.tmp.preflight.yml\n',
    'models/keep.tmp.preflight.yml': '',
    'models/old/e.preflight.yml': '',
    'models/new/f.preflight.yml': '',
    // a sibling folder's .gitignore says nothing about this one
    'other/.gitignore': 'g.preflight.yml\n',
    'third/g.preflight.yml': '',
  });
  assert.deepEqual(discover(root).configs, ['a.preflight.yml', 'models/keep.tmp.preflight.yml', 'models/new/f.preflight.yml', 'third/g.preflight.yml']);
});

test('discovery below the repository root follows the .gitignore files above the searched folder', () => {
  const root = scratchRepo({ '.gitignore': 'drafts/\n', 'exp/drafts/a.preflight.yml': '', 'exp/b.preflight.yml': '' });
  assert.deepEqual(discover(path.join(root, 'exp'), { repoRoot: root }).configs, ['b.preflight.yml']);
  // without the repository root only the folder's own rules apply
  assert.deepEqual(discover(path.join(root, 'exp')).configs, ['b.preflight.yml', 'drafts/a.preflight.yml']);
});

test('discovery skips virtual environments under any name, caches and dependency folders', () => {
  const root = scratchRepo({
    'ok.preflight.yml': '',
    '.venv/lib/python3.12/site-packages/pkg/x.preflight.yml': '',
    'venv/y.preflight.yml': '',
    'env311/pyvenv.cfg': 'home = /usr/bin\n',
    'env311/lib/z.preflight.yml': '',
    'conda/conda-meta/': '',
    'conda/w.preflight.yml': '',
    'src/__pycache__/v.preflight.yml': '',
    '.tox/py312/u.preflight.yml': '',
    'lib/site-packages/t.preflight.yml': '',
    'node_modules/pkg/s.preflight.yml': '',
  });
  assert.deepEqual(discover(root).configs, ['ok.preflight.yml']);
});

test('config globs take ! negations in order, and a list opening with one starts from every config', () => {
  const root = scratchRepo({ 'a/x.preflight.yml': '', 'a/legacy/y.preflight.yml': '', 'b/z.preflight.yml': '', 'b/keep/k.preflight.yml': '' });
  assert.deepEqual(discover(root, { patterns: ['**/*.preflight.yml', '!**/legacy/**'] }).configs, [
    'a/x.preflight.yml',
    'b/keep/k.preflight.yml',
    'b/z.preflight.yml',
  ]);
  assert.deepEqual(discover(root, { patterns: ['!b/**'] }).configs, ['a/legacy/y.preflight.yml', 'a/x.preflight.yml']);
  assert.deepEqual(discover(root, { patterns: ['!b/**', 'b/keep/*.preflight.yml'] }).configs, [
    'a/legacy/y.preflight.yml',
    'a/x.preflight.yml',
    'b/keep/k.preflight.yml',
  ]);
  const matches = globListMatcher(['models/**', '!models/old/**', 'models/old/keep.yml']);
  assert.deepEqual(['models/a.yml', 'models/old/b.yml', 'models/old/keep.yml', 'other.yml'].map(matches), [true, false, true, false]);
});

test('the settings ignore globs are repository paths, with ! bringing files back', () => {
  const root = scratchRepo({ 'exp/a.preflight.yml': '', 'exp/keep/b.preflight.yml': '', 'c.preflight.yml': '', 'sub/exp/d.preflight.yml': '' });
  assert.deepEqual(discover(root, { ignore: ['exp/**'] }).configs, ['c.preflight.yml', 'sub/exp/d.preflight.yml']);
  assert.deepEqual(discover(root, { ignore: ['exp/**', '!exp/keep/**'] }).configs, ['c.preflight.yml', 'exp/keep/b.preflight.yml', 'sub/exp/d.preflight.yml']);
  // relative to the repository root even when the search starts below it
  assert.deepEqual(discover(path.join(root, 'sub'), { repoRoot: root, ignore: ['exp/**'] }).configs, ['exp/d.preflight.yml']);
});

test('discovery says when it stops at its entry limit instead of stopping silently', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`f${String(i).padStart(2, '0')}.preflight.yml`] = '';
  const root = scratchRepo(files);
  const cut = discover(root, { maxEntries: 10 });
  assert.deepEqual(cut.stopped, { entries: 10, limit: 10 });
  assert.equal(cut.configs.length, 10);
  const whole = discover(root, { maxEntries: 30 });
  assert.equal(whole.stopped, undefined);
  assert.equal(whole.configs.length, 30);
});

test('hostile .gitignore files: huge, binary, a link out of the repository or a folder are read safely or not at all', () => {
  const outside = scratchRepo({ '.gitignore': '*\n' });
  const root = scratchRepo({
    'a/.gitignore': `${'x'.repeat(300 * 1024)}\nz.preflight.yml\n`,
    'a/z.preflight.yml': '',
    'a/y.preflight.yml': '',
    'b/.gitignore': '\u0000\uFFFF[[[\\\n!\n**/**/**/**/**/**\n',
    'b/w.preflight.yml': '',
    'c/.gitignore/': '',
    'c/v.preflight.yml': '',
    'd/u.preflight.yml': '',
  });
  symlinkSync(path.join(outside, '.gitignore'), path.join(root, 'd/.gitignore'));
  const found = discover(root).configs;
  // beyond its first 256 KiB a .gitignore is not read: the z rule sits past it
  assert.ok(found.includes('a/z.preflight.yml') && found.includes('a/y.preflight.yml'), found.join());
  assert.ok(found.includes('c/v.preflight.yml'));
  assert.ok(found.includes('d/u.preflight.yml'), 'a linked .gitignore is not followed');
});

test('each .gitignore speaks for its own folder only, however many there are', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) {
    files[`f${i}/a.preflight.yml`] = '';
    if (i % 3 !== 0) files[`f${i}/.gitignore`] = i % 3 === 1 ? 'a.preflight.yml\n' : '/other\n';
  }
  const found = discover(scratchRepo(files)).configs;
  assert.equal(found.length, 200);
  assert.ok(found.every((rel) => Number(rel.slice(1, rel.indexOf('/'))) % 3 !== 1));
});
