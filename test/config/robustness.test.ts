// Bad input is normal: whatever a pull request puts in a config or model file, the loader answers with
// data, never an exception.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseKerasModel } from '../../src/config/keras.ts';
import { loadConfig } from '../../src/config/load.ts';
import { summarizeModel } from '../../src/model/summarize.ts';

const root = mkdtempSync(path.join(tmpdir(), 'preflight-fuzz-'));
after(() => rmSync(root, { recursive: true, force: true }));

const yamlish = fc.stringMatching(/^[a-z_:\-\[\]{}&*!|>'"#\n ,.0-9]{0,120}$/);

describe('robustness', () => {
  it('loadConfig answers every text with ok or problems', async () => {
    const file = path.join(root, 'fuzz.preflight.yml');
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => {
        writeFileSync(file, `version: 1\n${text}`);
        const result = await loadConfig(file, { root, displayPath: 'fuzz.preflight.yml' });
        if (!result.ok) {
          assert.ok(result.problems.length > 0);
          for (const p of result.problems) assert.equal(typeof p.message, 'string');
        }
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('parseKerasModel answers every JSON value with a model or problems, and its models can be summarized', () => {
    const layer = fc.record({
      class_name: fc.constantFrom('Dense', 'Conv2D', 'LSTM', 'InputLayer', 'Lambda', 'Reshape', 'Unknown', 'LeakyReLU'),
      config: fc.dictionary(
        fc.constantFrom('units', 'kernel_size', 'activation', 'batch_input_shape', 'kernel_initializer', 'name', 'target_shape'),
        fc.jsonValue(),
      ),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ class_name: fc.constantFrom('Sequential', 'Functional'), config: fc.record({ layers: fc.array(layer, { maxLength: 6 }) }) }),
        ),
        (json) => {
          const result = parseKerasModel(json, 'm.json');
          if (result.ok) {
            const summary = summarizeModel(result.model, result.model.input_shape ?? [4, 4, 2]);
            assert.equal(summary.layers.length, result.model.layers.length);
          } else assert.ok(result.problems.length > 0);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});
