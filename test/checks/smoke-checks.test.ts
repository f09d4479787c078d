import { check as overfittingGap } from '../../src/checks/overfitting-gap.ts';
import { check as nonFiniteLoss } from '../../src/checks/non-finite-loss.ts';
import { check as explodingGradients } from '../../src/checks/exploding-gradients.ts';
import { check as vanishingGradients } from '../../src/checks/vanishing-gradients.ts';
import { check as deadRelus } from '../../src/checks/dead-relus.ts';
import { check as saturatedActivations } from '../../src/checks/saturated-activations.ts';
import { check as tooFewHiddenUnits } from '../../src/checks/too-few-hidden-units.ts';
import { check as lossNotDecreasing } from '../../src/checks/loss-not-decreasing.ts';
import { check as initialLossOff } from '../../src/checks/initial-loss-off.ts';
import { check as cannotOverfitSmallBatch } from '../../src/checks/cannot-overfit-small-batch.ts';
import { check as inputIndependent } from '../../src/checks/input-independent.ts';
import { classData, dense, probe } from './factory.ts';
import { runTable } from './table.ts';

const healthy = { name: 'healthy run', setup: { smoke: {} } };
const noSmoke = { name: 'no smoke trace', setup: {} };
const baseline = { kind: 'mean' as const, loss: 1 };
const tenth = (values: number[]) => values.slice(-10).reduce((s, v) => s + v, 0) / 10;
const defaultLoss = Array.from({ length: 100 }, (_, i) => 1 - 0.8 * (i / 99));

runTable(overfittingGap, {
  valid: [
    healthy,
    noSmoke,
    { name: 'validation follows training', setup: { smoke: { valLoss: [0.95, 0.6, 0.3] } } },
    { name: 'too few validation points', setup: { smoke: { valLoss: [0.5, 5] } } },
  ],
  invalid: [
    {
      name: 'validation turns up',
      setup: { smoke: { valLoss: [0.9, 0.4, 0.9] } },
      expect: {
        key: 'model.layers',
        evidence: { rising: true, bestValidationLoss: 0.4, validationLoss: 0.9 },
        message: { id: 'validation-rising', data: { bestValidationLoss: 0.4, validationLoss: 0.9 } },
      },
    },
    {
      name: 'large gap',
      setup: { smoke: { valLoss: [2, 2, 2] } },
      expect: {
        evidence: { rising: false, gap: 2 - tenth(defaultLoss) },
        message: { id: 'large-gap', data: { validationLoss: 2, gap: 2 - tenth(defaultLoss) } },
      },
    },
  ],
});

runTable(nonFiniteLoss, {
  valid: [healthy, noSmoke],
  invalid: [
    {
      name: 'NaN gradient in a named layer',
      setup: { smoke: { firstNonFinite: { step: 12, where: 'gradient', layer: 'dense_0' } } },
      expect: { key: 'model.layers[0]', evidence: { step: 12, where: 'gradient', layer: 'dense_0' } },
    },
    {
      name: 'NaN in the loss series only',
      setup: { smoke: { loss: [1, 0.9, Number.NaN, Number.NaN] } },
      expect: { key: 'training.learning_rate', evidence: { step: 2, where: 'loss', lastFiniteLoss: 0.9 } },
    },
  ],
});

runTable(explodingGradients, {
  valid: [
    healthy,
    noSmoke,
    { name: 'empty probes', setup: { smoke: { layers: [] } } },
    { name: 'NaN norms', setup: { smoke: { layers: [probe(0, { gradNorm: [NaN] }), probe(1, { gradNorm: [NaN] })] } } },
  ],
  invalid: [
    {
      name: 'first/last ratio 100',
      setup: { smoke: { layers: [probe(0, { gradNorm: [100, 100, 100] }), probe(1, { gradNorm: [1, 1, 1] })] } },
      expect: {
        severity: 'warning',
        key: 'model.layers[0]',
        evidence: { firstLastRatio: 100 },
        message: { id: 'gradients-explode', data: { firstLastRatio: 100, ratioLimit: 70 } },
      },
    },
    {
      name: 'growth that ends in a NaN loss: an error',
      setup: { smoke: { firstNonFinite: { step: 3, where: 'loss' }, layers: [probe(0, { gradNorm: [1, 10, 50] }), probe(1, { gradNorm: [1, 100, 5000] })] } },
      expect: { severity: 'error', evidence: { growth: 5000 } },
    },
    {
      name: 'norm grows 5000x',
      setup: { smoke: { layers: [probe(0, { gradNorm: [1, 10, 50] }), probe(1, { gradNorm: [1, 100, 5000] })] } },
      expect: {
        severity: 'warning',
        key: 'model.layers[1]',
        evidence: { growth: 5000 },
        message: { id: 'gradients-explode', data: { growth: 5000, growthLimit: 1000 } },
      },
    },
  ],
});

runTable(vanishingGradients, {
  valid: [
    healthy,
    noSmoke,
    {
      name: 'small ratio but a healthy first-layer norm',
      setup: { smoke: { layers: [probe(0, { gradNorm: [1e-3, 1e-3, 1e-3] }), probe(1, { gradNorm: [10, 10, 10] })] } },
    },
  ],
  invalid: [
    {
      name: 'ratio 1e-5 with a tiny norm',
      setup: { smoke: { layers: [probe(0, { gradNorm: [1e-6, 1e-6, 1e-6] }), probe(1, { gradNorm: [0.1, 0.1, 0.1] })] } },
      expect: {
        key: 'model.layers[0]',
        evidence: { firstLastRatio: 1e-5, firstLayerNorm: 1e-6 },
        message: { id: 'first-last-ratio', data: { firstLastRatio: 1e-5, firstLayerNorm: 1e-6 } },
      },
    },
    {
      name: 'zero mean gradient',
      setup: { smoke: { layers: [probe(0, { gradNorm: [0, 0, 0], gradMeanAbs: [0, 0, 0] }), probe(1, { gradNorm: [0, 0, 0] })] } },
      expect: { evidence: { firstLayerMeanAbs: 0 }, message: { id: 'tiny-mean-gradient', data: { firstLayerMeanAbs: 0 } } },
    },
  ],
});

runTable(deadRelus, {
  valid: [healthy, noSmoke, { name: 'half dead is tolerated', setup: { smoke: { layers: [probe(0, { deadFraction: 0.5 })] } } }],
  invalid: [
    {
      name: '80% dead',
      setup: { smoke: { layers: [probe(0, { deadFraction: 0.8 }), probe(1, { deadFraction: 0.9 })] } },
      expect: { count: 2, key: 'model.layers[0]', evidence: { deadFraction: 0.8 }, message: { id: 'layer-dead', data: { deadFraction: 0.8, limit: 0.5 } } },
    },
  ],
});

const sigmoidOutput = [dense(8, 'relu'), dense(1, 'sigmoid')];
const saturatedOutput = { layers: [probe(0), probe(1, { activation: 'sigmoid', saturatedFraction: 1 })] };
runTable(saturatedActivations, {
  valid: [
    healthy,
    noSmoke,
    { name: 'a few saturated units', setup: { smoke: { layers: [probe(0, { activation: 'tanh', saturatedFraction: 0.2 })] } } },
    {
      name: 'a saturated sigmoid output under binary crossentropy',
      setup: { layers: sigmoidOutput, loss: 'binary_crossentropy', train: classData(2), smoke: saturatedOutput },
    },
  ],
  invalid: [
    {
      name: '70% saturated',
      setup: { smoke: { layers: [probe(1, { activation: 'sigmoid', saturatedFraction: 0.7 })] } },
      expect: { key: 'model.layers[1]', evidence: { saturatedFraction: 0.7 } },
    },
    {
      name: 'a saturated sigmoid output under mse',
      setup: { layers: sigmoidOutput, smoke: saturatedOutput },
      expect: { key: 'model.layers[1]', evidence: { saturatedFraction: 1 } },
    },
    {
      name: 'a saturated sigmoid hidden layer under binary crossentropy',
      setup: {
        layers: [dense(8, 'sigmoid'), dense(1, 'sigmoid')],
        loss: 'binary_crossentropy',
        train: classData(2),
        smoke: { layers: [probe(0, { activation: 'sigmoid', saturatedFraction: 1 }), probe(1, { activation: 'sigmoid' })] },
      },
      expect: { key: 'model.layers[0]' },
    },
  ],
});

const notFitted = { samples: 32, steps: 100, startLoss: 1, finalLoss: 0.8, fitted: false };
runTable(tooFewHiddenUnits, {
  valid: [
    healthy,
    noSmoke,
    {
      name: 'widening does not help either',
      setup: { smoke: { controls: { overfit: notFitted, widened: { factor: 4, fitted: false, startLoss: 1, finalLoss: 0.8 }, baseline } } },
    },
  ],
  invalid: [
    {
      name: 'a wider copy fits',
      setup: { smoke: { controls: { overfit: notFitted, widened: { factor: 4, fitted: true, startLoss: 1, finalLoss: 0.01 }, baseline } } },
      expect: { evidence: { widenedFactor: 4, widenedFinalLoss: 0.01 } },
    },
  ],
});

runTable(lossNotDecreasing, {
  valid: [
    healthy,
    noSmoke,
    { name: 'NaN losses are non-finite-loss', setup: { smoke: { loss: Array(50).fill(Number.NaN) } } },
    { name: 'too few steps', setup: { smoke: { steps: 5, loss: [1, 1, 1, 1, 1] } } },
  ],
  invalid: [
    {
      name: 'flat loss (never moves: an error)',
      setup: { smoke: { loss: Array(100).fill(1) } },
      expect: { severity: 'error', key: 'training', evidence: { startLoss: 1, finalLoss: 1 } },
    },
    {
      name: 'no better than the prior',
      setup: { smoke: { controls: { baseline: { kind: 'prior', loss: 0.2 } } } },
      expect: { severity: 'warning', evidence: { baselineLoss: 0.2, baselineKind: 'prior', finalLoss: tenth(defaultLoss) } },
    },
  ],
});

runTable(initialLossOff, {
  valid: [
    healthy,
    noSmoke,
    { name: 'close to ln 4', setup: { smoke: { initialLoss: 1.5, expectedInitialLoss: Math.log(4) } } },
    { name: 'no expectation', setup: { smoke: { initialLoss: 50, expectedInitialLoss: undefined } } },
  ],
  invalid: [
    {
      name: '5 against ln 4, never recovered',
      setup: { smoke: { initialLoss: 5, expectedInitialLoss: Math.log(4), loss: [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1.2, 1.1] } },
      expect: { severity: 'warning', evidence: { initialLoss: 5, expectedInitialLoss: Math.log(4), ratio: 5 / Math.log(4) } },
    },
    // He init on ReLUs starts an MSE regression near 5x the target variance and is at the expected level in a few steps.
    {
      name: '5x off but at the expected level by step 3: a notice',
      setup: { smoke: { initialLoss: 5, expectedInitialLoss: 1, loss: [5, 2.4, 1.3, 0.9, 0.7, 0.6, 0.5, 0.45] } },
      expect: { severity: 'notice', evidence: { recoveredAtStep: 3 } },
    },
  ],
});

runTable(cannotOverfitSmallBatch, {
  valid: [healthy, noSmoke],
  invalid: [
    {
      name: 'small batch not fitted',
      setup: { smoke: { controls: { overfit: { ...notFitted, accuracy: 0.4 }, baseline } } },
      expect: { key: 'model.layers', evidence: { samples: 32, finalLoss: 0.8, accuracy: 0.4 } },
    },
  ],
});

const zeroed = (realFinal: number, zeroedFinal: number, pValue: number) => ({
  smoke: { controls: { zeroedInputs: { realLosses: [realFinal], zeroedLosses: [zeroedFinal], realFinal, zeroedFinal, pValue }, baseline } },
});
runTable(inputIndependent, {
  valid: [
    healthy,
    noSmoke,
    { name: 'real inputs clearly better', setup: zeroed(0.3, 0.69, 0.001) },
    { name: 'real inputs clearly worse (unstable training, not ignored inputs)', setup: zeroed(1e10, 0.8, 0.001) },
  ],
  invalid: [
    { name: 'same loss either way', setup: zeroed(0.69, 0.69, 0.6), expect: { key: 'data.train', evidence: { gain: 0, pValue: 0.6 } } },
    { name: 'better but not significant', setup: zeroed(0.5, 0.69, 0.3), expect: { evidence: { gain: (0.69 - 0.5) / 0.69 } } },
  ],
});
