import { check as unscaledInputs } from '../../src/checks/unscaled-inputs.ts';
import { check as unscaledTargets } from '../../src/checks/unscaled-targets.ts';
import { check as featureScaleSpread } from '../../src/checks/feature-scale-spread.ts';
import { check as constantFeature } from '../../src/checks/constant-feature.ts';
import { check as missingValues } from '../../src/checks/missing-values.ts';
import { check as nonNumericFeature } from '../../src/checks/non-numeric-feature.ts';
import { check as classImbalance } from '../../src/checks/class-imbalance.ts';
import { check as trainValidationOverlap } from '../../src/checks/train-validation-overlap.ts';
import { check as validationDistributionShift } from '../../src/checks/validation-distribution-shift.ts';
import { check as noValidationData } from '../../src/checks/no-validation-data.ts';
import { classData, columnStats, dense, regressionData, spread, type Columns } from './factory.ts';
import { runTable } from './table.ts';

const ROWS = 400;
const prices: Columns = { features: { price: spread(ROWS, 1e5, 9e5), rooms: spread(ROWS, 1, 5) }, targets: { y: spread(ROWS, -1, 1) } };
const pixels: Columns = { features: { px: Array.from({ length: ROWS }, (_, i) => i % 256) }, targets: { y: Array.from({ length: ROWS }, (_, i) => i % 4) } };
const binaryLayers = [dense(16, 'relu'), dense(1, 'sigmoid')];

runTable(unscaledInputs, {
  valid: [
    { name: 'standardized features', setup: { inputs: 'standardize', train: prices } },
    { name: 'raw features already near unit scale', setup: { inputs: 'none', train: regressionData() } },
    { name: 'bytes scaled by 1/255', setup: { inputs: { scale: 1 / 255, shift: 0 }, train: pixels } },
    // Found by the clean corpus (sequence-embedding-lstm): token ids index an Embedding, they are not magnitudes.
    {
      name: 'token ids into an embedding layer',
      setup: {
        inputs: 'none',
        train: prices,
        loss: 'binary_crossentropy',
        layers: [{ type: 'embedding', input_dim: 1000, output_dim: 8 }, { type: 'flatten' }, { type: 'dense', units: 1, activation: 'sigmoid' }],
      },
    },
  ],
  invalid: [
    {
      name: 'raw prices',
      setup: { inputs: 'none', train: prices },
      expect: {
        key: 'preprocessing.inputs',
        evidence: { features: [{ name: 'price', mean: columnStats('p', spread(ROWS, 1e5, 9e5)).mean }] },
        suggestion: 'inputs: standardize',
      },
    },
    { name: 'raw pixel bytes', setup: { inputs: 'none', train: pixels }, expect: { key: 'preprocessing.inputs', suggestion: '{scale: 0.00392156862745098}' } },
  ],
});

const bigTargets: Columns = { features: { a: spread(ROWS, -2, 2) }, targets: { y: spread(ROWS, 2e5, 2e6) } };
runTable(unscaledTargets, {
  valid: [
    { name: 'standardized targets', setup: { train: bigTargets, targets: 'standardize' } },
    { name: 'small targets', setup: { train: regressionData() } },
    { name: 'classification', setup: { train: classData(4), loss: 'sparse_categorical_crossentropy', layers: [dense(8, 'relu'), dense(4, 'softmax')] } },
  ],
  invalid: [
    {
      name: 'raw large targets, linear output',
      setup: { train: bigTargets },
      expect: { key: 'preprocessing.targets', evidence: { targets: [{ name: 'y', mean: 1.1e6 }] }, suggestion: 'targets: standardize' },
    },
  ],
});

const spreadColumns: Columns = { features: { small: spread(ROWS, -2, 2), large: spread(ROWS, 0, 1000) }, targets: { y: spread(ROWS, -1, 1) } };
runTable(featureScaleSpread, {
  valid: [
    { name: 'standardized', setup: { inputs: 'standardize', train: spreadColumns } },
    { name: 'similar scales', setup: { inputs: 'none', train: regressionData() } },
  ],
  invalid: [
    {
      name: 'std ratio 250',
      setup: { inputs: 'none', train: spreadColumns },
      expect: {
        key: 'preprocessing.inputs',
        evidence: { ratio: columnStats('l', spread(ROWS, 0, 1000)).std / columnStats('s', spread(ROWS, -2, 2)).std },
        suggestion: 'standardize',
      },
    },
  ],
});

const withConstant: Columns = { features: { a: spread(ROWS, -2, 2), c: Array(ROWS).fill(3) }, targets: { y: spread(ROWS, -1, 1) } };
runTable(constantFeature, {
  valid: [{ name: 'all features vary', setup: {} }],
  invalid: [
    {
      name: 'standardized constant column',
      setup: { train: withConstant, inputs: 'standardize' },
      expect: { severity: 'error', key: 'data.train', evidence: { columns: [{ name: 'c', value: 3, std: 0 }] } },
    },
    { name: 'unscaled constant column', setup: { train: withConstant, inputs: 'none' }, expect: { severity: 'warning', key: 'data.train' } },
  ],
});

runTable(missingValues, {
  valid: [{ name: 'complete data', setup: {} }],
  invalid: [
    {
      name: 'NaN and empty cells in train',
      setup: { train: { ...regressionData(), patch: { a: { empty: 3, nan: 2 } } } },
      expect: { key: 'data.train', evidence: { columns: [{ name: 'a', empty: 3, nan: 2, inf: 0 }] } },
    },
    {
      name: 'Inf in a validation target',
      setup: { validation: { ...regressionData(100), patch: { y: { inf: 1 } } } },
      expect: { key: 'data.validation', evidence: { columns: [{ name: 'y', inf: 1 }] } },
    },
  ],
});

runTable(nonNumericFeature, {
  valid: [{ name: 'numbers only', setup: {} }],
  invalid: [
    {
      name: 'a city column',
      setup: {
        train: {
          features: { a: spread(ROWS, -1, 1), city: Array(ROWS).fill(Number.NaN) },
          targets: { y: spread(ROWS, 0, 1) },
          patch: { city: { text: ROWS, nan: 0, numeric: 0, textExamples: ['paris', 'nice'] } },
        },
      },
      expect: { count: 1, key: 'data.train', evidence: { column: 'city', textCells: ROWS } },
    },
  ],
});

const imbalanced = (minority: number): Columns => ({
  features: { a: spread(ROWS, -1, 1) },
  targets: { y: Array.from({ length: ROWS }, (_, i) => (i < minority ? 1 : 0)) },
});
runTable(classImbalance, {
  valid: [
    { name: 'balanced', setup: { train: imbalanced(ROWS / 2), loss: 'binary_crossentropy', layers: binaryLayers } },
    { name: '85% majority', setup: { train: imbalanced(60), loss: 'binary_crossentropy', layers: binaryLayers } },
    { name: 'regression', setup: {} },
    {
      name: '99% majority rebalanced by class_weight',
      setup: { train: imbalanced(4), loss: 'binary_crossentropy', layers: binaryLayers, classWeight: { 0: 1, 1: 99 } },
    },
  ],
  invalid: [
    {
      name: '99% majority, class weights too small to rebalance',
      setup: { train: imbalanced(4), loss: 'binary_crossentropy', layers: binaryLayers, classWeight: { 1: 2 } },
      expect: { severity: 'warning' },
    },
    {
      name: '92% majority',
      setup: { train: imbalanced(32), loss: 'binary_crossentropy', layers: binaryLayers },
      expect: { severity: 'notice', evidence: { majorityFraction: 368 / 400 } },
    },
    {
      name: '99% majority',
      setup: { train: imbalanced(4), loss: 'binary_crossentropy', layers: binaryLayers },
      expect: { severity: 'warning', evidence: { majorityFraction: 396 / 400 } },
    },
  ],
});

runTable(trainValidationOverlap, {
  valid: [
    { name: 'no validation', setup: {} },
    { name: 'disjoint', setup: { validation: regressionData(100), overlap: { rows: 0, validationRows: 100, examples: [] } } },
  ],
  invalid: [
    {
      name: '10 shared rows',
      setup: { validation: regressionData(100), overlap: { rows: 10, validationRows: 100, examples: [3, 7] } },
      expect: { key: 'data.validation', evidence: { rows: 10, fraction: 0.1 } },
    },
  ],
});

runTable(validationDistributionShift, {
  valid: [
    { name: 'same distribution', setup: { validation: regressionData(100) } },
    { name: 'no validation', setup: {} },
  ],
  invalid: [
    {
      name: 'validation left unscaled',
      setup: { inputs: 'none', validation: { features: { a: spread(100, 1000, 3000), b: spread(100, 1, -1) }, targets: { y: spread(100, -1, 1) } } },
      expect: { key: 'data.validation', evidence: { features: [{ name: 'a', meanShiftStds: 2000 / columnStats('a', spread(ROWS, -2, 2)).std }] } },
    },
  ],
});

runTable(noValidationData, {
  valid: [{ name: 'validation present', setup: { validation: regressionData(100) } }],
  invalid: [{ name: 'no validation split', setup: {}, expect: { severity: 'notice', key: 'data' } }],
});
