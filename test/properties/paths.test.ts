// Whatever path a config names, resolving it either refuses it or lands inside the repository, after
// every symlink is followed; absolute paths are always refused.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { isInside, resolveInsideRoot } from '../../src/data/paths.ts';

// outside/ holds the repository repo/ and a secret beside it; links inside repo/ point both ways.
const outside = mkdtempSync(path.join(tmpdir(), 'nnp-prop-paths-'));
after(() => rmSync(outside, { recursive: true, force: true }));
const root = path.join(outside, 'repo');
mkdirSync(path.join(root, 'a/b'), { recursive: true });
writeFileSync(path.join(outside, 'secret.csv'), 'x\n1\n');
writeFileSync(path.join(root, 'a/data.csv'), 'x\n1\n');
symlinkSync(outside, path.join(root, 'a/up'));
symlinkSync(path.join(outside, 'secret.csv'), path.join(root, 'a/b/secret-link.csv'));
symlinkSync(path.join(root, 'a'), path.join(root, 'a/b/loop'));
symlinkSync('../..', path.join(root, 'a/b/relative-up'));
symlinkSync('/etc', path.join(root, 'etc'));
const realRoot = realpathSync(root);

const SEGMENTS = [
  '..',
  '.',
  '',
  'a',
  'b',
  'up',
  'loop',
  'relative-up',
  'etc',
  'repo',
  'data.csv',
  'secret.csv',
  'secret-link.csv',
  'passwd',
  '...',
  '..\\..',
  '%2e%2e',
];
const relativePath = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('/'));
const baseDir = fc.constantFrom(root, path.join(root, 'a'), path.join(root, 'a/b'));

test('a resolved path is inside the repository after following symlinks', () => {
  fc.assert(
    fc.property(baseDir, relativePath, (base, relative) => {
      const resolved = resolveInsideRoot(root, base, relative);
      if (!resolved.ok) {
        assert.ok(resolved.reason.length > 0);
        return;
      }
      assert.ok(isInside(realRoot, realpathSync(resolved.absolute)), `${relative} from ${base} -> ${resolved.absolute}`);
    }),
    { numRuns: 2000 },
  );
});

test('absolute paths are always refused', () => {
  fc.assert(
    fc.property(baseDir, relativePath, (base, relative) => {
      const resolved = resolveInsideRoot(root, base, `/${relative}`);
      assert.equal(resolved.ok, false);
    }),
    { numRuns: 300 },
  );
});

test('the escapes this property is about do exist in the fixture', () => {
  assert.equal(resolveInsideRoot(root, path.join(root, 'a'), 'up/secret.csv').ok, false);
  assert.equal(resolveInsideRoot(root, path.join(root, 'a/b'), 'secret-link.csv').ok, false);
  assert.equal(resolveInsideRoot(root, root, 'etc/passwd').ok, false);
  assert.equal(resolveInsideRoot(root, path.join(root, 'a/b'), 'loop/data.csv').ok, true);
});
