import { check as batchTooLarge, suggestedBatchSize } from '../../src/checks/batch-too-large.ts';
import { check as learningRateTooHigh } from '../../src/checks/learning-rate-too-high.ts';
import { check as learningRateTooLow } from '../../src/checks/learning-rate-too-low.ts';
import { probe, regressionData } from './factory.ts';
import { runTable } from './table.ts';
import assert from 'node:assert/strict';
import { it } from 'node:test';

it('suggestedBatchSize is the largest power of two giving 10 updates per epoch', () => {
  assert.equal(suggestedBatchSize(400), 32);
  assert.equal(suggestedBatchSize(300), 16);
  assert.equal(suggestedBatchSize(5), 1);
});

runTable(batchTooLarge, {
  valid: [
    { name: '32 on 400 rows (13 updates)', setup: { batchSize: 32 } },
    { name: 'no data', setup: { batchSize: 4096, noData: true } },
  ],
  invalid: [
    {
      name: 'batch larger than the data',
      setup: { batchSize: 4096, train: regressionData(300) },
      expect: {
        severity: 'warning',
        key: 'training.batch_size',
        evidence: { batchSize: 4096, trainRows: 300, updatesPerEpoch: 1, suggested: 16 },
        suggestion: 'batch_size: 16',
        message: { id: 'batch-exceeds-data', data: { batchSize: 4096, trainRows: 300 } },
      },
    },
    { name: 'a quarter of the data', setup: { batchSize: 100 }, expect: { severity: 'warning', evidence: { updatesPerEpoch: 4 } } },
    {
      name: 'seven updates per epoch (a notice: ordinary on a small dataset)',
      setup: { batchSize: 64 },
      expect: {
        severity: 'notice',
        evidence: { updatesPerEpoch: 7, suggested: 32 },
        message: { id: 'few-updates', data: { batchSize: 64, updatesPerEpoch: 7, minUpdates: 10 } },
      },
    },
  ],
});

const diverging = { loss: [1, 2, 5, 20, 80, 300, 1e3, 5e3, 2e4, 1e5], firstNonFinite: undefined };
/** The lower-rate control: the main run's final loss and [rate, final loss] of each lower-rate run. */
function lowerRuns(mainFinal: number, runs: [number, number][]) {
  return { mainFinal, runs: runs.map(([learningRate, final]) => ({ learningRate, steps: 40, losses: [final], final })) };
}
const updates = (ratio: number) => ({ layers: [probe(0, { updateRatio: [ratio, ratio, ratio] }), probe(1, { updateRatio: [ratio, ratio, ratio] })] });

runTable(learningRateTooHigh, {
  valid: [
    { name: 'adam 0.01', setup: { learningRate: 0.01 } },
    { name: 'sgd 0.5', setup: { optimizer: 'sgd', learningRate: 0.5 } },
    { name: 'a blow-up at a sane rate is left to other checks', setup: { learningRate: 0.001, smoke: diverging } },
    // The false verdict: SGD 0.001 on raw targets; the runs at 1e-4 and 1e-5 do no better.
    {
      name: 'a rate whose lower-rate runs do no better is not too high',
      setup: {
        optimizer: 'sgd',
        learningRate: 0.001,
        smoke: {
          ...updates(0.5),
          controls: {
            baseline: { kind: 'mean', loss: 900 },
            lowerRate: lowerRuns(400, [
              [1e-4, 600],
              [1e-5, 850],
            ]),
          },
        },
      },
    },
    {
      name: 'even above the usual range, when a lower rate does no better',
      setup: {
        optimizer: 'sgd',
        learningRate: 3,
        smoke: {
          controls: {
            baseline: { kind: 'mean', loss: 1 },
            lowerRate: lowerRuns(0.2, [
              [0.3, 0.25],
              [0.03, 0.6],
            ]),
          },
        },
      },
    },
  ],
  invalid: [
    {
      name: 'sgd 3.0 without the smoke run: a notice',
      setup: { optimizer: 'sgd', learningRate: 3 },
      expect: {
        severity: 'notice',
        key: 'training.learning_rate',
        evidence: { learningRate: 3, limit: 1, suggested: 0.1 },
        suggestion: 'learning_rate: 0.1',
        message: { id: 'rate-too-high', data: { learningRate: 3, reasons: [{ kind: 'above-limit', limit: 1 }, { kind: 'static-only' }] } },
      },
    },
    { name: 'adam 0.5', setup: { learningRate: 0.5 }, expect: { severity: 'notice', evidence: { limit: 0.1, suggested: 0.01 } } },
    {
      name: 'sgd 3.0 and the smoke run diverges, no control run: a notice',
      setup: { optimizer: 'sgd', learningRate: 3, smoke: diverging },
      expect: { severity: 'notice', evidence: { smokeDiverged: true } },
    },
    {
      name: 'sgd 3.0 diverges and the run at 0.3 does clearly better',
      setup: {
        optimizer: 'sgd',
        learningRate: 3,
        smoke: { ...diverging, controls: { baseline: { kind: 'mean', loss: 1 }, lowerRate: lowerRuns(1e5, [[0.3, 0.2]]) } },
      },
      expect: {
        severity: 'warning',
        evidence: { smokeDiverged: true, suggested: 0.3, lowerRate: { learningRate: 0.3, final: 0.2, mainFinal: 1e5 } },
        message: { id: 'rate-too-high', data: { reasons: { 3: { kind: 'lower-rate-better', learningRate: 0.3, final: 0.2 } } } },
      },
    },
    {
      name: 'sgd 3.0 hits NaN and the run at 0.3 is finite',
      setup: {
        optimizer: 'sgd',
        learningRate: 3,
        smoke: {
          firstNonFinite: { step: 4, where: 'loss' },
          loss: [1, 5, 40, 300, NaN],
          controls: { baseline: { kind: 'mean', loss: 1 }, lowerRate: lowerRuns(Number.NaN, [[0.3, 0.2]]) },
        },
      },
      expect: { severity: 'error' },
    },
    // The missed verdict: SGD 0.1 on raw targets; the ReLUs die and the loss stays at the target variance, 0.01 avoids it.
    {
      name: 'a collapse to the constant prediction that a lower rate avoids',
      setup: {
        optimizer: 'sgd',
        learningRate: 0.1,
        smoke: {
          loss: Array(40).fill(900),
          layers: [probe(0, { deadFraction: 1, updateRatio: [0.01] }), probe(1, { updateRatio: [0.01] })],
          controls: {
            baseline: { kind: 'mean', loss: 900 },
            lowerRate: lowerRuns(900, [
              [0.01, 900],
              [0.001, 120],
            ]),
          },
        },
      },
      expect: { severity: 'warning', evidence: { suggested: 0.001, lowerRate: { learningRate: 0.001, final: 120, mainFinal: 900 } } },
    },
    {
      name: 'an implausible range-test rate is not suggested',
      setup: {
        optimizer: 'sgd',
        learningRate: 3,
        smoke: {
          controls: { lrRange: { lrs: [1e-6, 1], losses: [1, 9], divergedAt: 1.6, bestLr: 1e-6, suggestedLr: 1.5e-6 }, baseline: { kind: 'mean', loss: 1 } },
        },
      },
      expect: { severity: 'notice', evidence: { suggested: 0.1, divergedAt: 1.6 } },
    },
    {
      // Measured on the wine example (adam 0.5, a linear output into a probability loss): the range test said 0.469.
      name: 'a range-test rate above the limit is not suggested',
      setup: {
        learningRate: 0.5,
        smoke: { controls: { lrRange: { lrs: [1e-6, 1], losses: [6, 5], bestLr: 1, suggestedLr: 0.469 }, baseline: { kind: 'prior', loss: 1.1 } } },
      },
      expect: { severity: 'notice', evidence: { suggested: 0.01 }, suggestion: 'learning_rate: 0.01' },
    },
    {
      name: 'huge update ratio, no control run: a notice',
      setup: { learningRate: 0.01, smoke: updates(0.5) },
      expect: { severity: 'notice', evidence: { medianUpdateRatio: 0.5 } },
    },
    {
      name: 'beyond the range test divergence',
      setup: {
        learningRate: 0.05,
        smoke: {
          controls: {
            lrRange: { lrs: [1e-4, 1e-3, 1e-2, 1e-1], losses: [1, 0.8, 0.5, 9], divergedAt: 0.02, bestLr: 0.01, suggestedLr: 0.003 },
            baseline: { kind: 'mean', loss: 1 },
          },
        },
      },
      expect: { severity: 'notice', evidence: { divergedAt: 0.02, suggested: 0.003 }, suggestion: 'learning_rate: 0.003' },
    },
  ],
});

const flat = { loss: Array(100).fill(1), initialLoss: 1, ...updates(1e-7) };
runTable(learningRateTooLow, {
  valid: [
    { name: 'adam 1e-4', setup: { learningRate: 1e-4 } },
    { name: 'adam 0.001 with a healthy run', setup: { learningRate: 0.001, smoke: {} } },
    {
      name: 'range test prefers 90x higher but the loss already fell by 80%',
      setup: {
        learningRate: 0.001,
        smoke: { controls: { lrRange: { lrs: [1e-4, 1e-1], losses: [1, 0.2], bestLr: 0.3, suggestedLr: 0.09 }, baseline: { kind: 'mean', loss: 1 } } },
      },
    },
    // Measured on the labelled cases (docs/thresholds.md): a one-unit softmax gives exactly zero updates.
    {
      name: 'zero updates are no gradient, not a low rate',
      setup: { learningRate: 0.001, smoke: { loss: Array(100).fill(1), initialLoss: 1, ...updates(0) } },
    },
    // multiclass-bottleneck: adam 0.001, loss at 87% of its start, the range test suggests 0.31 (above adam's 0.1 limit).
    {
      name: 'a range-test rate that learning-rate-too-high would flag',
      setup: {
        learningRate: 0.001,
        smoke: {
          loss: Array.from({ length: 100 }, (_, i) => 1 - 0.13 * (i / 99)),
          controls: { lrRange: { lrs: [1e-4, 1], losses: [1, 0.5], bestLr: 1, suggestedLr: 0.31 }, baseline: { kind: 'mean', loss: 1 } },
        },
      },
    },
  ],
  invalid: [
    {
      name: 'adam 1e-8',
      setup: { learningRate: 1e-8 },
      expect: { key: 'training.learning_rate', evidence: { learningRate: 1e-8, limit: 1e-6, suggested: 0.001 }, suggestion: 'learning_rate: 0.001' },
    },
    { name: 'sgd 1e-6', setup: { optimizer: 'sgd', learningRate: 1e-6 }, expect: { evidence: { limit: 1e-5, suggested: 0.01 } } },
    {
      name: 'flat loss and tiny updates',
      setup: { learningRate: 1e-5, smoke: flat },
      expect: { evidence: { medianUpdateRatio: 1e-7, startLoss: 1, finalLoss: 1 } },
    },
    {
      name: 'range test finds a 100x higher rate',
      setup: {
        learningRate: 1e-4,
        smoke: {
          loss: Array.from({ length: 100 }, (_, i) => 1 - 0.3 * (i / 99)),
          controls: { lrRange: { lrs: [1e-4, 1e-2], losses: [1, 0.2], bestLr: 0.03, suggestedLr: 0.01 }, baseline: { kind: 'mean', loss: 1 } },
        },
      },
      expect: { evidence: { suggested: 0.01 }, suggestion: 'learning_rate: 0.01' },
    },
  ],
});
