import { check as labelEncodingMismatch } from '../../src/checks/label-encoding-mismatch.ts';
import { check as outputActivationMismatch } from '../../src/checks/output-activation-mismatch.ts';
import { check as targetOutOfActivationRange } from '../../src/checks/target-out-of-activation-range.ts';
import { check as outputUnitsMismatch } from '../../src/checks/output-units-mismatch.ts';
import { classData, columnStats, dense, regressionData, spread } from './factory.ts';
import { runTable } from './table.ts';

const softmax4 = [dense(16, 'relu'), dense(4, 'softmax')];
const sparse = 'sparse_categorical_crossentropy';
const binary = classData(2);
/** Class ids 0..classes-1 scaled into [0, 1) by `divisor`, as `labels / 255` does. */
function scaledIds(classes: number, divisor: number) {
  const ids = classData(classes);
  return { ...ids, targets: { y: ids.targets.y.map((v) => Math.fround(v / divisor)) } };
}

runTable(labelEncodingMismatch, {
  valid: [
    { name: 'class ids 0..3 with sparse CE and 4 units', setup: { train: classData(4), loss: sparse, layers: softmax4 } },
    { name: '0/1 labels with binary CE', setup: { train: binary, loss: 'binary_crossentropy', layers: [dense(8, 'relu'), dense(1, 'sigmoid')] } },
    { name: 'ids one-hot encoded by the pipeline', setup: { train: classData(4), loss: 'categorical_crossentropy', targets: 'one_hot', layers: softmax4 } },
    {
      name: 'ids one-hot encoded, one sigmoid per class with binary CE',
      setup: { train: classData(4), loss: 'binary_crossentropy', targets: 'one_hot', layers: [dense(8, 'relu'), dense(4, 'sigmoid')] },
    },
    {
      name: 'ids one-hot encoded, linear units with MSE',
      setup: { train: classData(4), loss: 'mean_squared_error', targets: 'one_hot', layers: [dense(8, 'relu'), dense(4, 'linear')] },
    },
  ],
  invalid: [
    {
      name: 'integer ids with categorical CE',
      setup: { train: classData(4), loss: 'categorical_crossentropy', layers: softmax4 },
      expect: {
        message: { id: 'ids-with-categorical', data: { min: 0, max: 3, outputUnits: 4 } },
        key: 'training.loss',
        evidence: { labelWidth: 1, outputUnits: 4 },
        suggestion: 'loss: sparse_categorical_crossentropy',
      },
    },
    {
      name: 'one-hot rows with sparse CE',
      setup: { train: classData(4), loss: sparse, layers: softmax4, labels: { encoding: 'one-hot', width: 4 } },
      expect: {
        message: { id: 'one-hot-with-sparse', data: { encoding: 'one-hot', labelWidth: 4 } },
        key: 'training.loss',
        suggestion: 'loss: categorical_crossentropy',
      },
    },
    {
      name: 'labels 1..4 with 4 units',
      setup: { train: classData(4, 400, 1), loss: sparse, layers: softmax4 },
      expect: {
        message: { id: 'labels-one-based', data: { max: 4, outputUnits: 4 } },
        key: 'data.targets',
        evidence: { min: 1, max: 4, outputUnits: 4, oneBased: true },
      },
    },
    {
      name: 'ids up to 5 with 4 units',
      setup: { train: classData(6), loss: sparse, layers: softmax4 },
      expect: { message: { id: 'class-id-beyond-output', data: { max: 5, outputUnits: 4 } }, evidence: { max: 5, oneBased: false } },
    },
    {
      name: 'class ids divided by 255 for sparse CE (static, no smoke run)',
      setup: { train: scaledIds(10, 255), loss: sparse, layers: [dense(16, 'relu'), dense(10, 'softmax')] },
      expect: {
        severity: 'error',
        key: 'data.targets',
        evidence: { scaledBy: 255, max: 9 / 255 },
        message: { id: 'non-integer-ids', data: { scaledBy: 255, distinct: 10 } },
      },
    },
    {
      name: 'class ids divided by 10 for sparse CE',
      setup: { train: scaledIds(4, 10), loss: sparse, layers: softmax4 },
      expect: { evidence: { scaledBy: 10 } },
    },
    {
      name: 'binary CE with ids 0..3',
      setup: { train: classData(4), loss: 'binary_crossentropy', layers: [dense(8, 'relu'), dense(1, 'sigmoid')] },
      expect: { message: { id: 'binary-labels-out-of-range', data: { min: 0, max: 3 } }, key: 'training.loss', evidence: { min: 0, max: 3 } },
    },
  ],
});

runTable(outputActivationMismatch, {
  valid: [
    { name: 'sigmoid + binary CE', setup: { train: binary, loss: 'binary_crossentropy', layers: [dense(8, 'relu'), dense(1, 'sigmoid')] } },
    { name: 'softmax + sparse CE', setup: { train: classData(4), loss: sparse, layers: softmax4 } },
    { name: 'linear + from_logits', setup: { train: binary, loss: 'binary_crossentropy', fromLogits: true, layers: [dense(8, 'relu'), dense(1, 'linear')] } },
    {
      name: 'softmax in a trailing activation layer',
      setup: { train: classData(4), loss: sparse, layers: [dense(16, 'relu'), dense(4), { type: 'activation', activation: 'softmax' }] },
    },
    { name: 'linear regression', setup: {} },
    {
      name: 'one sigmoid per class on one-hot-encoded ids with binary CE',
      setup: { train: classData(4), loss: 'binary_crossentropy', targets: 'one_hot', layers: [dense(8, 'relu'), dense(4, 'sigmoid')] },
    },
  ],
  invalid: [
    {
      name: 'softmax over one unit',
      setup: { train: binary, loss: 'binary_crossentropy', layers: [dense(8, 'relu'), dense(1, 'softmax')] },
      expect: {
        key: 'model.layers[1].activation',
        evidence: { outputUnits: 1, activation: 'softmax' },
        suggestion: 'activation: sigmoid',
        message: { id: 'softmax-one-unit', data: { torch: false } },
      },
    },
    {
      name: 'linear output into binary CE',
      setup: { train: binary, loss: 'binary_crossentropy', layers: [dense(8, 'relu'), dense(1, 'linear')] },
      expect: {
        key: 'model.layers[1].activation',
        evidence: { expected: 'sigmoid' },
        suggestion: 'activation: sigmoid',
        message: { id: 'crossentropy-needs-probabilities', data: { activation: 'linear', loss: 'binary_crossentropy', expected: 'sigmoid' } },
      },
    },
    {
      name: 'relu output into sparse CE',
      setup: { train: classData(4), loss: sparse, layers: [dense(8, 'relu'), dense(4, 'relu')] },
      expect: { evidence: { expected: 'softmax' }, suggestion: 'activation: softmax' },
    },
    {
      name: 'missing activation gets one added',
      setup: { train: classData(4), loss: sparse, layers: [dense(8, 'relu'), dense(4)] },
      expect: { suggestion: '{type: dense, units: 4, activation: softmax}' },
    },
    {
      name: 'sigmoid with categorical CE',
      setup: { train: classData(4), loss: 'categorical_crossentropy', targets: 'one_hot', layers: [dense(8, 'relu'), dense(4, 'sigmoid')] },
      expect: { severity: 'warning', suggestion: 'activation: softmax', message: { id: 'sigmoid-with-categorical', data: { outputUnits: 4 } } },
    },
    {
      name: 'softmax with mse on class ids',
      setup: { train: classData(4), loss: 'mean_squared_error', layers: softmax4 },
      expect: { key: 'training.loss', evidence: { labelMax: 3 }, message: { id: 'softmax-regression', data: { outputUnits: 4, labelMin: 0, labelMax: 3 } } },
    },
    {
      name: 'double softmax',
      setup: { train: classData(4), loss: sparse, layers: [dense(8, 'relu'), dense(4, 'softmax'), { type: 'activation', activation: 'softmax' }] },
      expect: { severity: 'warning', key: 'model.layers[2].activation', evidence: { finalActivation: 'softmax+softmax' }, message: { id: 'double-softmax' } },
    },
    {
      name: 'softmax on multi-hot labels',
      setup: {
        train: classData(4),
        loss: 'binary_crossentropy',
        layers: softmax4,
        labels: { encoding: 'multi-hot', width: 4, multiHotRows: 12, min: 0, max: 1 },
      },
      expect: { severity: 'warning', evidence: { multiHotRows: 12 }, message: { id: 'softmax-on-multi-label', data: { multiHotRows: 12, outputUnits: 4 } } },
    },
    {
      name: 'linear units with MSE on one-hot-encoded ids: a notice with the reason',
      setup: { train: classData(4), loss: 'mean_squared_error', targets: 'one_hot', layers: [dense(8, 'relu'), dense(4, 'linear')] },
      expect: {
        severity: 'notice',
        key: 'training.loss',
        evidence: { encoding: 'one-hot', labelWidth: 4 },
        message: { id: 'regression-on-indicators', data: { afterOneHot: true, encoding: 'one-hot' } },
      },
    },
    {
      name: 'from_logits on a sigmoid output',
      setup: { train: binary, loss: 'binary_crossentropy', fromLogits: true, layers: [dense(8, 'relu'), dense(1, 'sigmoid')] },
      expect: {
        severity: 'warning',
        key: 'training.from_logits',
        suggestion: 'from_logits: false',
        message: { id: 'from-logits-on-probabilities', data: { activation: 'sigmoid' } },
      },
    },
  ],
});

/** (x - mean) / std of an evenly spread column's ends, computed the long way. */
function standardizedEnds(values: number[]): { min: number; max: number } {
  const s = columnStats('y', values);
  return { min: (s.min - s.mean) / s.std, max: (s.max - s.mean) / s.std };
}

const positive = { features: { a: spread(400, -2, 2) }, targets: { y: spread(400, 10, 460) } };
runTable(targetOutOfActivationRange, {
  valid: [
    {
      name: 'sigmoid on [0, 1] targets',
      setup: { train: { features: { a: spread(400, -2, 2) }, targets: { y: spread(400, 0, 1) } }, layers: [dense(8, 'relu'), dense(1, 'sigmoid')] },
    },
    { name: 'relu on positive targets', setup: { train: positive, layers: [dense(8, 'relu'), dense(1, 'relu')] } },
    { name: 'sigmoid on min-max scaled targets', setup: { train: positive, targets: 'minmax', layers: [dense(8, 'relu'), dense(1, 'sigmoid')] } },
    { name: 'linear output', setup: { train: positive } },
    { name: 'crossentropy labels are not output values', setup: { train: classData(4), loss: sparse, layers: softmax4 } },
  ],
  invalid: [
    {
      name: 'sigmoid on 10..460',
      setup: { train: positive, layers: [dense(8, 'relu'), dense(1, 'sigmoid')] },
      expect: {
        key: 'model.layers[1].activation',
        evidence: { targetMin: 10, targetMax: 460, allowed: { low: 0, high: 1 } },
        suggestion: 'activation: linear',
        message: { id: 'targets-out-of-range', data: { activation: 'sigmoid', low: 0, high: 1, targetMin: 10, targetMax: 460 } },
      },
    },
    {
      name: 'relu on standardized targets',
      setup: { train: positive, targets: 'standardize', layers: [dense(8, 'relu'), dense(1, 'relu')] },
      expect: { evidence: { targetMin: standardizedEnds(spread(400, 10, 460)).min } },
    },
    {
      name: 'tanh on standardized targets',
      setup: { train: regressionData(), layers: [dense(8, 'relu'), dense(1, 'tanh')], targets: 'standardize' },
      expect: { evidence: { targetMax: standardizedEnds(spread(400, -1, 1)).max } },
    },
  ],
});

runTable(outputUnitsMismatch, {
  valid: [
    { name: 'one unit for one target', setup: {} },
    { name: 'four units for ids 0..3', setup: { train: classData(4), loss: sparse, layers: softmax4 } },
    { name: 'labels 1..C with C units are label-encoding-mismatch', setup: { train: classData(4, 400, 1), loss: sparse, layers: softmax4 } },
    { name: 'softmax regression on ids is output-activation-mismatch', setup: { train: classData(4), loss: 'mean_squared_error', layers: softmax4 } },
    {
      name: 'one sigmoid per one-hot-encoded class',
      setup: { train: classData(4), loss: 'binary_crossentropy', targets: 'one_hot', layers: [dense(8, 'relu'), dense(4, 'sigmoid')] },
    },
    {
      name: 'linear units with MSE on one-hot-encoded ids',
      setup: { train: classData(4), loss: 'mean_squared_error', targets: 'one_hot', layers: [dense(8, 'relu'), dense(4, 'linear')] },
    },
  ],
  invalid: [
    {
      name: 'two units for one regression target',
      setup: { layers: [dense(8, 'relu'), dense(2)] },
      expect: { key: 'model.layers[1].units', evidence: { outputUnits: 2, expectedUnits: 1 }, suggestion: 'units: 1' },
    },
    {
      name: 'six classes, four units',
      setup: { train: classData(6), loss: sparse, layers: softmax4 },
      expect: { evidence: { expectedUnits: 6 }, suggestion: 'units: 6' },
    },
    {
      name: 'two sigmoid units for one 0/1 column',
      setup: { train: binary, loss: 'binary_crossentropy', layers: [dense(8, 'relu'), dense(2, 'sigmoid')] },
      expect: { evidence: { expectedUnits: 1 } },
    },
  ],
});
