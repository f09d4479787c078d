// Seed confirmation with a stand-in runner: the second seed's trace is given, so both outcomes
// (reproduced and not) are tested without training.
import path from 'node:path';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { runChecks } from '../../src/checks/run.ts';
import type { Finding } from '../../src/checks/types.ts';
import { confirmOnSecondSeed } from '../../src/follow-ups/seed-confirmation.ts';
import { budgetFrom, type RunOutcome, type SmokeRequest } from '../../src/follow-ups/smoke-runs.ts';
import type { SmokeTrace } from '../../src/engine/types.ts';
import type { Evidence } from '../../src/evidence/types.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const CONFIG = path.join(SHARED_CASES_DIR, 'regression-clean/preflight.yml');

function trace(loss: number[], seed: number): SmokeTrace {
  return {
    backend: 'cpu',
    seed,
    steps: loss.length,
    plannedSteps: 20,
    seconds: 1,
    stepsPerSecond: 20,
    batchSize: 32,
    learningRate: 0.001,
    loss,
    valLoss: [],
    probeSteps: [],
    initialLoss: loss[0],
    layers: [],
    init: { layerNames: [], activationStd: [], gradNorm: [] },
    controls: { baseline: { kind: 'mean', loss: 1 } },
    skipped: [],
    ...(loss.some((v) => !Number.isFinite(v)) ? { firstNonFinite: { step: loss.findIndex((v) => !Number.isFinite(v)), where: 'loss' as const } } : {}),
  };
}

const falling = Array.from({ length: 20 }, (_, i) => 1 / (i + 1));
const diverging = [1, 5, 80, Number.NaN];

describe('confirmOnSecondSeed', () => {
  let evidence: Evidence;
  let findings: Finding[];
  before(async () => {
    const run = await runOneConfig(CONFIG, { root: SHARED_CASES_DIR, configs: [CONFIG], smoke: false, backend: 'cpu', failOn: 'error' });
    evidence = { ...run.evidence!, smoke: trace(diverging, 0) };
    findings = runChecks(evidence);
    assert.equal(findings.find((f) => f.id === 'non-finite-loss')?.severity, 'error', 'the fixture needs a smoke error');
  });
  const budget = () => budgetFrom('cpu', 60, 30);

  it('keeps an error the second seed reproduces, and records the seed', async () => {
    const asked: SmokeRequest[] = [];
    const run = async (requests: readonly SmokeRequest[]): Promise<RunOutcome[]> => {
      asked.push(...requests);
      return [{ ok: true, trace: trace(diverging, 1) }];
    };
    const confirmed = await confirmOnSecondSeed(evidence, findings, budget(), run);
    assert.deepEqual(
      asked.map((r) => [r.seed, r.steps, r.controls]),
      [[1, 20, true]],
    );
    const finding = confirmed.find((f) => f.id === 'non-finite-loss')!;
    assert.equal(finding.severity, 'error');
    assert.deepEqual(finding.evidence.seed_check, { seed: 1, reproduced: true, secondSeverity: 'error' });
  });

  it('downgrades an error the second seed does not show to a warning that says so', async () => {
    const run = async (): Promise<RunOutcome[]> => [{ ok: true, trace: trace(falling, 1) }];
    const confirmed = await confirmOnSecondSeed(evidence, findings, budget(), run);
    const finding = confirmed.find((f) => f.id === 'non-finite-loss')!;
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /Not confirmed on a second seed: with seed 1/);
    assert.equal((finding.evidence.seed_check as { reproduced: boolean }).reproduced, false);
    // Static findings are never rerun or changed.
    const statics = findings.filter((f) => f.id !== 'non-finite-loss' && f.severity !== 'error');
    for (const f of statics) assert.ok(confirmed.some((c) => c.id === f.id && c.severity === f.severity));
  });

  it('leaves an error pinned by a checks: override alone, and runs nothing without a smoke error', async () => {
    let runs = 0;
    const run = async (): Promise<RunOutcome[]> => {
      runs++;
      return [{ ok: true, trace: trace(falling, 1) }];
    };
    const pinned = { ...evidence, config: { ...evidence.config, checks: { 'non-finite-loss': 'error' as const } } };
    const kept = await confirmOnSecondSeed(pinned, findings, budget(), run);
    assert.equal(kept.find((f) => f.id === 'non-finite-loss')?.severity, 'error');
    const clean = { ...evidence, smoke: trace(falling, 0) };
    await confirmOnSecondSeed(clean, runChecks(clean), budget(), run);
    assert.equal(runs, 0);
  });
});
