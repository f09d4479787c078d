import path from 'node:path';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseKerasModel } from '../../src/config/keras.ts';
import { summarizeModel } from '../../src/model/summarize.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const sharedCase = (name: string): unknown => JSON.parse(readFileSync(path.join(SHARED_CASES_DIR, name, 'model.json'), 'utf8'));

function parse(json: unknown) {
  const result = parseKerasModel(json, 'model.json');
  if (!result.ok) assert.fail(`expected a model, got ${JSON.stringify(result.problems)}`);
  return result.model;
}

describe('parseKerasModel: Keras 2 to_json()', () => {
  it('reads the shared keras-clean model', () => {
    const model = parse(sharedCase('keras-clean'));
    assert.deepEqual(model.origin, { kind: 'keras', file: 'model.json', format: 'keras2' });
    assert.deepEqual(model.input_shape, [6]);
    assert.deepEqual(
      model.layers.map((l) => [l.type, l.name, l.units, l.activation]),
      [
        ['dense', 'dense', 32, 'relu'],
        ['dense', 'dense_1', 16, 'relu'],
        ['dense', 'dense_2', 4, 'softmax'],
      ],
    );
    assert.deepEqual(model.layers[0].kernel_initializer, { name: 'glorot_uniform' });
    assert.deepEqual(model.layers[0].bias_initializer, { name: 'zeros' });
    assert.deepEqual(model.unsupported, []);
    assert.equal(model.compile, undefined);
  });

  it('keeps the linear output of keras-logits-with-crossentropy', () => {
    const model = parse(sharedCase('keras-logits-with-crossentropy'));
    assert.equal(model.layers.at(-1)!.activation, 'linear');
  });

  it('reads a linear Functional model with conv, batch norm and a ReLU layer', () => {
    const model = parse(fixture('keras2-functional.json'));
    assert.deepEqual(model.input_shape, [8, 8, 1]);
    assert.deepEqual(
      model.layers.map((l) => l.type),
      ['conv2d', 'batch_normalization', 'activation', 'global_average_pooling2d', 'dense'],
    );
    assert.deepEqual(model.layers[0].kernel_size, [3, 3]);
    assert.deepEqual(model.layers[0].kernel_regularizer, { l1: 0.001, l2: 0.002 });
    assert.equal(model.layers[1].extra?.momentum, 0.9);
    assert.equal(model.layers[2].activation, 'relu');
    assert.deepEqual(model.unsupported, []);
    const summary = summarizeModel(model, model.input_shape!);
    // conv 3*3*1*4+4 = 40, batch norm 4*4 = 16, dense 4*1+1 = 5
    assert.equal(summary.totalParams, 40 + 16 + 5);
    assert.equal(summary.layers[0].activation, 'relu');
    assert.equal(summary.finalActivation, 'sigmoid');
  });

  it('never builds Lambda or custom layers and says why', () => {
    const model = parse(fixture('keras2-lambda.json'));
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['dense', 'dense_1'],
    );
    assert.deepEqual(
      model.unsupported.map((u) => [u.name, u.className]),
      [
        ['lambda', 'Lambda'],
        ['my_custom_layer', 'MyCustomLayer'],
      ],
    );
    assert.match(model.unsupported[0].reason, /never runs code from a pull request/);
    assert.match(model.unsupported[1].reason, /MyCustomLayer/);
  });

  it('refuses channels_first layers instead of guessing their shapes', () => {
    const json = fixture('keras2-functional.json') as { config: { layers: { config: Record<string, unknown> }[] } };
    json.config.layers[1].config.data_format = 'channels_first';
    const model = parse(json);
    assert.deepEqual(
      model.unsupported.map((u) => u.name),
      ['conv2d'],
    );
    assert.match(model.unsupported[0].reason, /channels_first/);
  });

  it('names the merging layer of a branching Functional model', () => {
    const model = parse(fixture('keras2-branching.json'));
    const names = model.unsupported.map((u) => u.name);
    assert.ok(names.includes('add'));
    assert.ok(names.includes('x'), 'the input feeds two layers');
  });
});

describe('parseKerasModel: Keras 3', () => {
  const model = parse(fixture('keras3-sequential.json'));

  it('detects the format and the batch_shape input', () => {
    assert.equal(model.origin.kind === 'keras' && model.origin.format, 'keras3');
    assert.deepEqual(model.input_shape, [10, 3]);
  });

  it('reads initializer dicts, activation objects and regularizers', () => {
    const [gru, dense, dropout, out, act] = model.layers;
    assert.equal(gru.type, 'gru');
    assert.equal(gru.recurrent_initializer?.name, 'orthogonal');
    assert.equal(gru.extra?.reset_after, true);
    assert.equal(dense.activation, 'leaky_relu');
    assert.deepEqual(dense.kernel_initializer, { name: 'he_normal', seed: 7 });
    assert.deepEqual(dense.bias_initializer, { name: 'constant', value: 0.1 });
    assert.deepEqual(dense.kernel_regularizer, { l1: 0, l2: 0.0001 });
    assert.equal(dropout.rate, 0.25);
    assert.equal(out.activation, 'swish');
    assert.equal(out.kernel_initializer?.name, 'glorot_uniform', 'VarianceScaling(1, fan_avg, uniform) is glorot_uniform');
    assert.equal(act.activation, 'softmax');
  });

  it('reads compile_config: loss object with from_logits, optimizer and learning rate', () => {
    assert.deepEqual(model.compile, {
      loss: 'sparse_categorical_crossentropy',
      from_logits: true,
      optimizer: { name: 'sgd', args: { momentum: 0.9, nesterov: true, use_ema: false } },
      learning_rate: 0.05,
    });
  });

  it('summarizes: gru 3*(8*(3+8)+2*8) = 312, dense 8*16+16 = 144, dense 16*3+3 = 51', () => {
    const summary = summarizeModel(model, model.input_shape!);
    assert.deepEqual(
      summary.layers.map((l) => l.params),
      [312, 144, 0, 51, 0],
    );
    assert.equal(summary.finalActivation, 'swish+softmax');
  });
});

describe('parseKerasModel: Keras 3 Functional', () => {
  const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 4], dtype: 'float32', keras_history: [layer, 0, 0] } });
  const layer = (className: string, name: string, config: Record<string, unknown>, inbound: string[]) => ({
    module: 'keras.layers',
    class_name: className,
    config: { name, ...config },
    registered_name: null,
    inbound_nodes: inbound.length === 0 ? [] : [{ args: inbound.length === 1 ? [tensor(inbound[0])] : [inbound.map(tensor)], kwargs: {} }],
  });
  const functional = (layers: unknown[]) => ({
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: { name: 'f', layers },
    registered_name: 'Functional',
  });

  it('reads a linear chain written with keras_history', () => {
    const model = parse(
      functional([
        layer('InputLayer', 'input_layer', { batch_shape: [null, 4] }, []),
        layer('Dense', 'hidden', { units: 3, activation: 'elu' }, ['input_layer']),
        layer('Dense', 'out', { units: 1, activation: 'sigmoid' }, ['hidden']),
      ]),
    );
    assert.equal(model.origin.kind === 'keras' && model.origin.format, 'keras3');
    assert.deepEqual(model.input_shape, [4]);
    assert.deepEqual(
      model.layers.map((l) => [l.name, l.activation]),
      [
        ['hidden', 'elu'],
        ['out', 'sigmoid'],
      ],
    );
    assert.deepEqual(model.unsupported, []);
  });

  it('names the layer that merges two branches', () => {
    const model = parse(
      functional([
        layer('InputLayer', 'input_layer', { batch_shape: [null, 4] }, []),
        layer('Dense', 'left', { units: 4 }, ['input_layer']),
        layer('Concatenate', 'concat', { axis: -1 }, ['input_layer', 'left']),
        layer('Dense', 'out', { units: 1 }, ['concat']),
      ]),
    );
    assert.equal(model.unsupported.filter((u) => u.name === 'concat').length, 1);
    const concat = model.unsupported.find((u) => u.name === 'concat');
    assert.ok(concat);
    assert.match(concat.reason, /takes 2 inputs/);
  });
});

describe('parseKerasModel: TF.js model.json', () => {
  it('unwraps modelTopology.model_config and reads training_config', () => {
    const model = parse(fixture('tfjs-model.json'));
    assert.equal(model.origin.kind === 'keras' && model.origin.format, 'tfjs');
    assert.deepEqual(model.input_shape, [3]);
    assert.deepEqual(
      model.layers.map((l) => l.units),
      [2, 1],
    );
    assert.deepEqual(model.compile, {
      loss: 'mean_absolute_error',
      optimizer: { name: 'rmsprop', args: { rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
      learning_rate: 0.002,
    });
  });

  it('reads a topology saved by TF.js itself (no model_config wrapper)', () => {
    const wrapped = fixture('tfjs-model.json') as { modelTopology: { model_config: unknown } };
    const model = parse({ modelTopology: wrapped.modelTopology.model_config, weightsManifest: [] });
    assert.equal(model.layers.length, 2);
  });
});

describe('parseKerasModel: broken files become problems', () => {
  const table: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /not a JSON object/],
    ['no class_name', { config: {} }, /class_name/],
    ['a single layer, not a model', { class_name: 'Dense', config: {} }, /Dense/],
    ['no layers', { class_name: 'Sequential', config: {} }, /config.layers/],
    ['a layer without class_name', { class_name: 'Sequential', config: { layers: [{ config: {} }] } }, /layer 0/],
    ['null', null, /not a JSON object/],
  ];
  for (const [name, json, message] of table) {
    it(name, () => {
      const result = parseKerasModel(json, 'm.json');
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.problems.length, 1);
        assert.match(result.problems[0].message, message);
        assert.equal(result.problems[0].file, 'm.json');
      }
    });
  }
});
