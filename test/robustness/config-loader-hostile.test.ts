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

/** A config whose hidden layers all take their type from `&t`, a string of `chars` characters. */
function aliasedLayerTypes(chars: number, aliases: number): string {
  return [
    'version: 1',
    `x-type: &t ${'x'.repeat(chars)}`,
    'data: {train: data/train.csv, targets: [y]}',
    'model:',
    '  layers:',
    ...Array.from({ length: aliases }, () => '    - {type: *t, units: 4}'),
    '    - {type: dense, units: 1, activation: sigmoid}',
    'training: {loss: binary_crossentropy, optimizer: adam}',
    '',
  ].join('\n');
}

test('one long string reused through aliases is refused by its expanded size, at the alias that crosses the limit', async () => {
  // 200 KB x 20 aliases = 4 MB expanded from a 200 KB file: within the 100-alias limit, far past the size bound
  const file = path.join(root, 'aliased.preflight.yml');
  writeFileSync(file, aliasedLayerTypes(200_000, 20));
  const result = await loadConfig(file, { root, displayPath: 'aliased.preflight.yml' });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problems.length, 1);
  const [problem] = result.problems;
  assert.match(problem.message, /aliases expand it to more than 2097152 characters/);
  // the anchor and 10 aliases (11 x 200,000 characters) pass 2 MiB: the 10th alias, on line 5 + 10
  assert.equal(problem.line, 15);
  assert.ok(JSON.stringify(result.problems).length < 1000);
});

test('a long unknown value is quoted by a short prefix, with no "did you mean" search over it', async () => {
  const file = path.join(root, 'long-type.preflight.yml');
  writeFileSync(file, aliasedLayerTypes(300_000, 3));
  const result = await loadConfig(file, { root, displayPath: 'long-type.preflight.yml' });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problems.length, 3);
  for (const problem of result.problems) {
    assert.match(problem.message, /^unknown layer type `x{80}\.\.\. \(299920 more characters\)`; (allowed types|the allowed types are listed)/);
    assert.doesNotMatch(problem.message, /did you mean/);
    assert.ok(problem.message.length < 1000 && (problem.received ?? '').length < 200, `message of ${problem.message.length} characters`);
  }
});
