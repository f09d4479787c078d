// Root causes are measured: a verified fix whose run no longer shows another finding makes that finding its
// symptom. The example: unscaled targets -> initial-loss-off and loss-not-decreasing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeRawRegressionSetup } from './raw-regression-setup.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import { renderJson } from '../../src/report/json.ts';
import { buildReport } from '../../src/report/build.ts';
import { causeLine } from '../../src/report/text.ts';

/** A regression whose targets sit near 5000 with a spread of about 1000, fed raw to an Adam MLP. */
function rawTargetsSetup(): { root: string; config: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'root-causes-'));
  const config = writeRawRegressionSetup(root, { seed: 3, inputs: (z) => z, digits: 4 });
  return { root, config };
}

test('unscaled targets are marked as the root cause of the findings their verified fix removes', async () => {
  const { root, config } = rawTargetsSetup();
  try {
    const run = await runOneConfig(config, { root, configs: [config], smoke: true, backend: 'auto', failOn: 'error', timeBudgetS: 60 });
    const findings = run.result.findings;
    const cause = findings.find((f) => f.id === 'unscaled-targets');
    assert.ok(cause, findings.map((f) => f.id).join(', '));
    assert.equal((cause.evidence.fix_check as { verified: boolean }).verified, true);
    const symptoms = findings
      .filter((f) => f.causedBy === 'unscaled-targets')
      .map((f) => f.id)
      .sort();
    assert.ok(symptoms.includes('loss-not-decreasing') || symptoms.includes('initial-loss-off'), `symptoms: ${symptoms.join(', ')}`);
    assert.deepEqual([...(cause.symptoms ?? [])].sort(), symptoms);
    // Control-run findings cannot be judged by a fix run (it has no controls) and are never marked.
    assert.ok(!findings.some((f) => f.causedBy !== undefined && ['input-independent', 'cannot-overfit-small-batch'].includes(f.id)));
    const json = JSON.parse(renderJson(buildReport([run.result], 'error', '0'))) as {
      results: { findings: { id: string; caused_by?: string; symptoms?: string[] }[] }[];
    };
    const jsonCause = json.results[0].findings.find((f) => f.id === 'unscaled-targets')!;
    assert.deepEqual([...jsonCause.symptoms!].sort(), symptoms);
    assert.ok(json.results[0].findings.some((f) => f.caused_by === 'unscaled-targets'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the text line names the link both ways', () => {
  const base = { title: 't', message: 'm', fix: 'f', file: 'x.yml', docs: 'd', evidence: {} } as const;
  assert.match(causeLine({ ...base, id: 'initial-loss-off', severity: 'warning', causedBy: 'unscaled-targets' }), /symptom of unscaled-targets/);
  assert.match(causeLine({ ...base, id: 'unscaled-targets', severity: 'warning', symptoms: ['initial-loss-off'] }), /root cause of initial-loss-off/);
  assert.equal(causeLine({ ...base, id: 'x', severity: 'notice' }), '');
});
