// Helpful refusals: PyTorch's words in a config are refused with the config's own word, and each list of
// allowed values is printed once, not with every problem.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { runCheck } from '../../src/pipeline.ts';
import type { ConfigProblem } from '../../src/config/problems.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'preflight-refusals-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

async function problemsOf(layers: string[], training = '  loss: mse\n'): Promise<ConfigProblem[]> {
  const root = path.join(scratch, `repo${counter++}`);
  mkdirSync(root, { recursive: true });
  const yaml = `version: 1\ndata:\n  train: data/train.csv\n  targets: [y]\nmodel:\n  layers:\n${layers.map((l) => `    - ${l}\n`).join('')}training:\n${training}`;
  writeFileSync(path.join(root, 'setup.preflight.yml'), yaml);
  const result = await loadConfig(path.join(root, 'setup.preflight.yml'), { root, displayPath: 'setup.preflight.yml' });
  assert.equal(result.ok, false, 'the config is refused');
  return result.ok ? [] : result.problems;
}

const OUTPUT = '{type: dense, units: 1}';

describe('PyTorch words in layers', () => {
  const typeCases: [string, string, RegExp][] = [
    ['linear', 'dense', /nn\.Linear\(in, out\)` is `\{type: dense, units: out\}`/],
    ['nn.Linear', 'dense', /nn\.Linear/],
    ['MaxPool2d', 'max_pooling2d', /`nn\.MaxPool2d` is `type: max_pooling2d`/],
    ['BatchNorm1d', 'batch_normalization', /type: batch_normalization/],
    [
      'relu',
      '{type: activation, activation: relu}',
      /an activation is written as its own layer, `\{type: activation, activation: relu\}`, or as `activation: relu`/,
    ],
    ['nn.ReLU', '{type: activation, activation: relu}', /\{type: activation, activation: relu\}/],
    ['Softmax', '{type: activation, activation: softmax}', /activation: softmax/],
    ['LogSoftmax', '{type: activation, activation: log_softmax}', /activation: log_softmax/],
  ];
  for (const [written, expected, message] of typeCases) {
    it(`type: ${written} -> ${expected}`, async () => {
      const [problem] = await problemsOf([`{type: ${written}, units: 8}`, OUTPUT]);
      assert.equal(problem.key, 'model.layers[0].type');
      assert.equal(problem.expected, expected);
      assert.equal(problem.received, written);
      assert.match(problem.message, message);
      assert.doesNotMatch(problem.message, /allowed types/, 'a translation needs no list of every type');
    });
  }

  const keyCases: [string, string, string, RegExp][] = [
    ['{type: dense, out_features: 16}', 'model.layers[0].out_features', 'units', /did you mean `units`\? PyTorch's `out_features` is `units` here/],
    ['{type: conv2d, out_channels: 8, kernel_size: 3}', 'model.layers[0].out_channels', 'filters', /`filters`/],
    ['{type: dropout, p: 0.5}', 'model.layers[0].p', 'rate', /`rate`/],
    ['{type: embedding, num_embeddings: 100, output_dim: 8}', 'model.layers[0].num_embeddings', 'input_dim', /`input_dim`/],
  ];
  for (const [layer, key, expected, message] of keyCases) {
    it(`${key.split('.').pop()} -> ${expected}`, async () => {
      const problems = await problemsOf([layer, OUTPUT]);
      const problem = problems.find((p) => p.key === key);
      assert.ok(problem, JSON.stringify(problems));
      assert.equal(problem.expected, expected);
      assert.match(problem.message, message);
    });
  }

  it('in_features is explained, not translated', async () => {
    const [problem] = await problemsOf(['{type: dense, in_features: 8, units: 16}', OUTPUT]);
    assert.equal(problem.key, 'model.layers[0].in_features');
    assert.match(problem.message, /input size is not written here: it is the previous layer's output/);
    assert.match(problem.expected ?? '', /inferred/);
  });
});

describe('each list of allowed values is printed once', () => {
  it('two unknown layer types: the list with the first, a pointer with the second', async () => {
    const problems = await problemsOf(['{type: conv3d, filters: 4}', '{type: dense3, units: 4}', OUTPUT]);
    assert.equal(problems.length, 2);
    const [first, second] = problems;
    assert.match(first.message, /allowed types: dense, dropout, .*simple_rnn/);
    assert.doesNotMatch(second.message, /dense, dropout/);
    assert.match(second.message, new RegExp(`allowed types are listed with the problem at line ${first.line}`));
  });

  it('two unknown activations: the activation names once', async () => {
    const problems = await problemsOf(['{type: dense, units: 4, activation: rectifier}', '{type: dense, units: 1, activation: blorp}']);
    assert.equal(problems.length, 2);
    assert.equal(problems.filter((p) => p.message.includes('relu, sigmoid')).length, 1);
    assert.match(problems[1].message, /listed with the problem at line/);
    assert.equal(problems[1].expected, 'one of the activation names listed in the message');
  });

  it('a misspelt name still gets its "did you mean", without the list', async () => {
    const [problem] = await problemsOf(['{type: dense, units: 4, activation: rleu}', OUTPUT]);
    assert.match(problem.message, /did you mean `relu`\?$/);
    assert.equal(problem.expected, 'relu');
  });

  it("once per report: a second config points at the first config's problem", async () => {
    const root = path.join(scratch, `report${counter++}`);
    mkdirSync(root, { recursive: true });
    const yaml =
      'version: 1\ndata:\n  train: data/train.csv\n  targets: [y]\nmodel:\n  layers:\n    - {type: conv3d, filters: 4}\n    - {type: dense, units: 1}\ntraining:\n  loss: mse\n';
    writeFileSync(path.join(root, 'a.preflight.yml'), yaml);
    writeFileSync(path.join(root, 'b.preflight.yml'), yaml);
    const report = await runCheck({
      root,
      configs: [path.join(root, 'a.preflight.yml'), path.join(root, 'b.preflight.yml')],
      smoke: false,
      backend: 'cpu',
      failOn: 'error',
    });
    const [a, b] = report.results.map((r) => r.findings.find((f) => f.id === 'config-error')!);
    assert.match(a.message, /allowed types: dense, dropout/);
    assert.doesNotMatch(b.message, /dense, dropout/);
    assert.match(b.message, new RegExp(`listed with the problem at .*a\\.preflight\\.yml:${a.line}`));
    assert.doesNotMatch(a.fix + b.fix, /dense, dropout/, 'the fix does not repeat the list');
  });
});
