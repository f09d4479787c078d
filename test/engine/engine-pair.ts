// The compiled training step against its reference, the TF.js step: one seeded run on each, compared
// step by step. Shared by the compiled-step tests of dense, convolutional and recurrent models.
import assert from 'node:assert/strict';
import { trainFresh, type RunContext } from '../../src/engine/session.ts';
import type { TrainResult } from '../../src/engine/train.ts';

/** The largest |a - b| / max(|b|, floor) over two series of one length; NaN on both sides counts as equal. */
export function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-6): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  }
  return worst;
}

/** The same run on both engines: [TF.js, compiled]. */
export function runBoth(ctx: RunContext, steps: number, probeEvery = 5): [TrainResult, TrainResult] {
  const options = { steps, deadline: Number.POSITIVE_INFINITY, probeEvery, withValidation: true };
  const reference = trainFresh({ ...ctx, engine: 'tfjs' }, options);
  const compiled = trainFresh({ ...ctx, engine: 'compiled' }, options);
  assert.equal(reference.engine, 'tfjs');
  assert.equal(compiled.engine, 'compiled');
  return [reference, compiled];
}

/** Same steps, losses within `tolerance` (relative), same probe steps and probes close, same activation health. */
export function assertSameRun(reference: TrainResult, compiled: TrainResult, tolerance: number): void {
  assert.equal(compiled.stepsRun, reference.stepsRun);
  assert.deepEqual(compiled.firstNonFinite, reference.firstNonFinite);
  assert.ok(worstRelative(compiled.loss, reference.loss) < tolerance, `loss curve: ${worstRelative(compiled.loss, reference.loss)} (tolerance ${tolerance})`);
  assert.ok(worstRelative(compiled.valLoss, reference.valLoss) < tolerance, `validation loss: ${worstRelative(compiled.valLoss, reference.valLoss)}`);
  assert.deepEqual(compiled.probeSteps, reference.probeSteps);
  assert.equal(compiled.kernels.length, reference.kernels.length);
  compiled.kernels.forEach((k, i) => {
    const r = reference.kernels[i];
    assert.equal(k.specIndex, r.specIndex);
    // Gradient norms and update ratios: 1e-3 relative (float32 sums in another order, over several steps).
    assert.ok(worstRelative(k.gradNorm, r.gradNorm, 1e-7) < 1e-3, `gradNorm of kernel ${i}: ${worstRelative(k.gradNorm, r.gradNorm, 1e-7)}`);
    assert.ok(worstRelative(k.gradMeanAbs, r.gradMeanAbs, 1e-7) < 1e-3, `gradMeanAbs of kernel ${i}`);
    assert.ok(worstRelative(k.updateRatio, r.updateRatio, 1e-7) < 1e-3, `updateRatio of kernel ${i}: ${worstRelative(k.updateRatio, r.updateRatio, 1e-7)}`);
  });
  assert.deepEqual(compiled.activations, reference.activations);
}
