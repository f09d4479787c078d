// The config loader's own defences, without the built CLI: a config that links out of the repository
// is refused before it is read, and block nesting too deep for the YAML parser is refused by a scan
// that names the deepest line.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.ts';

const outside = mkdtempSync(path.join(tmpdir(), 'nnp-hostile-config-'));
after(() => rmSync(outside, { recursive: true, force: true }));
const root = path.join(outside, 'repo');
mkdirSync(path.join(root, 'models'), { recursive: true });
const SECRET = 'ghp_not_for_the_report';
writeFileSync(path.join(outside, 'credentials.yml'), `version: ${SECRET}\n${SECRET}: 1\n`);

test('a config that is a symlink to a file outside the repository is refused without reading it', async () => {
  const link = path.join(root, 'models/evil.preflight.yml');
  symlinkSync(path.join(outside, 'credentials.yml'), link);
  const result = await loadConfig(link, { root, displayPath: 'models/evil.preflight.yml' });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.problems[0].message, /symbolic link that leaves the repository/);
  assert.equal(JSON.stringify(result).includes(SECRET), false);
});

test('a config in a folder that links outside the repository is refused too', async () => {
  symlinkSync(outside, path.join(root, 'linked'));
  const result = await loadConfig(path.join(root, 'linked/credentials.yml'), { root, displayPath: 'linked/credentials.yml' });
  assert.equal(result.ok, false);
  assert.equal(JSON.stringify(result).includes(SECRET), false);
});

test('a config the user names outside the repository is still read (their own choice, not a pull request link)', async () => {
  const result = await loadConfig(path.join(outside, 'credentials.yml'), { root, displayPath: '../credentials.yml' });
  assert.equal(result.ok, false);
  if (!result.ok) assert.doesNotMatch(result.problems[0].message, /leaves the repository/);
});

for (const [name, text, line] of [
  ['10,000 compact block sequences', `version: 1\nx-deep:\n  ${'- '.repeat(10_000)}x\n`, 3],
  ['1,000 levels of indented mappings', `version: 1\nx-deep:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} v\n`, 1002],
] as const) {
  test(`block nesting too deep for the parser is refused by the scan: ${name}`, async () => {
    const file = path.join(root, `deep-${line}.preflight.yml`);
    writeFileSync(file, text);
    const started = performance.now();
    const result = await loadConfig(file, { root, displayPath: path.basename(file) });
    assert.ok(performance.now() - started < 2000);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.problems[0].message, /nests too deep/);
    assert.equal(result.problems[0].line, line);
  });
}
