// Labelled PyTorch setups through the real loader and checks (static part): each classic pitfall between
// the last module and the loss is found, in PyTorch's words, and its clean counterpart draws no warning or error.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCheck } from '../../src/pipeline.ts';
import type { Finding } from '../../src/checks/types.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'preflight-pytorch-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

type Data = 'multiclass' | 'binary' | 'regression';
const DATA: Record<Data, string> = { multiclass: 'multiclass-clean', binary: 'binary-clean', regression: 'regression-clean' };

/** Findings of a `framework: pytorch` config whose model ends with `output` and trains with `loss`. */
async function findings(
  data: Data,
  output: string,
  loss: string,
  optimizer = '{name: SGD, momentum: 0.9}',
  hidden = ['{type: dense, units: 32, activation: relu}', '{type: dropout, rate: 0.1}'],
): Promise<Finding[]> {
  const root = path.join(scratch, `case${counter++}`);
  mkdirSync(path.join(root, 'data'), { recursive: true });
  copyFileSync(path.join(SHARED_CASES_DIR, DATA[data], 'data', 'train.csv'), path.join(root, 'data', 'train.csv'));
  writeFileSync(
    path.join(root, 'preflight.yml'),
    `version: 1
data:
  train: data/train.csv
  targets: [y]
preprocessing:
  inputs: standardize
  targets: ${data === 'regression' ? 'standardize' : 'none'}
model:
  layers:
${hidden.map((layer) => `    - ${layer}\n`).join('')}    - ${output}
training:
  framework: pytorch
  loss: ${loss}
  optimizer: ${optimizer}
  lr: 0.01
  batch_size: 32
`,
  );
  const report = await runCheck({ root, configs: [path.join(root, 'preflight.yml')], smoke: false, backend: 'cpu', failOn: 'error' });
  return report.results[0].findings;
}

const serious = (all: Finding[]) => all.filter((f) => f.severity !== 'notice').map((f) => `${f.id}: ${f.message}`);

const pick = (data: Record<string, unknown> | undefined, keys: string[]) => Object.fromEntries(keys.map((k) => [k, data?.[k]]));

function only(all: Finding[], id: string): Finding {
  const found = all.filter((f) => f.id === id);
  assert.equal(found.length, 1, `one ${id} in ${JSON.stringify(all.map((f) => f.id))}`);
  return found[0];
}

describe("PyTorch pitfalls, found in PyTorch's words", () => {
  it('softmax output into CrossEntropyLoss: probabilities fed as logits', async () => {
    const finding = only(await findings('multiclass', '{type: dense, units: 4, activation: softmax}', 'CrossEntropyLoss'), 'output-activation-mismatch');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.key, 'model.layers[2].activation');
    assert.match(finding.fix, /^Remove the `nn\.Softmax`: `CrossEntropyLoss` applies log-softmax itself/);
    assert.match(finding.suggestion?.replacement ?? '', /activation: linear/);
  });

  it('sigmoid output into BCEWithLogitsLoss', async () => {
    const finding = only(await findings('binary', '{type: dense, units: 1, activation: sigmoid}', 'BCEWithLogitsLoss'), 'output-activation-mismatch');
    assert.match(finding.fix, /^Remove the `nn\.Sigmoid`: `BCEWithLogitsLoss` applies the sigmoid itself/);
  });

  it('NLLLoss without LogSoftmax (raw outputs, or softmax)', async () => {
    const raw = only(await findings('multiclass', '{type: dense, units: 4}', 'NLLLoss'), 'output-activation-mismatch');
    assert.equal(raw.severity, 'error');
    assert.equal(raw.messageId, 'log-probability-loss');
    assert.deepEqual(pick(raw.messageData, ['loss', 'activation', 'probabilities']), { loss: 'NLLLoss', activation: 'linear', probabilities: false });
    assert.match(raw.fix, /nn\.LogSoftmax\(dim=1\)/);
    assert.match(raw.suggestion?.replacement ?? '', /activation: log_softmax/);
    const softmax = only(await findings('multiclass', '{type: dense, units: 4, activation: softmax}', 'nll_loss'), 'output-activation-mismatch');
    assert.equal(softmax.messageId, 'log-probability-loss');
    assert.deepEqual(pick(softmax.messageData, ['loss', 'output', 'probabilities']), { loss: 'NLLLoss', output: 'nn.Softmax', probabilities: true });
  });

  it('MSELoss on class indices with a softmax output', async () => {
    const finding = only(await findings('multiclass', '{type: dense, units: 4, activation: softmax}', 'MSELoss'), 'output-activation-mismatch');
    assert.equal(finding.key, 'training.loss');
    assert.equal(finding.messageId, 'torch-softmax-regression');
    assert.deepEqual(finding.messageData, { outputUnits: 4, loss: 'MSELoss', labelMin: 0, labelMax: 3 });
    assert.match(finding.suggestion?.replacement ?? '', /loss: CrossEntropyLoss/);
  });

  it('BCELoss on a raw output', async () => {
    const finding = only(await findings('binary', '{type: dense, units: 1}', 'BCELoss'), 'output-activation-mismatch');
    assert.equal(finding.severity, 'error');
    assert.match(finding.fix, /BCEWithLogitsLoss/);
    assert.match(finding.suggestion?.replacement ?? '', /loss: BCEWithLogitsLoss/);
  });

  it('class indices beyond the outputs of a CrossEntropyLoss model', async () => {
    const finding = only(await findings('multiclass', '{type: dense, units: 3}', 'CrossEntropyLoss'), 'label-encoding-mismatch');
    assert.equal(finding.messageId, 'class-id-beyond-output');
    assert.equal(finding.messageData?.loss, 'CrossEntropyLoss');
    assert.equal(finding.messageData?.outputUnits, 3);
    assert.match(String(finding.messageData?.failure), /out of bounds/);
  });
});

describe("initialization checks judge PyTorch's default initializer", () => {
  const relu = (units: number) => `{type: dense, units: ${units}, activation: relu}`;

  it("a constant kernel: the fix names PyTorch's default", async () => {
    const finding = only(
      await findings('regression', '{type: dense, units: 1}', 'MSELoss', 'Adam', [`{type: dense, units: 32, activation: relu, kernel_initializer: zeros}`]),
      'constant-initialization',
    );
    assert.match(finding.fix, /kaiming_normal_\(weight, nonlinearity='relu'\)/);
    assert.match(finding.fix, /PyTorch's default is kaiming_uniform with a = sqrt\(5\)/);
  });

  it('U(+-1/sqrt(fan_in)) shrinks a ReLU stack by sqrt(6) per layer: five Linear layers are flagged, with that factor', async () => {
    const finding = only(
      await findings('regression', '{type: dense, units: 1}', 'MSELoss', 'Adam', [relu(64), relu(64), relu(64), relu(64)]),
      'init-scale-mismatch',
    );
    const perLayer = finding.evidence.perLayer as { factor: number }[];
    assert.ok(Math.abs(perLayer[1].factor - 1 / Math.sqrt(6)) < 1e-9, JSON.stringify(perLayer));
    assert.match(finding.fix, /kernel_initializer: he_normal` \(in PyTorch code: `nn\.init\.kaiming_normal_/);
  });

  it('two hidden Linear+ReLU layers with the default stay within the bound', async () => {
    const all = await findings('regression', '{type: dense, units: 1}', 'MSELoss', 'Adam', [relu(64), relu(32)]);
    assert.deepEqual(serious(all), []);
  });
});

describe('clean PyTorch setups draw no warning or error', () => {
  const clean: [string, Data, string, string, string?][] = [
    ['raw outputs into CrossEntropyLoss with SGD momentum', 'multiclass', '{type: dense, units: 4}', 'CrossEntropyLoss'],
    ['LogSoftmax into NLLLoss', 'multiclass', '{type: dense, units: 4, activation: log_softmax}', 'NLLLoss'],
    [
      'LogSoftmax into CrossEntropyLoss (log_softmax is idempotent)',
      'multiclass',
      '{type: dense, units: 4, activation: log_softmax}',
      'nn.CrossEntropyLoss',
      'AdamW',
    ],
    ['raw output into BCEWithLogitsLoss', 'binary', '{type: dense, units: 1}', 'BCEWithLogitsLoss', 'Adam'],
    ['sigmoid into BCELoss', 'binary', '{type: dense, units: 1, activation: sigmoid}', 'BCELoss', 'RMSprop'],
    ['MSELoss regression', 'regression', '{type: dense, units: 1}', 'MSELoss', 'Adam'],
    ['SmoothL1Loss regression', 'regression', '{type: dense, units: 1}', '{name: SmoothL1Loss, beta: 0.5}', 'Adagrad'],
  ];
  for (const [name, data, output, loss, optimizer] of clean) {
    it(name, async () => {
      assert.deepEqual(serious(await findings(data, output, loss, optimizer)), []);
    });
  }
});
