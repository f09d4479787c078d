// training.framework: PyTorch's names and defaults under `pytorch`, each refused with a translation under `keras`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, type ConfigLoadResult } from '../../src/config/load.ts';
import { frameworkOf, withTargetWidth } from '../../src/config/framework.ts';
import type { ModelSpec, PreflightConfig } from '../../src/config/types.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'preflight-framework-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

async function load(training: string, extra = ''): Promise<ConfigLoadResult> {
  const root = path.join(scratch, `repo${counter++}`);
  mkdirSync(root, { recursive: true });
  const yaml = `version: 1
data:
  train: data/train.csv
  targets: [y]
${extra}model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: lstm, units: 25}
    - {type: dense, units: 3}
training:
${training}`;
  writeFileSync(path.join(root, 'setup.preflight.yml'), yaml);
  return loadConfig(path.join(root, 'setup.preflight.yml'), { root, displayPath: 'setup.preflight.yml' });
}

function config(result: ConfigLoadResult): PreflightConfig {
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.config;
}

function problems(result: ConfigLoadResult) {
  assert.equal(result.ok, false, 'the config is refused');
  return result.ok ? [] : result.problems;
}

describe('framework: pytorch', () => {
  it('CrossEntropyLoss is sparse categorical crossentropy from logits; SGD takes PyTorch defaults and lr', async () => {
    const c = config(await load('  framework: pytorch\n  loss: CrossEntropyLoss\n  optimizer: {name: SGD, momentum: 0.9, lr: 0.05}\n'));
    assert.equal(c.training.framework, 'pytorch');
    assert.equal(c.training.loss, 'sparse_categorical_crossentropy');
    assert.equal(c.training.from_logits, true);
    assert.equal(c.training.torch_loss, 'CrossEntropyLoss');
    assert.deepEqual(c.training.optimizer, { name: 'SGD', args: { momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false }, framework: 'pytorch' });
    assert.equal(c.training.learning_rate, 0.05);
    assert.equal(c.training.learning_rate_explicit, true);
    assert.equal(c.training.weight_decay, 0, 'no decoupled decay on top of the optimizer');
  });

  it("functional names, `lr` at the training level, and each optimizer's own defaults", async () => {
    const adamW = config(await load('  framework: pytorch\n  loss: cross_entropy\n  optimizer: AdamW\n  lr: 0.003\n'));
    assert.equal(adamW.training.torch_loss, 'CrossEntropyLoss');
    assert.deepEqual(adamW.training.optimizer.args, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: false });
    assert.equal(adamW.training.learning_rate, 0.003);

    const rms = config(await load('  framework: pytorch\n  loss: MSELoss\n  optimizer: rmsprop\n'));
    assert.equal(rms.training.optimizer.name, 'RMSprop');
    assert.equal(rms.training.optimizer.args.alpha, 0.99);
    assert.equal(rms.training.optimizer.args.eps, 1e-8);
    assert.equal(rms.training.learning_rate, 0.01, 'torch.optim.RMSprop lr default');
    assert.equal(rms.training.learning_rate_explicit, false);
    assert.equal(rms.training.loss, 'mean_squared_error');

    const sgd = config(await load('  framework: pytorch\n  loss: L1Loss\n  optimizer: SGD\n'));
    assert.equal(sgd.training.learning_rate, 0.001, 'SGD lr default of PyTorch 2.2+');

    const adagrad = config(await load('  framework: pytorch\n  loss: nn.HuberLoss\n  optimizer: {name: Adagrad, lr_decay: 0.01}\n  weight_decay: 0.0005\n'));
    assert.deepEqual(adagrad.training.optimizer.args, { lr_decay: 0.01, weight_decay: 0.0005, initial_accumulator_value: 0, eps: 1e-10 });

    const adam = config(
      await load('  framework: pytorch\n  loss: {name: SmoothL1Loss, beta: 0.5}\n  optimizer: {name: Adam, betas: [0.8, 0.95], amsgrad: true}\n'),
    );
    assert.equal(adam.training.loss, 'smooth_l1');
    assert.deepEqual(adam.training.loss_args, { beta: 0.5 });
    assert.equal(adam.training.optimizer.args.beta1, 0.8);
    assert.equal(adam.training.optimizer.args.beta2, 0.95);
    assert.equal(adam.training.optimizer.args.amsgrad, true);
  });

  it('maps every torch.nn loss to what the smoke run computes', async () => {
    const expected: Record<string, [string, boolean]> = {
      NLLLoss: ['nll_loss', false],
      BCELoss: ['binary_crossentropy', false],
      BCEWithLogitsLoss: ['binary_crossentropy', true],
      MSELoss: ['mean_squared_error', false],
      L1Loss: ['mean_absolute_error', false],
      SmoothL1Loss: ['smooth_l1', false],
      HuberLoss: ['huber', false],
      KLDivLoss: ['kl_div', false],
      binary_cross_entropy_with_logits: ['binary_crossentropy', true],
    };
    for (const [name, [loss, fromLogits]] of Object.entries(expected)) {
      const c = config(await load(`  framework: pytorch\n  loss: ${name}\n`));
      assert.equal(c.training.loss, loss, name);
      assert.equal(c.training.from_logits, fromLogits, name);
    }
  });

  it('CrossEntropyLoss with class probabilities (one-hot targets or one column per class) is categorical from logits', async () => {
    const oneHot = config(await load('  framework: pytorch\n  loss: CrossEntropyLoss\n', 'preprocessing:\n  targets: one_hot\n'));
    assert.equal(oneHot.training.loss, 'categorical_crossentropy');
    const sparse = config(await load('  framework: pytorch\n  loss: CrossEntropyLoss\n'));
    assert.equal(withTargetWidth(sparse, 3).training.loss, 'categorical_crossentropy');
    assert.equal(withTargetWidth(sparse, 1).training.loss, 'sparse_categorical_crossentropy');
  });

  it('refuses Keras spellings and from_logits with the PyTorch word', async () => {
    const betas = problems(await load('  framework: pytorch\n  loss: MSELoss\n  optimizer: {name: Adam, beta_1: 0.9}\n'));
    assert.equal(betas[0].key, 'training.optimizer.beta_1');
    assert.equal(betas[0].expected, 'betas');
    assert.match(betas[0].message, /betas: \[0\.9, 0\.999\]/);
    const logits = problems(await load('  framework: pytorch\n  loss: BCEWithLogitsLoss\n  from_logits: true\n'));
    assert.equal(logits[0].key, 'training.from_logits');
    assert.match(logits[0].message, /BCEWithLogitsLoss takes logits/);
    const adamax = problems(await load('  framework: pytorch\n  loss: MSELoss\n  optimizer: adamax\n'));
    assert.equal(adamax[0].key, 'training.optimizer');
    assert.match(adamax[0].message, /SGD, Adam, AdamW, RMSprop, Adagrad/);
  });

  it('loss arguments belong to their loss: beta to SmoothL1Loss, delta to Huber', async () => {
    const [beta] = problems(await load('  framework: pytorch\n  loss: {name: MSELoss, beta: 0.5}\n'));
    assert.equal(beta.key, 'training.loss.beta');
    const keras = config(await load('  loss: {name: huber, delta: 2}\n'));
    assert.deepEqual(keras.training.loss_args, { delta: 2 });
    const [delta] = problems(await load('  loss: {name: mse, delta: 2}\n'));
    assert.equal(delta.key, 'training.loss.delta');
  });

  it("YAML layers start with PyTorch's default initialization", async () => {
    const c = config(await load('  framework: pytorch\n  loss: CrossEntropyLoss\n', 'preprocessing:\n  inputs: standardize\n'));
    const [dense, lstm] = c.model.layers;
    assert.deepEqual(dense.kernel_initializer, { name: 'torch_fan_in_uniform' });
    assert.deepEqual(dense.bias_initializer, { name: 'torch_fan_in_uniform' });
    assert.deepEqual(lstm.kernel_initializer, { name: 'random_uniform', minval: -0.2, maxval: 0.2 });
    assert.deepEqual(lstm.recurrent_initializer, { name: 'random_uniform', minval: -0.2, maxval: 0.2 });
    const keras = config(await load('  loss: mse\n'));
    assert.deepEqual(keras.model.layers[0].kernel_initializer, { name: 'glorot_uniform' });
  });
});

describe('channels-first input shapes', () => {
  it("a PyTorch image model's input_shape [C, H, W] is the engine's [H, W, C]; Keras keeps it", async () => {
    const write = async (framework: string) => {
      const root = path.join(scratch, `repo${counter++}`);
      mkdirSync(root, { recursive: true });
      writeFileSync(
        path.join(root, 'setup.preflight.yml'),
        `version: 1
data:
  train: {x: x.npy, y: y.npy}
model:
  input_shape: [3, 32, 32]
  layers:
    - {type: conv2d, filters: 8, kernel_size: 3}
    - {type: global_average_pooling2d}
    - {type: dense, units: 10}
training:
  framework: ${framework}
  loss: ${framework === 'pytorch' ? 'CrossEntropyLoss' : 'mse'}
`,
      );
      return config(await loadConfig(path.join(root, 'setup.preflight.yml'), { root, displayPath: 'setup.preflight.yml' }));
    };
    assert.deepEqual((await write('pytorch')).model.input_shape, [32, 32, 3]);
    assert.deepEqual((await write('keras')).model.input_shape, [3, 32, 32]);
  });
});

describe('framework: keras (the default)', () => {
  it('`lr` is refused with `learning_rate`', async () => {
    const [problem] = problems(await load('  loss: mse\n  lr: 0.01\n'));
    assert.equal(problem.key, 'training.lr');
    assert.equal(problem.expected, 'learning_rate');
    assert.match(problem.message, /did you mean `learning_rate`\?/);
  });

  it('a PyTorch loss name suggests framework: pytorch or the Keras name', async () => {
    const [problem] = problems(await load('  loss: CrossEntropyLoss\n'));
    assert.equal(problem.key, 'training.loss');
    assert.match(problem.message, /training\.framework: pytorch/);
    assert.match(problem.message, /sparse_categorical_crossentropy with from_logits: true/);
    const [bce] = problems(await load('  loss: BCEWithLogitsLoss\n'));
    assert.match(bce.message, /binary_crossentropy with from_logits: true/);
  });

  it('PyTorch optimizer arguments are refused with the Keras word; class names are Keras names too', async () => {
    const [eps] = problems(await load('  loss: mse\n  optimizer: {name: adam, eps: 0.00000001}\n'));
    assert.equal(eps.key, 'training.optimizer.eps');
    assert.equal(eps.expected, 'epsilon');
    const c = config(await load('  loss: mse\n  optimizer: Adam\n'));
    assert.equal(c.training.optimizer.name, 'adam');
    assert.equal(c.training.optimizer.framework, undefined);
    assert.equal(c.training.framework, 'keras');
  });

  it('defaults to pytorch for an ONNX model exported by PyTorch, to keras otherwise', () => {
    const onnx = (producer: string): ModelSpec => ({
      layers: [],
      unsupported: [],
      origin: { kind: 'onnx', file: 'm.onnx', producer: { name: producer, version: '2.1' }, opset: 17, layout: 'nchw', training_mode: false, notes: [] },
    });
    const raw = { version: 1, data: { train: 'x.csv' }, model: {} } as never;
    assert.equal(frameworkOf(raw, onnx('pytorch')), 'pytorch');
    assert.equal(frameworkOf(raw, onnx('tf2onnx')), 'keras');
    assert.equal(frameworkOf({ ...(raw as object), training: { framework: 'keras' } } as never, onnx('pytorch')), 'keras');
  });
});
