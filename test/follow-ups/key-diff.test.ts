import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { changedKeys, collapseLayerChanges, revertKey } from '../../src/follow-ups/key-diff.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { PreflightConfig } from '../../src/config/types.ts';
import { copyConfig } from '../../src/evidence/variant.ts';
import { regressionConfig } from './git-repo.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'preflight-keydiff-'));
let counter = 0;

async function load(text: string): Promise<PreflightConfig> {
  const file = path.join(scratch, `c${counter++}.preflight.yml`);
  writeFileSync(file, text);
  const loaded = await loadConfig(file, { root: scratch, displayPath: file });
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.problems));
  return loaded.config;
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('changedKeys', () => {
  it('lists the keys whose values differ, by their YAML key paths', async () => {
    const base = await load(regressionConfig({ learningRate: 0.01 }));
    const head = await load(regressionConfig({ learningRate: 3, optimizer: 'sgd' }).replace('units: 32', 'units: 8'));
    const changes = changedKeys(base, head);
    assert.deepEqual(changes.map((c) => [c.key, c.base, c.head]).sort(), [
      ['model.layers[0].units', '32', '8'],
      ['training.learning_rate', '0.01', '3'],
      ['training.optimizer', 'adam', 'sgd'],
    ]);
  });

  it('sees no change in spelling: an alias, or a default written out', async () => {
    const base = await load(regressionConfig());
    const head = await load(
      regressionConfig().replace('loss: mse', 'loss: mean_squared_error').replace('batch_size: 32', 'batch_size: 32\n  weight_decay: 0.0'),
    );
    assert.deepEqual(changedKeys(base, head), []);
  });

  it('collapses a different layer count into one model.layers change', async () => {
    const base = await load(regressionConfig());
    const head = await load(
      regressionConfig().replace('    - {type: dense, units: 1', '    - {type: dense, units: 16, activation: relu}\n    - {type: dense, units: 1'),
    );
    const changes = collapseLayerChanges(changedKeys(base, head));
    assert.deepEqual(changes, [{ key: 'model.layers', base: '2 layers', head: '3 layers' }]);
  });
});

describe('revertKey', () => {
  it('sets one key back to its base value and leaves the rest of the head', async () => {
    const base = await load(regressionConfig({ learningRate: 0.01 }));
    const head = await load(regressionConfig({ learningRate: 3, inputs: 'none' }));
    const reverted = copyConfig(head);
    assert.equal(revertKey(reverted, base, 'training.learning_rate'), true);
    assert.equal(reverted.training.learning_rate, 0.01);
    assert.equal(reverted.preprocessing.inputs, 'none');
    assert.equal(head.training.learning_rate, 3, 'the head itself is untouched');
  });

  it('refuses structural and data keys', async () => {
    const config = await load(regressionConfig());
    assert.equal(revertKey(copyConfig(config), config, 'model.layers'), false);
    assert.equal(revertKey(copyConfig(config), config, 'data.train'), false);
    assert.equal(revertKey(copyConfig(config), config, 'no.such.key'), false);
  });
});
