// Issue 14's learning-rate example, reproduced: a ReLU regression on raw targets up to about 125 under SGD
// (data: scripts/make-lr-verdict-cases.mjs). At 0.001 it trains (slowly; the targets are unscaled) and no
// lower rate does better, so the rate is not called too high. At 0.1 the first updates kill the ReLUs and
// the loss stays at the target variance; the run at a lower rate avoids that, so the collapse is
// attributed to the rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOneConfig } from '../src/pipeline.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

async function findingsOf(name: string) {
  const root = path.join(here, 'lr-verdicts', name);
  const config = path.join(root, 'preflight.yml');
  const run = await runOneConfig(config, { root, configs: [config], smoke: true, backend: 'auto', failOn: 'error', timeBudgetS: 60 });
  return run.result.findings;
}

test('SGD 0.001 on raw targets is not called too high (no lower rate does better)', async () => {
  const findings = await findingsOf('raw-targets-sgd-0.001');
  assert.ok(!findings.some((f) => f.id === 'learning-rate-too-high'), findings.map((f) => `${f.id}: ${f.message}`).join('\n'));
  assert.ok(
    findings.some((f) => f.id === 'unscaled-targets'),
    'the real fault is still named',
  );
});

test('SGD 0.1 on raw targets: the collapse to a constant prediction is attributed to the rate', async () => {
  const findings = await findingsOf('raw-targets-sgd-0.1');
  const verdict = findings.find((f) => f.id === 'learning-rate-too-high');
  assert.ok(verdict, findings.map((f) => f.id).join(', '));
  assert.equal(verdict.severity, 'warning');
  const lower = verdict.evidence.lowerRate as { learningRate: number; final: number; mainFinal: number };
  assert.ok(lower.learningRate < 0.1 && lower.final < 0.7 * lower.mainFinal, JSON.stringify(lower));
  assert.equal(verdict.messageId, 'rate-too-high');
  const reasons = (verdict.messageData?.reasons ?? []) as { kind: string }[];
  assert.ok(
    reasons.some((r) => r.kind === 'collapsed'),
    JSON.stringify(reasons),
  );
});
