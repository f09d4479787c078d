import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_CONFIG_LIMITS, loadConfig, type ConfigLoadResult } from '../../src/config/load.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const CASES = SHARED_CASES_DIR;
const scratch = mkdtempSync(path.join(tmpdir(), 'preflight-config-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** Write files into a fresh repository folder; returns the folder. */
function repo(files: Record<string, string | Buffer>): string {
  const root = path.join(scratch, `repo${counter++}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

async function load(yaml: string, extra: Record<string, string | Buffer> = {}, limits = DEFAULT_CONFIG_LIMITS): Promise<ConfigLoadResult> {
  const root = repo({ 'setup.preflight.yml': yaml, ...extra });
  return loadConfig(path.join(root, 'setup.preflight.yml'), { root, displayPath: 'setup.preflight.yml', limits });
}

function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `${needle} is in the text`);
  return index + 1;
}

const BASE = `version: 1
data:
  train: data/train.csv
  targets: [y]
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1}
training:
  loss: mse
`;

describe('loadConfig: the shared cases', () => {
  for (const name of readdirSync(CASES).filter((n) => !n.endsWith('.md'))) {
    const dir = path.join(CASES, name);
    it(`${name} ${name === 'config-typo' ? 'is rejected at its typo' : 'loads'}`, async () => {
      const result = await loadConfig(path.join(dir, 'preflight.yml'), { root: dir, displayPath: 'preflight.yml' });
      if (name !== 'config-typo') {
        assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
        assert.equal(result.config.name, name);
        return;
      }
      assert.equal(result.ok, false);
      const text = readFileSync(path.join(dir, 'preflight.yml'), 'utf8');
      assert.equal(result.problems.length, 1);
      const [problem] = result.problems;
      assert.equal(problem.key, 'training.learing_rate');
      assert.equal(problem.line, lineOf(text, 'learing_rate:'));
      assert.equal(problem.column, 3);
      assert.equal(problem.file, 'preflight.yml');
      assert.match(problem.message, /did you mean `learning_rate`/);
      assert.equal(problem.expected, 'learning_rate');
      assert.equal(problem.received, 'learing_rate');
    });
  }
});

describe('loadConfig: normalization and defaults', () => {
  it('fills Keras defaults and the tool defaults', async () => {
    const result = await load(BASE);
    assert.ok(result.ok);
    const { config } = result;
    assert.equal(config.name, 'setup');
    assert.deepEqual(config.data, { train: { kind: 'path', path: 'data/train.csv' }, targets: ['y'], sample: 10000 });
    assert.deepEqual(config.preprocessing, { inputs: 'none', targets: 'none' });
    assert.equal(config.training.loss, 'mean_squared_error');
    assert.deepEqual(config.training.optimizer, { name: 'adam', args: {} });
    assert.equal(config.training.learning_rate, 0.001);
    assert.equal(config.training.learning_rate_explicit, false);
    assert.equal(config.training.batch_size, 32);
    assert.equal(config.training.from_logits, false);
    assert.deepEqual(config.smoke, { steps: 200, seed: 0, time_budget_s: 20 });
    assert.deepEqual(config.checks, {});
    const [first, second] = config.model.layers;
    assert.deepEqual(first, {
      type: 'dense',
      name: 'dense_1',
      keyPath: 'model.layers[0]',
      units: 16,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: { name: 'glorot_uniform' },
      bias_initializer: { name: 'zeros' },
    });
    assert.equal(second.name, 'dense_2');
    assert.equal(second.activation, 'linear');
    assert.deepEqual(config.model.origin, { kind: 'layers' });
  });

  const lossAliases: [string, string][] = [
    ['mae', 'mean_absolute_error'],
    ['mape', 'mean_absolute_percentage_error'],
    ['msle', 'mean_squared_logarithmic_error'],
    ['huber', 'huber'],
    ['logcosh', 'log_cosh'],
    ['bce', 'binary_crossentropy'],
    ['cce', 'categorical_crossentropy'],
    ['kld', 'kl_divergence'],
    ['sparse_categorical_crossentropy', 'sparse_categorical_crossentropy'],
    ['squared_hinge', 'squared_hinge'],
  ];
  for (const [alias, canonical] of lossAliases) {
    it(`loss ${alias} -> ${canonical}`, async () => {
      const result = await load(BASE.replace('loss: mse', `loss: ${alias}`));
      assert.ok(result.ok);
      assert.equal(result.config.training.loss, canonical);
    });
  }

  const defaultRates: [string, number][] = [
    ['sgd', 0.01],
    ['rmsprop', 0.001],
    ['adagrad', 0.001],
    ['adadelta', 0.001],
    ['adamax', 0.001],
  ];
  for (const [optimizer, rate] of defaultRates) {
    it(`${optimizer} defaults to learning rate ${rate}`, async () => {
      const result = await load(`${BASE}  optimizer: ${optimizer}\n`);
      assert.ok(result.ok);
      assert.equal(result.config.training.learning_rate, rate);
      assert.equal(result.config.training.learning_rate_explicit, false);
    });
  }

  it('reads an optimizer mapping and an explicit learning rate', async () => {
    const result = await load(`${BASE}  optimizer: {name: sgd, momentum: 0.9, nesterov: true}\n  learning_rate: 1e-3\n`);
    assert.ok(result.ok);
    assert.deepEqual(result.config.training.optimizer, { name: 'sgd', args: { momentum: 0.9, nesterov: true } });
    assert.equal(result.config.training.learning_rate, 0.001);
    assert.equal(result.config.training.learning_rate_explicit, true);
  });

  it('normalizes layer arguments: initializers, regularizers, activation aliases, conv and pooling', async () => {
    const yaml = `version: 1
data:
  train: {x: data/x.npy, y: data/y.npy}
preprocessing:
  inputs: {scale: 0.00392156862745098}
model:
  input_shape: [8, 8, 1]
  layers:
    - {type: conv2d, filters: 4, kernel_size: 3, padding: same, kernel_initializer: {name: random_normal, stddev: 0.1}}
    - {type: max_pooling2d}
    - {type: flatten}
    - {type: dense, units: 8, activation: silu, kernel_regularizer: {l1_l2: {l1: 0.01, l2: 0.02}}, bias_initializer: {name: constant, value: 0.5}}
    - {type: dense, units: 2, activation: softmax, kernel_regularizer: {l2: 0.001}}
training:
  loss: sparse_categorical_crossentropy
`;
    const result = await load(yaml);
    assert.ok(result.ok);
    const [conv, pool, , dense, out] = result.config.model.layers;
    assert.deepEqual(result.config.data.train, { kind: 'arrays', x: 'data/x.npy', y: 'data/y.npy' });
    assert.deepEqual(result.config.preprocessing.inputs, { scale: 0.00392156862745098, shift: 0 });
    assert.deepEqual(result.config.model.input_shape, [8, 8, 1]);
    assert.deepEqual(conv.kernel_size, [3, 3]);
    assert.deepEqual(conv.strides, [1, 1]);
    assert.equal(conv.padding, 'same');
    assert.deepEqual(conv.kernel_initializer, { name: 'random_normal', mean: 0, stddev: 0.1 });
    assert.deepEqual(pool.pool_size, [2, 2]);
    assert.deepEqual(pool.strides, [2, 2]);
    assert.equal(pool.padding, 'valid');
    assert.equal(dense.activation, 'swish');
    assert.deepEqual(dense.kernel_regularizer, { l1: 0.01, l2: 0.02 });
    assert.deepEqual(dense.bias_initializer, { name: 'constant', value: 0.5 });
    assert.deepEqual(out.kernel_regularizer, { l1: 0, l2: 0.001 });
    assert.deepEqual([conv.name, pool.name, dense.name, out.name], ['conv2d_1', 'max_pooling2d_1', 'dense_1', 'dense_2']);
  });

  it('takes the input shape from the first layer as Keras does', async () => {
    const withDim = await load(BASE.replace('units: 16, activation', 'units: 16, input_dim: 5, activation'));
    assert.ok(withDim.ok);
    assert.deepEqual(withDim.config.model.input_shape, [5]);
    const withShape = await load(BASE.replace('units: 16, activation', 'units: 16, input_shape: [4, 2], activation'));
    assert.ok(withShape.ok);
    assert.deepEqual(withShape.config.model.input_shape, [4, 2]);
    const without = await load(BASE);
    assert.ok(without.ok);
    assert.equal(without.config.model.input_shape, undefined);
  });

  it('ignores x- keys anywhere', async () => {
    const yaml = BASE.replace('version: 1', 'version: 1\nx-owner: team-ml').replace('{type: dense, units: 1}', '{type: dense, units: 1, x-note: output}');
    const result = await load(yaml);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  });

  it('maps key paths to 1-based ranges of values and keys', async () => {
    const yaml = `version: 1
data:
  train: {x: data/x.npy, y: data/y.npy}
model:
  layers:
    - {type: dense, units: 16}
    - type: dense
      units: 1
training:
  loss: mse
  learning_rate: 0.01
`;
    const result = await load(yaml);
    assert.ok(result.ok);
    const { ranges } = result.source;
    assert.deepEqual(ranges['training.learning_rate'], { line: 11, column: 18, endLine: 11, endColumn: 22 });
    assert.equal(ranges['training.learning_rate#key'].column, 3);
    assert.equal(ranges['model.layers[1].units'].line, 8);
    assert.equal(ranges['model.layers[1].units'].column, 14);
    assert.equal(ranges['model.layers[0].units'].line, 6);
    assert.equal(ranges['data.train.x'].line, 3);
    assert.equal(ranges['data.train.x'].column, 14);
    assert.equal(result.source.lines[10], '  learning_rate: 0.01');
  });
});

interface InvalidCase {
  name: string;
  yaml: string;
  key: string;
  /** text on the line the problem must point at */
  at: string;
  message: RegExp;
  expected?: RegExp;
  received?: RegExp;
}

const invalid: InvalidCase[] = [
  { name: 'unknown section', yaml: BASE.replace('training:', 'trainig:'), key: 'trainig', at: 'trainig:', message: /did you mean `training`/ },
  { name: 'units zero', yaml: BASE.replace('units: 16', 'units: 0'), key: 'model.layers[0].units', at: 'units: 0', message: /greater than 0/, received: /^0$/ },
  {
    name: 'units fractional',
    yaml: BASE.replace('units: 16', 'units: 1.5'),
    key: 'model.layers[0].units',
    at: 'units: 1.5',
    message: /integer/,
    expected: /integer/,
    received: /1\.5/,
  },
  {
    name: 'units as text',
    yaml: BASE.replace('units: 16', 'units: "16"'),
    key: 'model.layers[0].units',
    at: 'units: "16"',
    message: /must be a number/,
    received: /string/,
  },
  {
    name: 'dropout rate 1',
    yaml: BASE.replace('- {type: dense, units: 1}', '- {type: dropout, rate: 1}\n    - {type: dense, units: 1}'),
    key: 'model.layers[1].rate',
    at: 'rate: 1',
    message: /less than 1/,
  },
  {
    name: 'misspelt activation',
    yaml: BASE.replace('activation: relu', 'activation: relux'),
    key: 'model.layers[0].activation',
    at: 'relux',
    message: /did you mean `relu`/,
    expected: /^relu$/,
    received: /^relux$/,
  },
  {
    name: 'unknown layer type',
    yaml: BASE.replace('type: dense, units: 1}', 'type: conv3d, units: 1}'),
    key: 'model.layers[1].type',
    at: 'conv3d',
    message: /unknown layer type `conv3d`.*allowed types: .*dense.*simple_rnn/,
  },
  {
    name: 'layer without type',
    yaml: BASE.replace('{type: dense, units: 1}', '{units: 1}'),
    key: 'model.layers[1]',
    at: '{units: 1}',
    message: /needs a `type`/,
  },
  {
    name: 'unknown key for the layer type',
    yaml: BASE.replace('{type: dense, units: 1}', '{type: dense, units: 1, rate: 0.5}'),
    key: 'model.layers[1].rate',
    at: 'rate: 0.5',
    message: /unknown key `rate`/,
  },
  {
    name: 'misspelt initializer',
    yaml: BASE.replace('activation: relu}', 'activation: relu, kernel_initializer: he_normall}'),
    key: 'model.layers[0].kernel_initializer',
    at: 'he_normall',
    message: /did you mean `he_normal`/,
  },
  {
    name: 'initializer mapping with a typo',
    yaml: BASE.replace('activation: relu}', 'activation: relu, kernel_initializer: {name: random_normal, stdev: 1}}'),
    key: 'model.layers[0].kernel_initializer.stdev',
    at: 'stdev',
    message: /did you mean `stddev`/,
  },
  {
    name: 'unknown regularizer',
    yaml: BASE.replace('activation: relu}', 'activation: relu, kernel_regularizer: {l3: 0.1}}'),
    key: 'model.layers[0].kernel_regularizer.l3',
    at: 'l3',
    message: /unknown key `l3`/,
  },
  {
    name: 'negative regularizer',
    yaml: BASE.replace('activation: relu}', 'activation: relu, kernel_regularizer: {l2: -1}}'),
    key: 'model.layers[0].kernel_regularizer.l2',
    at: 'l2: -1',
    message: /at least 0/,
  },
  {
    name: 'conv2d kernel of the wrong rank',
    yaml: BASE.replace('{type: dense, units: 16, activation: relu}', '{type: conv2d, filters: 2, kernel_size: [3, 3, 3]}'),
    key: 'model.layers[0].kernel_size',
    at: 'kernel_size',
    message: /exactly 2/,
  },
  { name: 'unknown loss', yaml: BASE.replace('loss: mse', 'loss: msee'), key: 'training.loss', at: 'msee', message: /did you mean `mse`/ },
  { name: 'unknown optimizer', yaml: `${BASE}  optimizer: addam\n`, key: 'training.optimizer', at: 'addam', message: /did you mean `adam`/ },
  {
    name: 'optimizer argument typo',
    yaml: `${BASE}  optimizer: {name: sgd, momentun: 0.9}\n`,
    key: 'training.optimizer.momentun',
    at: 'momentun',
    message: /did you mean `momentum`/,
  },
  {
    name: 'misspelt optimizer name in a mapping',
    yaml: `${BASE}  optimizer: {name: sgdd, momentum: 0.9}\n`,
    key: 'training.optimizer.name',
    at: 'sgdd',
    message: /did you mean `sgd`/,
  },
  { name: 'invalid check id', yaml: `${BASE}checks:\n  Bad_Id: off\n`, key: 'checks.Bad_Id', at: 'Bad_Id', message: /not a valid key/ },
  {
    name: 'zero input scale',
    yaml: `${BASE}preprocessing:\n  inputs: {scale: 0}\n`,
    key: 'preprocessing.inputs.scale',
    at: 'scale: 0',
    message: /must not be 0/,
  },
  {
    name: 'empty regularizer',
    yaml: BASE.replace('activation: relu}', 'activation: relu, kernel_regularizer: {}}'),
    key: 'model.layers[0].kernel_regularizer',
    at: 'kernel_regularizer',
    message: /needs l1, l2 or l1_l2/,
  },
  {
    name: 'a target among the features',
    yaml: BASE.replace('  targets: [y]', '  features: [a, y]\n  targets: [y]'),
    key: 'data.features',
    at: 'features',
    message: /both a feature and a target/,
  },
  {
    name: 'from_logits on a regression loss',
    yaml: `${BASE}  from_logits: true\n`,
    key: 'training.from_logits',
    at: 'from_logits',
    message: /crossentropy losses only/,
  },
  { name: 'negative learning rate', yaml: `${BASE}  learning_rate: -0.1\n`, key: 'training.learning_rate', at: 'learning_rate', message: /greater than 0/ },
  { name: 'batch size zero', yaml: `${BASE}  batch_size: 0\n`, key: 'training.batch_size', at: 'batch_size', message: /greater than 0/ },
  { name: 'from_logits as a string', yaml: `${BASE}  from_logits: "yes"\n`, key: 'training.from_logits', at: 'from_logits', message: /true or false/ },
  { name: 'version 2', yaml: BASE.replace('version: 1', 'version: 2'), key: 'version', at: 'version: 2', message: /must be 1/ },
  { name: 'missing data', yaml: BASE.replace(/data:\n.*\n.*\n/, ''), key: 'data', at: 'version', message: /missing required key `data`/ },
  {
    name: 'data.train wrong shape',
    yaml: BASE.replace('train: data/train.csv', 'train: 5'),
    key: 'data.train',
    at: 'train: 5',
    message: /a string or a mapping/,
  },
  {
    name: 'npy pair with a typo',
    yaml: BASE.replace('train: data/train.csv', 'train: {x: a.npy, why: b.npy}'),
    key: 'data.train.why',
    at: 'why',
    message: /unknown key `why`/,
  },
  { name: 'bad preprocessing', yaml: `${BASE}preprocessing:\n  inputs: standardise\n`, key: 'preprocessing.inputs', at: 'standardise', message: /standardize/ },
  {
    name: 'bad severity',
    yaml: `${BASE}checks:\n  no-regularization: of\n`,
    key: 'checks.no-regularization',
    at: 'no-regularization',
    message: /did you mean `off`/,
  },
  { name: 'smoke steps fractional', yaml: `${BASE}smoke:\n  steps: 2.5\n`, key: 'smoke.steps', at: 'steps', message: /integer/ },
  { name: 'tabular data without targets', yaml: BASE.replace('  targets: [y]\n', ''), key: 'data.targets', at: 'data:', message: /needs `data.targets`/ },
  {
    name: 'both layers and keras',
    yaml: BASE.replace('model:\n', 'model:\n  keras: model.json\n'),
    key: 'model',
    at: 'model:',
    message: /both `layers` and `keras`/,
  },
  {
    name: 'neither layers nor keras',
    yaml: BASE.replace(/model:\n.*\n.*\n.*\n/, 'model:\n  input_shape: [3]\n'),
    key: 'model',
    at: 'model:',
    message: /exactly one of `layers`/,
  },
  { name: 'no loss', yaml: BASE.replace('  loss: mse\n', '  batch_size: 8\n'), key: 'training.loss', at: 'training:', message: /no loss given/ },
  { name: 'empty layer list', yaml: BASE.replace(/  layers:\n.*\n.*\n/, '  layers: []\n'), key: 'model.layers', at: 'layers: []', message: /at least 1 item/ },
  { name: 'infinite learning rate', yaml: `${BASE}  learning_rate: .inf\n`, key: 'training.learning_rate', at: 'learning_rate', message: /learning_rate/ },
];

describe('loadConfig: invalid configs name the key, the line and what was expected', () => {
  for (const c of invalid) {
    it(c.name, async () => {
      const result = await load(c.yaml);
      assert.equal(result.ok, false);
      if (result.ok) return;
      const problem = result.problems.find((p) => p.key === c.key);
      assert.ok(problem, `a problem at ${c.key}; got ${JSON.stringify(result.problems)}`);
      assert.match(problem.message, c.message);
      assert.equal(problem.file, 'setup.preflight.yml');
      assert.equal(problem.line, lineOf(c.yaml, c.at));
      assert.ok(problem.column !== undefined && problem.column >= 1);
      if (c.expected) assert.match(problem.expected ?? '', c.expected);
      if (c.received) assert.match(problem.received ?? '', c.received);
    });
  }

  it('reports one problem per issue', async () => {
    const yaml = BASE.replace('units: 16', 'units: 0').replace('loss: mse', 'loss: msee').replace('version: 1', 'version: 1\nnmae: x');
    const result = await load(yaml);
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.problems.map((p) => p.key).sort(), ['model.layers[0].units', 'nmae', 'training.loss']);
  });

  it('enforces the layer count and size limits', async () => {
    const tooMany = await load(BASE, {}, { ...DEFAULT_CONFIG_LIMITS, maxLayers: 1 });
    assert.equal(tooMany.ok, false);
    if (!tooMany.ok) {
      assert.equal(tooMany.problems[0].key, 'model.layers');
      assert.equal(tooMany.problems[0].received, '2 items');
    }
    const tooWide = await load(BASE, {}, { ...DEFAULT_CONFIG_LIMITS, maxUnits: 10 });
    assert.equal(tooWide.ok, false);
    if (!tooWide.ok) {
      assert.equal(tooWide.problems[0].key, 'model.layers[0].units');
      assert.equal(tooWide.problems[0].expected, 'at most 10');
    }
  });
});

describe('loadConfig: hostile or broken files', () => {
  it('turns YAML syntax errors into problems with a line', async () => {
    const result = await load('version: 1\ndata: {train: a.csv\nmodel: [\n');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.ok(result.problems.length >= 1);
      assert.match(result.problems[0].message, /YAML syntax error/);
      assert.ok((result.problems[0].line ?? 0) >= 1);
    }
  });

  it('refuses duplicate keys', async () => {
    const result = await load(`${BASE}  loss: mae\n`);
    assert.equal(result.ok, false);
  });

  it('refuses an alias bomb', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = Date.now();
    const result = await load(`${levels.join('\n')}\n${BASE}`);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.problems[0].message, /aliases/);
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses deep nesting, in flow and in block style', async () => {
    const flow = await load(`version: 1\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    assert.equal(flow.ok, false);
    if (!flow.ok) assert.match(flow.problems[0].message, /nests deeper than 64/);
    const block = Array.from({ length: 80 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    const deepBlock = await load(`${block} 1\n`);
    assert.equal(deepBlock.ok, false);
    if (!deepBlock.ok) assert.match(deepBlock.problems[0].message, /nests deeper than 64/);
  });

  it('refuses long runs of structure before the YAML parser spends seconds on them', async () => {
    const started = Date.now();
    const result = await load(`${BASE}x: ${'{a: 1, b: 2} '.repeat(20_000)}\n`);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.problems[0].message, /more than 20000 keys and items/);
    assert.ok(Date.now() - started < 2000);
    const dashes = await load(`${'- '.repeat(30_000)}x\n`);
    assert.equal(dashes.ok, false);
  });

  it('still loads a config at the layer limit', async () => {
    const layers = '    - {type: dense, units: 8, activation: relu, kernel_initializer: he_normal}\n'.repeat(DEFAULT_CONFIG_LIMITS.maxLayers - 1);
    const result = await load(BASE.replace('  layers:\n', `  layers:\n${layers}`).replace('    - {type: dense, units: 16, activation: relu}\n', ''));
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems.slice(0, 2)));
    assert.equal(result.config.model.layers.length, DEFAULT_CONFIG_LIMITS.maxLayers);
    assert.equal(result.config.model.layers.at(-2)!.name, `dense_${DEFAULT_CONFIG_LIMITS.maxLayers - 1}`);
  });

  it('refuses a file over the size limit', async () => {
    const result = await load(`${BASE}# ${'x'.repeat(200)}\n`, {}, { ...DEFAULT_CONFIG_LIMITS, maxBytes: 100 });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.problems[0].message, /limit is 100/);
  });

  it('reports missing files, folders and non-mappings without throwing', async () => {
    const root = repo({ 'empty.preflight.yml': '', 'list.preflight.yml': '- 1\n- 2\n' });
    for (const [file, message] of [
      ['nope.preflight.yml', /not found/],
      ['.', /not a regular file/],
      ['empty.preflight.yml', /must be a YAML mapping/],
      ['list.preflight.yml', /must be a YAML mapping/],
    ] as const) {
      const result = await loadConfig(path.join(root, file), { root, displayPath: file });
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.problems[0].message, message);
    }
  });
});

const KERAS_BASE = `version: 1
data:
  train: data/train.csv
  targets: [y]
model:
  keras: MODEL
`;

describe('loadConfig: model.keras', () => {
  const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
  const keras2 = readFileSync(path.join(CASES, 'keras-clean', 'model.json'), 'utf8');

  it('takes loss, optimizer, learning rate and from_logits from a Keras 3 compile_config', async () => {
    const result = await load(KERAS_BASE.replace('MODEL', 'models/k3.json'), {
      'models/k3.json': readFileSync(path.join(fixtures, 'keras3-sequential.json'), 'utf8'),
    });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    const { training, model } = result.config;
    assert.equal(training.loss, 'sparse_categorical_crossentropy');
    assert.equal(training.from_logits, true);
    assert.equal(training.optimizer.name, 'sgd');
    assert.equal(training.optimizer.args.momentum, 0.9);
    assert.equal(training.learning_rate, 0.05);
    assert.equal(training.learning_rate_explicit, true);
    assert.equal(model.origin.kind === 'keras' && model.origin.file, 'models/k3.json');
  });

  it('lets training: override the file', async () => {
    const yaml = `${KERAS_BASE.replace('MODEL', 'k3.json')}training:\n  loss: categorical_crossentropy\n  learning_rate: 0.1\n`;
    const result = await load(yaml, { 'k3.json': readFileSync(path.join(fixtures, 'keras3-sequential.json'), 'utf8') });
    assert.ok(result.ok);
    assert.equal(result.config.training.loss, 'categorical_crossentropy');
    assert.equal(result.config.training.from_logits, false, "from_logits of the file belongs to the file's loss");
    assert.equal(result.config.training.learning_rate, 0.1);
  });

  it('needs a loss from somewhere: a Keras 2 file without one is a problem at training.loss', async () => {
    const result = await load(KERAS_BASE.replace('MODEL', 'model.json'), { 'model.json': keras2 });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.problems[0].key, 'training.loss');
      assert.match(result.problems[0].message, /compile_config/);
    }
  });

  it('keeps unsupported layers as data so static checks still run', async () => {
    const yaml = `${KERAS_BASE.replace('MODEL', 'lambda.json')}training:\n  loss: mse\n`;
    const result = await load(yaml, { 'lambda.json': readFileSync(path.join(fixtures, 'keras2-lambda.json'), 'utf8') });
    assert.ok(result.ok);
    assert.deepEqual(
      result.config.model.unsupported.map((u) => u.className),
      ['Lambda', 'MyCustomLayer'],
    );
  });

  it('loads TF.js weights when the shards are present, and skips them when absent', async () => {
    const values = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.01, 0.02, 0.7, -0.8, 0.05];
    const bin = Buffer.from(new Float32Array(values).buffer);
    const modelJson = readFileSync(path.join(fixtures, 'tfjs-model.json'), 'utf8');
    const yaml = `${KERAS_BASE.replace('MODEL', 'web/model.json')}`;
    const withWeights = await load(yaml, { 'web/model.json': modelJson, 'web/group1-shard1of1.bin': bin });
    assert.ok(withWeights.ok, JSON.stringify(!withWeights.ok && withWeights.problems));
    const tensors = withWeights.config.model.weights!.tensors;
    assert.deepEqual(
      tensors.map((t) => [t.name, t.shape]),
      [
        ['dense/kernel', [3, 2]],
        ['dense/bias', [2]],
        ['dense_1/kernel', [2, 1]],
        ['dense_1/bias', [1]],
      ],
    );
    assert.deepEqual(Array.from(tensors[3].values), [Math.fround(0.05)]);
    assert.equal(withWeights.config.training.loss, 'mean_absolute_error');
    assert.equal(withWeights.config.training.optimizer.name, 'rmsprop');

    const without = await load(yaml, { 'web/model.json': modelJson });
    assert.ok(without.ok);
    assert.equal(without.config.model.weights, undefined);
    // ...but not without a word: the missing shard is named, at the model key's line
    assert.equal(without.notices?.length, 1);
    assert.equal(without.notices?.[0].key, 'model.keras');
    assert.equal(without.notices?.[0].line, 6);
    assert.match(without.notices?.[0].message ?? '', /weight shard "group1-shard1of1\.bin".*does not exist/);
    assert.equal(withWeights.notices, undefined);

    const truncated = await load(yaml, { 'web/model.json': modelJson, 'web/group1-shard1of1.bin': bin.subarray(0, 20) });
    assert.equal(truncated.ok, false);
  });

  it('refuses model paths that leave the repository, are absolute, missing, not JSON or not files', async () => {
    const outside = repo({ 'model.json': keras2 });
    const table: [string, Record<string, string>, RegExp][] = [
      ['../model.json', {}, /leaves the repository/],
      [path.join(outside, 'model.json'), {}, /absolute paths are not allowed/],
      ['missing.json', {}, /does not exist/],
      ['broken.json', { 'broken.json': '{"class_name": ' }, /not valid JSON/],
      ['layer.json', { 'layer.json': '{"class_name": "Dense", "config": {}}' }, /^layer\.json: the Keras model is a `Dense`/],
      ['folder', { 'folder/x': '' }, /not a regular file/],
    ];
    for (const [relative, files, message] of table) {
      const yaml = `${KERAS_BASE.replace('MODEL', JSON.stringify(relative))}training:\n  loss: mse\n`;
      const result = await load(yaml, files);
      assert.equal(result.ok, false, relative);
      if (!result.ok) {
        assert.equal(result.problems[0].key, 'model.keras');
        assert.equal(result.problems[0].line, 6);
        assert.match(result.problems[0].message, message);
      }
    }
  });

  it('refuses a symlink that points outside the repository and a FIFO', async () => {
    const outside = repo({ 'model.json': keras2 });
    const root = repo({ 'setup.preflight.yml': `${KERAS_BASE.replace('MODEL', 'link.json')}training:\n  loss: mse\n` });
    symlinkSync(path.join(outside, 'model.json'), path.join(root, 'link.json'));
    const linked = await loadConfig(path.join(root, 'setup.preflight.yml'), { root, displayPath: 'setup.preflight.yml' });
    assert.equal(linked.ok, false);
    if (!linked.ok) assert.match(linked.problems[0].message, /symbolic link/);

    const fifoRoot = repo({ 'setup.preflight.yml': `${KERAS_BASE.replace('MODEL', 'pipe.json')}training:\n  loss: mse\n` });
    execFileSync('mkfifo', [path.join(fifoRoot, 'pipe.json')]);
    const fifo = await loadConfig(path.join(fifoRoot, 'setup.preflight.yml'), { root: fifoRoot, displayPath: 'setup.preflight.yml' });
    assert.equal(fifo.ok, false);
    if (!fifo.ok) assert.match(fifo.problems[0].message, /not a regular file/);
  });

  it('rejects nonsense sizes inside a model file before anything counts parameters', async () => {
    const bad = JSON.parse(keras2);
    bad.config.layers[1].config.units = -3;
    const yaml = `${KERAS_BASE.replace('MODEL', 'bad.json')}training:\n  loss: mse\n`;
    const result = await load(yaml, { 'bad.json': JSON.stringify(bad) });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.problems[0].message, /units -3/);
  });

  it('reads the shared keras case next to its config', async () => {
    const root = repo({});
    mkdirSync(root, { recursive: true });
    copyFileSync(path.join(CASES, 'keras-clean', 'model.json'), path.join(root, 'model.json'));
    copyFileSync(path.join(CASES, 'keras-clean', 'preflight.yml'), path.join(root, 'keras.preflight.yml'));
    const result = await loadConfig(path.join(root, 'keras.preflight.yml'), { root, displayPath: 'keras.preflight.yml' });
    assert.ok(result.ok);
    assert.deepEqual(result.config.model.input_shape, [6]);
    assert.equal(result.config.model.layers.length, 3);
  });
});

describe('loadConfig: watch', () => {
  it('keeps the repository-relative globs', async () => {
    const result = await load(`${BASE}watch: [train.py, "model/**"]\n`);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    assert.deepEqual(result.config.watch, ['train.py', 'model/**']);
  });

  it('is absent when not given', async () => {
    const result = await load(BASE);
    assert.ok(result.ok);
    assert.equal(result.config.watch, undefined);
  });

  for (const [what, glob] of [
    ['leaves the repository', '../secrets/*'],
    ['is absolute', '/etc/passwd'],
  ] as const) {
    it(`refuses a glob that ${what}, at its line`, async () => {
      const yaml = `${BASE}watch:\n  - train.py\n  - ${glob}\n`;
      const result = await load(yaml);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.problems.length, 1);
      assert.equal(result.problems[0].key, 'watch[1]');
      assert.equal(result.problems[0].line, lineOf(yaml, glob));
      assert.match(result.problems[0].message, /relative to the repository root/);
    });
  }

  it('refuses a single string: watch is a list', async () => {
    const result = await load(`${BASE}watch: train.py\n`);
    assert.equal(result.ok, false);
  });
});
