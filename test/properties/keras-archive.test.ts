// Properties of the .keras loader: whatever bytes a pull request puts in a `.keras` archive (here: the
// synthesized tiny.keras with bytes overwritten anywhere, in the zip structure or inside the HDF5
// weights), loading returns a config or a config-error at the `keras:` line, and never throws.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/load.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-prop-keras-'));
after(() => rmSync(root, { recursive: true, force: true }));
const tiny = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/keras/tiny.keras'));
writeFileSync(path.join(root, 'c.preflight.yml'), 'version: 1\ndata:\n  train: train.csv\n  targets: [y]\nmodel:\n  keras: model.keras\n');
/** where model.weights.h5 starts and ends inside the archive (it is stored, so its bytes are raw HDF5) */
const h5Start = tiny.indexOf(Buffer.from([0x89, 0x48, 0x44, 0x46]));

async function loadMutated(edits: { at: number; value: number }[], truncateTo?: number): Promise<void> {
  const bytes = Buffer.from(tiny);
  for (const { at, value } of edits) bytes[at % bytes.length] = value;
  writeFileSync(path.join(root, 'model.keras'), truncateTo === undefined ? bytes : bytes.subarray(0, truncateTo % bytes.length));
  const result = await loadConfig(path.join(root, 'c.preflight.yml'), { root, displayPath: 'c.preflight.yml' });
  if (!result.ok) {
    for (const problem of result.problems) {
      assert.ok(problem.message.length > 0);
      assert.ok(problem.key === 'model.keras' || problem.key?.startsWith('training') || problem.key?.startsWith('model'), `${problem.key}: ${problem.message}`);
    }
  }
}

test('the fixture holds its HDF5 weights uncompressed', () => assert.ok(h5Start > 0));

test('bytes overwritten anywhere in a .keras archive end in a config or a config problem', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }), (edits) =>
      loadMutated(edits),
    ),
    { numRuns: 150, seed: 13 },
  );
});

test('bytes overwritten inside the HDF5 weights end in a config or a config problem', async () => {
  const span = tiny.length - 22 - h5Start;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ at: fc.nat({ max: span - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 16 }),
      (edits) => loadMutated(edits.map((e) => ({ at: h5Start + e.at, value: e.value }))),
    ),
    { numRuns: 300, seed: 17 },
  );
});

test('a .keras archive cut anywhere ends in a config problem', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat(), (cut) => loadMutated([], cut)),
    { numRuns: 60, seed: 19 },
  );
});
