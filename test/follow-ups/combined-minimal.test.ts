// A verified combined fix is reduced to the smallest set of changes that still passes the verified bar.
// Raw inputs (around 1000-4000) and raw targets (around 5000) need both scalings; the third suggested
// change (he_normal on the first layer) is not needed once they are in, so it is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeRawRegressionSetup } from './raw-regression-setup.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import type { CombinedFixCheck } from '../../src/follow-ups/verify.ts';

test('the combined fix keeps only the changes it needs', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'combined-'));
  try {
    const config = writeRawRegressionSetup(root, { seed: 5, inputs: (z) => z.map((v, i) => 1000 * (i + 1) + 300 * v), digits: 3 });
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
