// Each config-change fix, applied to a labelled case: the variant changes what the fix says, builds,
// and no longer trips the check that asked for it (static checks on the variant's evidence).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runChecks } from '../../src/checks/run.ts';
import type { Finding } from '../../src/checks/types.ts';
import type { Evidence } from '../../src/evidence/types.ts';
import { checks } from '../../src/checks/index.ts';
import { fixVariantFor } from '../../src/fixes/transforms.ts';
import { variantEvidence } from '../../src/evidence/variant.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const CASES = SHARED_CASES_DIR;

async function staticRun(name: string): Promise<{ evidence: Evidence; findings: Finding[] }> {
  const config = `${CASES}/${name}/preflight.yml`;
  const run = await runOneConfig(config, { root: CASES, configs: [config], smoke: false, backend: 'cpu', failOn: 'error' });
  assert.ok(run.evidence, `${name} loads`);
  return { evidence: run.evidence, findings: run.result.findings };
}

const TABLE: { name: string; id: string; change: RegExp }[] = [
  { name: 'regression-raw-units', id: 'unscaled-inputs', change: /^preprocessing\.inputs: standardize$/ },
  { name: 'regression-raw-units', id: 'unscaled-targets', change: /^preprocessing\.targets: standardize$/ },
  { name: 'regression-constant-feature', id: 'constant-feature', change: /^drop the constant feature/ },
  { name: 'regression-zeros-init', id: 'constant-initialization', change: /kernel_initializer/ },
  { name: 'regression-sigmoid-output', id: 'target-out-of-activation-range', change: /\.activation: linear$/ },
  { name: 'binary-linear-bce', id: 'output-activation-mismatch', change: /\.activation: sigmoid$/ },
  { name: 'regression-batch-exceeds-data', id: 'batch-too-large', change: /^training\.batch_size: \d+$/ },
  { name: 'regression-lr-too-high', id: 'learning-rate-too-high', change: /^training\.learning_rate: 0\.1$/ },
  { name: 'regression-linear-stack', id: 'missing-hidden-activation', change: /activation: relu/ },
];

describe('fix transforms', () => {
  for (const row of TABLE) {
    it(`${row.id} on ${row.name}: the fixed variant no longer trips the check`, async () => {
      const { evidence, findings } = await staticRun(row.name);
      const finding = findings.find((f) => f.id === row.id);
      assert.ok(finding, `${row.name} reports ${row.id}; got ${findings.map((f) => f.id).join(', ')}`);
      const variant = fixVariantFor(evidence, finding);
      assert.ok(variant, 'a variant');
      assert.match(variant.change, row.change);
      const fixed = variantEvidence(evidence, variant.config, variant.splits);
      assert.ok(fixed, 'the variant builds');
      const again = runChecks(fixed).filter((f) => f.id === row.id);
      assert.deepEqual(
        again.map((f) => f.message),
        [],
        `${row.id} still fires on the variant`,
      );
      assert.notEqual(evidence.config, variant.config, 'the original config is not changed');
    });
  }

  it('covers every check whose meta carries a config fix with a labelled case', () => {
    const covered = new Set(TABLE.map((row) => row.id));
    const untested = checks.filter((check) => check.meta.fix && !covered.has(check.meta.id)).map((check) => check.meta.id);
    // Two ids share a transform with a tested one (same change, different trigger).
    assert.deepEqual(untested.sort(), ['feature-scale-spread', 'init-scale-mismatch', 'learning-rate-too-low']);
  });

  it('drops the constant column from the sample rows as well as from the feature list', async () => {
    const { evidence, findings } = await staticRun('regression-constant-feature');
    const variant = fixVariantFor(evidence, findings.find((f) => f.id === 'constant-feature')!)!;
    const before = evidence.data!.train.split;
    const after = variant.splits!.train;
    assert.equal(after.sample.featureShape[0], before.sample.featureShape[0] - 1);
    assert.equal(after.sample.x.length, before.sample.rows * after.sample.featureShape[0]);
    assert.deepEqual(variant.config.data.features, after.featureNames);
    // The kept columns keep their values, row by row.
    const kept = after.featureNames.map((name) => before.featureNames.indexOf(name));
    const width = before.sample.featureShape[0];
    for (let r = 0; r < 3; r++) {
      kept.forEach((c, j) => assert.equal(after.sample.x[r * kept.length + j], before.sample.x[r * width + c]));
    }
  });
});
