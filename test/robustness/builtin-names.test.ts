// Names that are also members of Object.prototype (`constructor`, `__proto__`, `valueOf`, `toString`,
// `hasOwnProperty`) are unknown names wherever a config, a Keras model file or a data file uses them:
// a config-error with the known names, never a built-in function that crashes or misbuilds the run.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { parseKerasModel } from '../../src/config/keras.ts';
import { canonicalActivation, canonicalInitializer, canonicalLoss } from '../../src/config/names.ts';
import { toInitializer } from '../../src/config/layers.ts';
import { canonicalLossName, makeLoss } from '../../src/engine/losses.ts';
import { runCheckWithRuns } from '../../src/pipeline.ts';

const BUILTIN_NAMES = ['constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty'];

const scratch = mkdtempSync(path.join(tmpdir(), 'nnp-builtin-names-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

function repo(files: Record<string, string>): string {
  const root = path.join(scratch, `repo${counter++}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

const TRAIN_CSV = ['x1,x2,y', ...Array.from({ length: 24 }, (_, i) => `${i % 7},${i % 5},${i % 2}`)].join('\n') + '\n';

function yamlConfig(overrides: { loss?: string; activation?: string; initializer?: string; optimizer?: string; type?: string; extra?: string }): string {
  return [
    'version: 1',
    'data:',
    '  train: data/train.csv',
    '  targets: [y]',
    'model:',
    '  layers:',
    `    - {type: ${overrides.type ?? 'dense'}, units: 4, activation: ${overrides.activation ?? 'relu'}, kernel_initializer: ${overrides.initializer ?? 'he_normal'}}`,
    '    - {type: dense, units: 1, activation: sigmoid}',
    'training:',
    `  loss: ${overrides.loss ?? 'binary_crossentropy'}`,
    `  optimizer: ${overrides.optimizer ?? 'adam'}`,
    ...(overrides.extra ? [overrides.extra] : []),
    '',
  ].join('\n');
}

async function loadYaml(yaml: string) {
  const root = repo({ 'setup.preflight.yml': yaml, 'data/train.csv': TRAIN_CSV });
  return loadConfig(path.join(root, 'setup.preflight.yml'), { root, displayPath: 'setup.preflight.yml' });
}

function kerasModel(
  layer: { class_name: string; config?: Record<string, unknown> },
  compile: Record<string, unknown> = { loss: 'binary_crossentropy', optimizer: 'adam' },
) {
  return {
    class_name: 'Sequential',
    config: {
      name: 'sequential',
      layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 2], name: 'input' } },
        layer,
        { class_name: 'Dense', config: { name: 'out', units: 1, activation: 'sigmoid' } },
      ],
    },
    training_config: compile,
  };
}

describe('the name tables answer built-in property names with "unknown"', () => {
  for (const name of BUILTIN_NAMES) {
    it(`${name}`, () => {
      assert.equal(canonicalActivation(name), undefined);
      assert.equal(canonicalLoss(name), undefined);
      assert.equal(canonicalInitializer(name), undefined);
      assert.equal(toInitializer(name), undefined);
      assert.equal(typeof canonicalLossName(name), 'string');
      assert.equal(makeLoss(name, false), undefined);
    });
  }
});

describe('a YAML config naming a built-in property is a config-error at its key', () => {
  const places: { key: string; yaml: (name: string) => string }[] = [
    { key: 'training.loss', yaml: (name) => yamlConfig({ loss: name }) },
    { key: 'model.layers[0].activation', yaml: (name) => yamlConfig({ activation: name }) },
    { key: 'model.layers[0].kernel_initializer', yaml: (name) => yamlConfig({ initializer: name }) },
    { key: 'model.layers[0].kernel_initializer', yaml: (name) => yamlConfig({ initializer: `{name: ${name}}` }) },
    { key: 'training.optimizer', yaml: (name) => yamlConfig({ optimizer: name }) },
    { key: 'training.optimizer', yaml: (name) => yamlConfig({ optimizer: `{name: ${name}}` }) },
    { key: 'model.layers[0].type', yaml: (name) => yamlConfig({ type: name }) },
    // The PyTorch vocabulary's tables: torch loss and optimizer names, optimizer arguments under both
    // frameworks (each looks the key up in a table of the other framework's spellings).
    { key: 'training.loss', yaml: (name) => yamlConfig({ loss: name, extra: '  framework: pytorch' }) },
    { key: 'training.optimizer', yaml: (name) => yamlConfig({ optimizer: name, extra: '  framework: pytorch' }) },
    { key: 'training.optimizer', yaml: (name) => yamlConfig({ optimizer: `{name: SGD, ${name}: 1}`, extra: '  framework: pytorch' }) },
    { key: 'training.optimizer', yaml: (name) => yamlConfig({ optimizer: `{name: adam, ${name}: 1}` }) },
  ];
  for (const name of BUILTIN_NAMES) {
    for (const place of places) {
      it(`${place.key} = ${name}`, async () => {
        const result = await loadYaml(place.yaml(name));
        assert.equal(result.ok, false, `${place.key}: ${name} must not load`);
        if (result.ok) return;
        assert.ok(result.problems.length > 0);
        const problem = result.problems[0];
        assert.ok(problem.key?.startsWith(place.key.replace(/\.type$/, '')), JSON.stringify(result.problems));
        assert.ok(problem.line !== undefined, 'the problem names a line');
        // A built-in member that leaked out of a table shows up as its source text in a message.
        assert.doesNotMatch(JSON.stringify(result.problems), /native code|function |\[object /);
      });
    }
  }
});

describe('a Keras model file naming a built-in property reads it as an unknown name', () => {
  for (const name of BUILTIN_NAMES) {
    it(`class_name ${name} is a layer nn-preflight cannot build`, () => {
      const result = parseKerasModel(kerasModel({ class_name: name, config: { name: 'odd', units: 3 } }), 'model.json');
      assert.ok(result.ok);
      assert.deepEqual(
        result.model.layers.map((l) => l.name),
        ['out'],
      );
      assert.deepEqual(
        result.model.unsupported.map((u) => [u.name, u.className]),
        [['odd', name]],
      );
    });

    it(`activation, initializer, loss and optimizer named ${name} stay names`, () => {
      const result = parseKerasModel(
        kerasModel(
          {
            class_name: 'Dense',
            config: { name: 'hidden', units: 3, activation: { class_name: name, config: {} }, kernel_initializer: { class_name: name, config: {} } },
          },
          { loss: { class_name: name, config: {} }, optimizer: { class_name: name, config: { learning_rate: 0.01 } } },
        ),
        'model.json',
      );
      assert.ok(result.ok);
      const hidden = result.model.layers[0];
      // Everything that crosses to the smoke worker must survive structured cloning.
      assert.doesNotThrow(() => structuredClone(result.model));
      assert.equal(typeof hidden.activation, 'string');
      assert.equal(typeof hidden.kernel_initializer?.name, 'string');
      assert.equal(typeof result.model.compile?.loss, 'string');
      assert.equal(typeof result.model.compile?.optimizer?.name, 'string');
    });
  }
});

describe('the pipeline keeps such names as data end to end', () => {
  it('a Keras model whose loss and optimizer are built-in names loads into plain, cloneable evidence', async () => {
    const model = kerasModel(
      { class_name: 'Dense', config: { name: 'hidden', units: 3, activation: 'relu' } },
      { loss: 'constructor', optimizer: { class_name: 'constructor', config: {} } },
    );
    const root = repo({
      'setup.preflight.yml': ['version: 1', 'data:', '  train: data/train.csv', '  targets: [y]', 'model:', '  keras: model.json', ''].join('\n'),
      'model.json': JSON.stringify(model),
      'data/train.csv': TRAIN_CSV,
    });
    const { report, runs } = await runCheckWithRuns({ root, configs: [path.join(root, 'setup.preflight.yml')], smoke: false, backend: 'cpu', failOn: 'never' });
    const config = runs[0].evidence?.config;
    assert.ok(config, JSON.stringify(report.results[0].findings));
    assert.equal(config.training.loss, 'constructor');
    assert.equal(typeof config.training.learning_rate, 'number');
    assert.doesNotThrow(() => structuredClone(config));
  });

  it('a JSON-lines record missing a column named like a built-in reads the cell as missing', async () => {
    const lines = [JSON.stringify({ constructor: 1, toString: 2, y: 0 }), JSON.stringify({ y: 1 }), JSON.stringify({ constructor: 3, toString: 4, y: 1 })];
    const root = repo({
      'setup.preflight.yml': [
        'version: 1',
        'data:',
        '  train: data/train.jsonl',
        '  targets: [y]',
        'model:',
        '  layers:',
        '    - {type: dense, units: 1, activation: sigmoid}',
        'training:',
        '  loss: binary_crossentropy',
        '',
      ].join('\n'),
      'data/train.jsonl': lines.join('\n') + '\n',
    });
    const { runs } = await runCheckWithRuns({ root, configs: [path.join(root, 'setup.preflight.yml')], smoke: false, backend: 'cpu', failOn: 'never' });
    const features = runs[0].evidence?.data?.train.split.features;
    assert.ok(features, JSON.stringify(runs[0].result.findings));
    const constructorColumn = features.find((f) => f.name === 'constructor');
    assert.ok(constructorColumn);
    assert.equal(constructorColumn.text, 0, 'no cell was read as text (a function)');
    assert.equal(constructorColumn.empty, 1);
  });
});
