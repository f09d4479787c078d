import { check as hiddenBottleneck } from '../../src/checks/hidden-bottleneck.ts';
import { check as missingHiddenActivation } from '../../src/checks/missing-hidden-activation.ts';
import { check as constantInitialization } from '../../src/checks/constant-initialization.ts';
import { check as tooDeep } from '../../src/checks/too-deep.ts';
import { check as noRegularization } from '../../src/checks/no-regularization.ts';
import { check as overRegularized } from '../../src/checks/over-regularized.ts';
import { check as initScaleMismatch } from '../../src/checks/init-scale-mismatch.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OnnxOrigin } from '../../src/config/types.ts';
import type { MessageRef } from '../../src/checks/types.ts';
import { renderMessage } from '../../src/checks/messages.ts';
import { classData, dense, makeEvidence, probe, type LayerInput } from './factory.ts';
import { runTable } from './table.ts';

const sparse = 'sparse_categorical_crossentropy';
const repeat = (n: number, layer: LayerInput): LayerInput[] => Array.from({ length: n }, () => ({ ...layer }));

runTable(hiddenBottleneck, {
  valid: [
    { name: 'wide hidden layers', setup: { train: classData(4), loss: sparse, layers: [dense(64, 'relu'), dense(32, 'relu'), dense(4, 'softmax')] } },
    { name: 'default regression', setup: {} },
  ],
  invalid: [
    {
      name: 'one-unit hidden layer',
      setup: { train: classData(4), loss: sparse, layers: [dense(64, 'relu'), dense(1, 'relu'), dense(4, 'softmax')] },
      expect: { count: 1, key: 'model.layers[1].units', evidence: { width: 1, outputUnits: 4 }, suggestion: 'units: 16' },
    },
    {
      name: 'hidden narrower than output',
      setup: { train: classData(10), loss: sparse, layers: [dense(64, 'relu'), dense(6, 'relu'), dense(10, 'softmax')] },
      expect: { evidence: { width: 6, outputUnits: 10 }, suggestion: 'units: 20' },
    },
  ],
});

runTable(missingHiddenActivation, {
  valid: [
    { name: 'relu hidden layers', setup: {} },
    { name: 'linear dense followed by an activation layer', setup: { layers: [dense(16), { type: 'activation', activation: 'relu' }, dense(1)] } },
    { name: 'linear output only', setup: { layers: [dense(16, 'tanh'), dense(1)] } },
  ],
  invalid: [
    {
      name: 'two linear layers',
      setup: { layers: [dense(64), dense(64), dense(1)] },
      expect: { count: 2, key: 'model.layers[0].activation', suggestion: '{type: dense, units: 64, activation: relu}' },
    },
    {
      name: 'linear layers around dropout',
      setup: { layers: [dense(64, 'linear'), { type: 'dropout', rate: 0.1 }, dense(1)] },
      expect: { count: 1, evidence: { index: 0 }, suggestion: 'activation: relu' },
    },
  ],
});

runTable(constantInitialization, {
  valid: [
    { name: 'default initializers', setup: {} },
    { name: 'zeros on the output layer only', setup: { layers: [dense(16, 'relu'), dense(1, 'linear', { kernel_initializer: 'zeros' })] } },
  ],
  invalid: [
    {
      name: 'zeros on a relu hidden layer',
      setup: { layers: [dense(16, 'relu', { kernel_initializer: 'zeros' }), dense(1)] },
      expect: { severity: 'error', key: 'model.layers[0].kernel_initializer', evidence: { initializer: 'zeros' }, suggestion: 'kernel_initializer: he_normal' },
    },
    {
      name: 'constant on a tanh hidden layer',
      setup: { layers: [dense(16, 'tanh', { kernel_initializer: { name: 'constant', value: 0.1 } }), dense(1)] },
      expect: { evidence: { initializer: 'constant', value: 0.1 }, suggestion: 'kernel_initializer: glorot_uniform' },
    },
  ],
});

runTable(tooDeep, {
  valid: [
    { name: '8 sigmoid layers', setup: { layers: [...repeat(8, dense(32, 'sigmoid')), dense(1)] } },
    { name: '20 relu layers', setup: { layers: [...repeat(19, dense(32, 'relu')), dense(1)] } },
    { name: '24 sigmoid layers with normalization', setup: { layers: [...repeat(24, dense(32, 'sigmoid')), { type: 'batch_normalization' }, dense(1)] } },
  ],
  invalid: [
    {
      name: '24 sigmoid layers',
      setup: { layers: [...repeat(24, dense(32, 'sigmoid')), dense(1)] },
      expect: { key: 'model.layers', evidence: { saturatingLayers: 24, weightedLayers: 25 } },
    },
    { name: '22 relu layers', setup: { layers: [...repeat(21, dense(32, 'relu')), dense(1)] }, expect: { evidence: { reluLayers: 21, weightedLayers: 22 } } },
    {
      name: 'confirmed by vanishing gradients in the smoke run',
      setup: {
        layers: [...repeat(9, dense(32, 'tanh')), dense(1)],
        smoke: { layers: [probe(0, { gradNorm: [1e-6, 1e-6, 1e-6] }), probe(9, { gradNorm: [0.1, 0.1, 0.1] })] },
      },
      expect: { evidence: { saturatingLayers: 9, smokeConfirmed: true, firstLastGradientRatio: 1e-5 } },
    },
  ],
});

const wide = [dense(1024, 'relu'), dense(1024, 'relu'), dense(1)];
const wideParams = 2 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 + 1;
runTable(noRegularization, {
  valid: [
    { name: 'small model', setup: {} },
    { name: 'wide model with dropout', setup: { layers: [dense(1024, 'relu'), { type: 'dropout', rate: 0.2 }, dense(1024, 'relu'), dense(1)] } },
    { name: 'wide model with early stopping', setup: { layers: wide, earlyStopping: true } },
    { name: 'wide model with weight decay', setup: { layers: wide, weightDecay: 0.0001 } },
  ],
  invalid: [
    {
      name: 'wide model, 400 rows, nothing',
      setup: { layers: wide },
      expect: { severity: 'notice', key: 'model.layers', evidence: { trainableParams: wideParams, trainRows: 400 } },
    },
  ],
});

test('no-regularization on an ONNX model says when an evaluation-mode export hid Dropout, and only then', () => {
  const withOrigin = (training_mode: boolean) => {
    const evidence = makeEvidence({ layers: wide });
    const origin: OnnxOrigin = {
      kind: 'onnx',
      file: 'model.onnx',
      producer: { name: 'pytorch', version: '2.3.0' },
      opset: 17,
      layout: 'nhwc',
      training_mode,
      notes: [],
    };
    evidence.config.model = { ...evidence.config.model, origin };
    return noRegularization.run(evidence);
  };
  const evaluation = withOrigin(false);
  assert.equal(evaluation.length, 1);
  assert.deepEqual(evaluation[0].message, {
    id: 'large-unregularized',
    data: { trainableParams: evaluation[0].evidence!.trainableParams, trainRows: evaluation[0].evidence!.trainRows, limit: 10, onnxEvalExport: 'model.onnx' },
  });
  assert.match(renderMessage(noRegularization.meta, evaluation[0].message).text, /exported in evaluation mode, which drops Dropout/);
  assert.equal(evaluation[0].key, 'model.onnx');
  const training = withOrigin(true);
  assert.equal(training.length, 1);
  assert.equal((training[0].message as MessageRef).data.onnxEvalExport, undefined);
});

runTable(overRegularized, {
  valid: [
    {
      name: 'mild regularization',
      setup: { layers: [dense(16, 'relu', { kernel_regularizer: { l1: 0, l2: 0.001 } }), { type: 'dropout', rate: 0.5 }, dense(1)] },
    },
  ],
  invalid: [
    {
      name: 'l2 of 2',
      setup: { layers: [dense(16, 'relu', { kernel_regularizer: { l1: 0, l2: 2 } }), dense(1)] },
      expect: { count: 1, key: 'model.layers[0].kernel_regularizer.l2', evidence: { penalty: 2 }, suggestion: 'l2: 0.0001' },
    },
    {
      name: 'dropout 0.8',
      setup: { layers: [dense(16, 'relu'), { type: 'dropout', rate: 0.8 }, dense(1)] },
      expect: { key: 'model.layers[1].rate', evidence: { rate: 0.8 }, suggestion: '{type: dropout, rate: 0.2}' },
    },
    { name: 'weight decay 0.5', setup: { weightDecay: 0.5 }, expect: { key: 'training.weight_decay', suggestion: 'weight_decay: 0.0001' } },
    {
      name: 'smoke run confirms',
      setup: {
        layers: [dense(16, 'relu', { kernel_regularizer: { l1: 0, l2: 1 } }), dense(1)],
        smoke: { controls: { overfit: { samples: 32, steps: 100, startLoss: 1, finalLoss: 0.9, fitted: false }, baseline: { kind: 'mean', loss: 1 } } },
      },
      expect: { evidence: { overfitFitted: false, overfitFinalLoss: 0.9 } },
    },
  ],
});

const bigInit = { kernel_initializer: { name: 'random_normal', stddev: 3 } };
runTable(initScaleMismatch, {
  valid: [
    { name: 'he_normal relu stack', setup: { layers: [...repeat(4, dense(512, 'relu', { kernel_initializer: 'he_normal' })), dense(1)] } },
    { name: 'default glorot, shallow', setup: { layers: [dense(64, 'relu'), dense(32, 'relu'), dense(1)] } },
    { name: 'sigmoid with glorot', setup: { layers: [...repeat(6, dense(32, 'sigmoid')), dense(1)] } },
    {
      // images-raw-bytes: the hidden stds hold (31 -> 37); only the softmax output is small, as probabilities are.
      name: 'a softmax output is not compared with the hidden layers',
      setup: {
        layers: [dense(32, 'relu'), dense(32, 'relu'), dense(4, 'softmax')],
        loss: 'sparse_categorical_crossentropy',
        train: classData(4),
        smoke: { init: { layerNames: ['dense_0', 'dense_1', 'dense_2'], activationStd: [30, 37, 0.43], gradNorm: [1, 1, 1] } },
      },
    },
  ],
  invalid: [
    {
      name: 'random_normal stddev 3 on 512-wide relu layers',
      // Each 512-wide relu layer multiplies the std by sqrt(512 * 9 / 2) = 48; the glorot output layer by sqrt(512 / 513).
      setup: { layers: [...repeat(4, dense(512, 'relu', bigInit)), dense(1)] },
      expect: {
        key: 'model.layers[1].kernel_initializer',
        evidence: { scaleChange: 48 ** 3 * Math.sqrt(512 / 513) },
        suggestion: 'kernel_initializer: he_normal',
      },
    },
    {
      name: 'he_normal on tanh',
      setup: { layers: [dense(32, 'tanh', { kernel_initializer: 'he_normal' }), dense(1)] },
      expect: { key: 'model.layers[0].kernel_initializer', suggestion: 'kernel_initializer: glorot_uniform' },
    },
    {
      name: 'measured in the smoke run',
      setup: {
        layers: [dense(32, 'relu'), dense(32, 'relu'), dense(1)],
        smoke: { init: { layerNames: ['a', 'b', 'c'], activationStd: [1, 20, 400], gradNorm: [1, 1, 1] } },
      },
      expect: { evidence: { measuredChange: 400 } },
    },
    {
      name: 'measured across the hidden layers before a sigmoid output',
      setup: {
        layers: [dense(32, 'relu'), dense(32, 'relu'), dense(1, 'sigmoid')],
        loss: 'binary_crossentropy',
        train: classData(2),
        smoke: { init: { layerNames: ['dense_0', 'dense_1', 'dense_2'], activationStd: [1, 0.02, 0.3], gradNorm: [1, 1, 1] } },
      },
      expect: { evidence: { measuredChange: 0.02 } },
    },
  ],
});
