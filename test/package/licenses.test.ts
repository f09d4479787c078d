// dist/ ships other people's code: every bundled package's notice must ship with it (dist/licenses.txt,
// written by the build), and the project's own license must be the one package.json declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDirOf } from '../../scripts/licenses.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const notices = readFileSync(path.join(ROOT, 'dist/licenses.txt'), 'utf8');

/** name@version of each package whose files esbuild put into a bundle, from its `// node_modules/...` path comments. */
function bundledPackages(): Set<string> {
  const found = new Set<string>();
  for (const file of readdirSync(path.join(ROOT, 'dist')).filter((f) => f.endsWith('.js'))) {
    for (const match of readFileSync(path.join(ROOT, 'dist', file), 'utf8').matchAll(/^\/\/ (node_modules\/\S+)$/gm)) {
      const dir = packageDirOf(match[1]);
      if (!dir) continue;
      const pkg = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string };
      found.add(`${pkg.name}@${pkg.version}`);
    }
  }
  return found;
}

test('dist/licenses.txt has a section for every package inside the bundles', () => {
  const bundled = bundledPackages();
  assert.ok(bundled.size > 50, `only ${bundled.size} bundled packages found`);
  const missing = [...bundled].filter((key) => !notices.includes(`\n${key} (license: `));
  assert.deepEqual(missing, []);
});

test("TensorFlow.js ships no license file, so its Apache-2.0 text and Google's copyright are written out", () => {
  const section = notices.split('-'.repeat(78)).find((s) => s.trimStart().startsWith('@tensorflow/tfjs-core@'));
  assert.ok(section, 'no @tensorflow/tfjs-core section');
  assert.match(section, /license: Apache-2\.0/);
  assert.match(section, /Copyright \d{4} Google LLC/);
  assert.match(section, /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/);
});

test('every section carries a license text, not just a name', () => {
  const sections = notices.split('-'.repeat(78)).slice(1);
  const bare = sections.filter((s) => s.trim().split('\n').length < 4).map((s) => s.trim().split('\n')[0]);
  assert.deepEqual(bare, []);
});

test('LICENSE is the MIT license package.json declares', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { license: string };
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) \d{4} /);
});
