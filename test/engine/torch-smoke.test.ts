// The smoke run of PyTorch setups: NLLLoss on a LogSoftmax output starts at ln C with a baseline of the
// class prior's entropy, and a torch.optim optimizer trains the model.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSmoke } from '../../src/engine/smoke.ts';
import { dense, makeEvidence, makeTable } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { configSmokeOptions } from './fixtures.ts';

function pytorch(evidence: ReturnType<typeof makeEvidence>, torchLoss: string, optimizer: { name: string; args: Record<string, number | boolean> }) {
  evidence.config.training = { ...evidence.config.training, framework: 'pytorch', torch_loss: torchLoss, optimizer: { ...optimizer, framework: 'pytorch' } };
  return evidence;
}

describe('smoke run under framework pytorch', () => {
  it("NLLLoss with LogSoftmax: starts near ln C, the baseline is the prior's entropy, and SGD with momentum lowers the loss", async () => {
    const table = makeTable({ rows: 300, features: 4, task: 'multiclass', classes: 3 });
    const evidence = pytorch(
      makeEvidence({ ...table, task: 'multiclass', layers: [dense(16, 'relu'), dense(3, 'log_softmax')], loss: 'nll_loss', steps: 60, learningRate: 0.1 }),
      'NLLLoss',
      { name: 'SGD', args: { momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false } },
    );
    const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    assert.deepEqual(trace.skipped, []);
    assert.ok(Math.abs(trace.expectedInitialLoss! - Math.log(3)) < 1e-9);
    assert.ok(Math.abs(trace.initialLoss - Math.log(3)) < 0.4, `initial loss ${trace.initialLoss}`);
    const counts = [0, 1, 2].map((c) => table.y.filter((y) => y === c).length / table.y.length);
    const entropy = -counts.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
    assert.ok(Math.abs(trace.controls.baseline.loss - entropy) < 1e-4, `baseline ${trace.controls.baseline.loss} vs entropy ${entropy}`);
    const tail = trace.loss.slice(-10).reduce((a, b) => a + b, 0) / 10;
    assert.ok(tail < 0.8 * trace.initialLoss, `loss ${trace.initialLoss} -> ${tail}`);
  });

  it('CrossEntropyLoss with AdamW trains from logits', async () => {
    const table = makeTable({ rows: 300, features: 4, task: 'multiclass', classes: 3 });
    const evidence = pytorch(
      makeEvidence({
        ...table,
        task: 'multiclass',
        layers: [dense(16, 'relu'), dense(3)],
        loss: 'sparse_categorical_crossentropy',
        fromLogits: true,
        steps: 60,
        learningRate: 0.01,
      }),
      'CrossEntropyLoss',
      { name: 'AdamW', args: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: false } },
    );
    const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'cpu', controls: false });
    assert.deepEqual(trace.skipped, []);
    const tail = trace.loss.slice(-10).reduce((a, b) => a + b, 0) / 10;
    assert.ok(tail < 0.8 * trace.initialLoss, `loss ${trace.initialLoss} -> ${tail}`);
  });
});
