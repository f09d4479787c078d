// A verified combined fix is reduced to the smallest set of changes that still passes the verified bar.
// Raw inputs (around 1000-4000) and raw targets (around 5000) need both scalings; the third suggested
// change (he_normal on the first layer) is not needed once they are in, so it is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 } from '../../src/data/reservoir.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import type { CombinedFixCheck } from '../../src/follow-ups/verify.ts';

test('the combined fix keeps only the changes it needs', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'combined-'));
  try {
    mkdirSync(path.join(root, 'data'));
    const next = mulberry32(5);
    const rows = ['x0,x1,x2,x3,y'];
    for (let r = 0; r < 300; r++) {
      const z = [next(), next(), next(), next()].map((v) => v * 2 - 1);
      rows.push([...z.map((v, i) => 1000 * (i + 1) + 300 * v), 5000 + 1000 * (z[0] - z[1] + 0.5 * z[2] * z[3])].map((v) => v.toFixed(3)).join(','));
    }
    writeFileSync(path.join(root, 'data', 'train.csv'), rows.join('\n') + '\n');
    const config = path.join(root, 'raw.preflight.yml');
    writeFileSync(
      config,
      [
        'version: 1',
        'data:',
        '  train: data/train.csv',
        '  targets: [y]',
        'preprocessing: {inputs: none, targets: none}',
        'model:',
        '  layers:',
        '    - {type: dense, units: 32, activation: relu}',
        '    - {type: dense, units: 1}',
        'training: {loss: mse, optimizer: adam, learning_rate: 0.001, batch_size: 32}',
        '',
      ].join('\n'),
    );
    const run = await runOneConfig(config, { root, configs: [config], smoke: true, backend: 'auto', failOn: 'error', timeBudgetS: 60 });
    const combined = run.result.findings
      .map((f) => (f.evidence.fix_check as { combined?: CombinedFixCheck } | undefined)?.combined)
      .find((c) => c !== undefined);
    assert.ok(combined, run.result.findings.map((f) => f.id).join(', '));
    assert.equal(combined.verified, true);
    assert.ok(combined.minimal, JSON.stringify(combined));
    assert.ok(combined.minimal.length < combined.changes.length, JSON.stringify(combined));
    assert.ok(combined.minimal.every((change) => combined.changes.includes(change)));
    assert.ok(combined.minimal.includes('preprocessing.targets: standardize'), JSON.stringify(combined.minimal));
    const withText = run.result.findings.find((f) => f.fix.includes('The smallest set that still passes'));
    assert.ok(withText, 'the fix text names the smallest set');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
