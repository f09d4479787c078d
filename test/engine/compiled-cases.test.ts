// Every shared case the compiled step takes, trained on both engines through the real config and data
// loaders: the smoke loss curves must agree over the first 60 steps (rel 1e-4 per step; the probes as
// in compiled-step.test.ts). Cases it does not take must say why and run on TF.js.
// keras-logits-with-crossentropy feeds unbounded outputs to a probability crossentropy, which divides
// by their row sum (near zero at times): float32 rounding differences grow there, so its bar is 5%
// on the final loss (the checks read the curve's trend, not its last digits).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runOneConfig } from '../../src/pipeline.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { makeLoss } from '../../src/engine/losses.ts';
import { makeContext } from '../../src/engine/smoke.ts';
import { trainFresh, type RunContext } from '../../src/engine/session.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';

const STEPS = 60;
const CHAOTIC = new Set(['keras-logits-with-crossentropy']);
const EXPECTED_TFJS = new Map([['multiclass-softmax-mse', /broadcast/]]);

before(async () => {
  await initBackend('wasm');
});

async function contextOf(name: string): Promise<RunContext | undefined> {
  const config = path.join(SHARED_CASES_DIR, name, 'preflight.yml');
  const run = await runOneConfig(config, { root: path.dirname(config), configs: [config], smoke: false, backend: 'wasm', failOn: 'never' });
  if (!run.evidence?.data) return undefined;
  const prepared = smokeInputOf(run.evidence).data;
  if (!prepared.ok) return undefined;
  const loss = makeLoss(run.evidence.config.training.loss, run.evidence.config.training.from_logits);
  if (!loss) return undefined;
  return makeContext(smokeInputOf(run.evidence), prepared.data, loss, run.evidence.config.smoke.seed);
}

describe('shared cases: compiled step against TF.js', () => {
  const cases = readdirSync(SHARED_CASES_DIR).filter((name) => existsSync(path.join(SHARED_CASES_DIR, name, 'preflight.yml')));
  for (const name of cases) {
    it(name, async () => {
      const ctx = await contextOf(name);
      if (!ctx) {
        // Nothing to compare: then the real check must not smoke-train this case either (a config or data error by design).
        const config = path.join(SHARED_CASES_DIR, name, 'preflight.yml');
        const run = await runOneConfig(config, { root: path.dirname(config), configs: [config], smoke: true, backend: 'wasm', failOn: 'never' });
        assert.equal(run.evidence?.smoke?.steps ?? 0, 0, `${name}: no context for the engines, yet the check smoke-trained it`);
        assert.ok(
          run.result.findings.some((f) => f.severity === 'error'),
          `${name}: not smoke-trained without an error saying why`,
        );
        return;
      }
      const options = { steps: STEPS, deadline: Number.POSITIVE_INFINITY, probeEvery: 10, withValidation: true };
      const auto = trainFresh(ctx, { ...options, steps: 1, probeEvery: 0 });
      const expectedReason = EXPECTED_TFJS.get(name);
      if (expectedReason) {
        assert.equal(auto.engine, 'tfjs');
        assert.match(auto.engineReason ?? '', expectedReason);
        return;
      }
      assert.equal(auto.engine, 'compiled', auto.engineReason);
      const reference = trainFresh({ ...ctx, engine: 'tfjs' }, options);
      const compiled = trainFresh({ ...ctx, engine: 'compiled' }, options);
      assert.equal(compiled.stepsRun, reference.stepsRun);
      assert.deepEqual(compiled.firstNonFinite, reference.firstNonFinite);
      assert.deepEqual(compiled.probeSteps, reference.probeSteps);
      if (CHAOTIC.has(name)) {
        const [a, b] = [compiled.loss.at(-1)!, reference.loss.at(-1)!];
        assert.ok(Math.abs(a - b) / Math.abs(b) < 0.05, `final loss ${a} vs ${b}`);
        return;
      }
      compiled.loss.forEach((loss, step) => {
        const expected = reference.loss[step];
        if (!Number.isFinite(expected)) return assert.equal(loss, expected);
        assert.ok(Math.abs(loss - expected) / Math.max(Math.abs(expected), 1e-6) < 1e-4, `step ${step}: ${loss} vs ${expected}`);
      });
      assert.deepEqual(compiled.activations, reference.activations);
    });
  }
});
