import path from 'node:path';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseKerasModel } from '../../src/config/keras.ts';
import { buildLayerSpec } from '../../src/config/layers.ts';
import type { LayerSpec, LayerType, ModelSpec } from '../../src/config/types.ts';
import { estimateTrainingMemoryBytes, summarizeModel } from '../../src/model/summarize.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

function layer(type: LayerType, args: Record<string, unknown> = {}): LayerSpec {
  return buildLayerSpec(type, `${type}_x`, args);
}

function model(...layers: LayerSpec[]): ModelSpec {
  return { layers, origin: { kind: 'layers' }, unsupported: [] };
}

describe('summarizeModel parameter counts (Keras formulas)', () => {
  it('counts the shared keras-clean model: 6 -> 32 -> 16 -> 4 is 224 + 528 + 68 = 820', () => {
    const parsed = parseKerasModel(JSON.parse(readFileSync(path.join(SHARED_CASES_DIR, 'keras-clean/model.json'), 'utf8')), 'model.json');
    assert.ok(parsed.ok);
    const summary = summarizeModel(parsed.model, parsed.model.input_shape!);
    assert.deepEqual(
      summary.layers.map((l) => l.params),
      [6 * 32 + 32, 32 * 16 + 16, 16 * 4 + 4],
    );
    assert.equal(summary.totalParams, 820);
    assert.equal(summary.trainableParams, 820);
    assert.deepEqual(summary.outputShape, [4]);
    assert.equal(summary.outputUnits, 4);
    assert.equal(summary.finalActivation, 'softmax');
    assert.equal(summary.finalLayerIndex, 2);
  });

  it('matches the Keras MNIST convnet example (34,826 parameters)', () => {
    const summary = summarizeModel(
      model(
        layer('conv2d', { filters: 32, kernel_size: 3, activation: 'relu' }),
        layer('max_pooling2d', { pool_size: 2 }),
        layer('conv2d', { filters: 64, kernel_size: [3, 3], activation: 'relu' }),
        layer('max_pooling2d', { pool_size: 2 }),
        layer('flatten'),
        layer('dropout', { rate: 0.5 }),
        layer('dense', { units: 10, activation: 'softmax' }),
      ),
      [28, 28, 1],
    );
    assert.deepEqual(
      summary.layers.map((l) => l.outputShape),
      [[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [1600], [1600], [10]],
    );
    assert.deepEqual(
      summary.layers.map((l) => l.params),
      [320, 0, 18496, 0, 0, 0, 16010],
    );
    assert.equal(summary.totalParams, 34826);
    assert.deepEqual(summary.problems, []);
  });

  it('handles same padding and strides like conv_output_length', () => {
    const same = summarizeModel(model(layer('conv2d', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' })), [7, 7, 3]);
    assert.deepEqual(same.outputShape, [4, 4, 4]);
    assert.equal(same.totalParams, 3 * 3 * 3 * 4 + 4);
    const conv1d = summarizeModel(model(layer('conv1d', { filters: 16, kernel_size: 3, strides: 2 })), [20, 4]);
    assert.deepEqual(conv1d.outputShape, [9, 16]);
    assert.equal(conv1d.totalParams, 3 * 4 * 16 + 16);
    // dilation 2 makes a 3-wide kernel span 5 inputs: 10 - 5 + 1 = 6
    const dilated = summarizeModel(model(layer('conv1d', { filters: 2, kernel_size: 3, dilation_rate: 2 })), [10, 1]);
    assert.deepEqual(dilated.outputShape, [6, 2]);
    assert.equal(dilated.totalParams, 3 * 1 * 2 + 2);
    const noBias = summarizeModel(model(layer('dense', { units: 5, use_bias: false })), [3]);
    assert.equal(noBias.totalParams, 15);
  });

  it('counts recurrent layers: lstm 4(u(i+u)+u), gru with reset_after 3(u(i+u)+2u), simple_rnn u(i+u)+u', () => {
    const u = 32;
    const i = 8;
    const lstm = summarizeModel(model(layer('lstm', { units: u })), [10, i]);
    assert.equal(lstm.totalParams, 4 * (u * (i + u) + u));
    assert.deepEqual(lstm.outputShape, [u]);
    const gru = summarizeModel(model(layer('gru', { units: u, return_sequences: true })), [10, i]);
    assert.equal(gru.totalParams, 3 * (u * (i + u) + 2 * u));
    assert.deepEqual(gru.outputShape, [10, u]);
    const gruClassic = summarizeModel(model(layer('gru', { units: u, reset_after: false })), [10, i]);
    assert.equal(gruClassic.totalParams, 3 * (u * (i + u) + u));
    const rnn = summarizeModel(model(layer('simple_rnn', { units: u })), [10, i]);
    assert.equal(rnn.totalParams, u * (i + u) + u);
  });

  it('counts embedding, batch and layer normalization', () => {
    const summary = summarizeModel(
      model(layer('embedding', { input_dim: 1000, output_dim: 64 }), layer('flatten'), layer('batch_normalization'), layer('layer_normalization')),
      [10],
    );
    assert.deepEqual(summary.layers[0].outputShape, [10, 64]);
    assert.equal(summary.layers[0].params, 64000);
    assert.equal(summary.layers[2].params, 4 * 640);
    assert.equal(summary.layers[3].params, 2 * 640);
    assert.equal(summary.totalParams, 64000 + 4 * 640 + 2 * 640);
    assert.equal(summary.trainableParams, 64000 + 2 * 640 + 2 * 640);
    assert.equal(summary.hasNormalization, true);
  });

  it('resolves reshape with -1 and global pooling', () => {
    const summary = summarizeModel(model(layer('reshape', { target_shape: [-1, 4, 3] }), layer('global_average_pooling2d')), [48]);
    assert.deepEqual(summary.layers[0].outputShape, [4, 4, 3]);
    assert.deepEqual(summary.outputShape, [3]);
  });
});

describe('summarizeModel activations and facts', () => {
  it('counts an activation layer after a dense layer as its activation, across dropout', () => {
    const summary = summarizeModel(
      model(
        layer('dense', { units: 8, activation: 'relu' }),
        layer('dense', { units: 3 }),
        layer('dropout', { rate: 0.3 }),
        layer('activation', { activation: 'sigmoid' }),
      ),
      [5],
    );
    assert.equal(summary.layers[1].activation, 'sigmoid');
    assert.equal(summary.layers[0].activation, 'relu');
    assert.equal(summary.finalActivation, 'sigmoid');
    assert.equal(summary.finalLayerIndex, 1);
    assert.equal(summary.hasDropout, true);
    assert.equal(summary.maxDropout, 0.3);
  });

  it('reports two softmaxes as softmax+softmax', () => {
    const summary = summarizeModel(model(layer('dense', { units: 4, activation: 'softmax' }), layer('activation', { activation: 'softmax' })), [5]);
    assert.equal(summary.finalActivation, 'softmax+softmax');
  });

  it('takes the largest regularization factor', () => {
    const summary = summarizeModel(
      model(layer('dense', { units: 4, kernel_regularizer: { l2: 0.01 } }), layer('dense', { units: 1, kernel_regularizer: { l1_l2: { l1: 0.5, l2: 0.1 } } })),
      [3],
    );
    assert.equal(summary.maxPenalty, 0.5);
    assert.equal(summary.hasDropout, false);
    assert.equal(summary.hasNormalization, false);
  });

  it('applies dense on the last axis of a higher-rank input, as Keras does', () => {
    const summary = summarizeModel(model(layer('dense', { units: 10 })), [4, 4, 3]);
    assert.deepEqual(summary.outputShape, [4, 4, 10]);
    assert.equal(summary.totalParams, 3 * 10 + 10);
    assert.deepEqual(summary.problems, []);
  });

  it('reports layers that do not fit their input as problems instead of throwing', () => {
    const conv = summarizeModel(model(layer('dense', { units: 4 }), layer('conv2d', { filters: 2, kernel_size: 3 }), layer('dense', { units: 1 })), [6]);
    assert.equal(conv.problems.length, 1);
    assert.equal(conv.problems[0].layerIndex, 1);
    assert.match(conv.problems[0].message, /conv2d/);
    const tooSmall = summarizeModel(model(layer('conv2d', { filters: 2, kernel_size: 5 })), [3, 3, 1]);
    assert.equal(tooSmall.problems.length, 1);
    const badReshape = summarizeModel(model(layer('reshape', { target_shape: [5, 5] })), [24]);
    assert.equal(badReshape.problems.length, 1);
    const lstmFlat = summarizeModel(model(layer('lstm', { units: 4 })), [6]);
    assert.equal(lstmFlat.problems.length, 1);
  });

  it('excludes frozen layers from the trainable count', () => {
    const frozen = summarizeModel(model(layer('dense', { units: 4, trainable: false }), layer('dense', { units: 1 })), [3]);
    assert.equal(frozen.totalParams, 16 + 5);
    assert.equal(frozen.trainableParams, 5);
  });
});

describe('estimateTrainingMemoryBytes', () => {
  it('adds four float copies per parameter and two per activation per sample', () => {
    const summary = summarizeModel(model(layer('dense', { units: 10 }), layer('dense', { units: 2 })), [5]);
    const params = 5 * 10 + 10 + 10 * 2 + 2;
    const activations = 5 + 10 + 2;
    assert.equal(estimateTrainingMemoryBytes(summary, 8), params * 4 * 4 + activations * 8 * 4 * 2);
    assert.ok(estimateTrainingMemoryBytes(summary, 64) > estimateTrainingMemoryBytes(summary, 8));
  });
});

describe('summarizeModel with branches (`inbound`)', () => {
  const wired = (spec: LayerSpec, inbound: number[]): LayerSpec => ({ ...spec, inbound });

  it('follows each layer to its inputs: a concatenate of two dense branches sums their widths', () => {
    const summary = summarizeModel(
      model(
        wired(layer('dense', { units: 8 }), [-1]),
        wired(layer('dense', { units: 6 }), [-1]),
        wired(layer('concatenate'), [0, 1]),
        wired(layer('dense', { units: 1 }), [2]),
      ),
      [4],
    );
    assert.deepEqual(
      summary.layers.map((l) => l.outputShape),
      [[8], [6], [14], [1]],
    );
    assert.equal(summary.totalParams, 40 + 30 + 15);
    assert.deepEqual(summary.layers[1].inputShape, [4]);
  });

  it('an add of two shapes is a shape problem at that layer', () => {
    const summary = summarizeModel(model(wired(layer('dense', { units: 8 }), [-1]), wired(layer('add'), [0, -1])), [4]);
    assert.equal(summary.problems.length, 1);
    assert.match(summary.problems[0].message, /add takes inputs of one shape, got \[8\] and \[4\]/);
  });
});
