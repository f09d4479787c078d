import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Severity } from '../../src/config/types.ts';
import type { SmokeTrace } from '../../src/engine/types.ts';
import { buildReport, smokeSummary } from '../../src/report/build.ts';
import { decideConclusion } from '../../src/report/conclusion.ts';
import type { FailOn } from '../../src/report/types.ts';
import { everySeverityReport, finding } from './fixtures.ts';

// Expected verdicts written out by hand: rows are the worst severity present, columns fail-on.
const VERDICTS: { worst: Severity | 'none'; failOn: FailOn; conclusion: 'success' | 'failure' }[] = [
  { worst: 'none', failOn: 'notice', conclusion: 'success' },
  { worst: 'notice', failOn: 'notice', conclusion: 'failure' },
  { worst: 'notice', failOn: 'warning', conclusion: 'success' },
  { worst: 'notice', failOn: 'error', conclusion: 'success' },
  { worst: 'warning', failOn: 'notice', conclusion: 'failure' },
  { worst: 'warning', failOn: 'warning', conclusion: 'failure' },
  { worst: 'warning', failOn: 'error', conclusion: 'success' },
  { worst: 'error', failOn: 'error', conclusion: 'failure' },
  { worst: 'error', failOn: 'warning', conclusion: 'failure' },
  { worst: 'error', failOn: 'never', conclusion: 'success' },
];

test('decideConclusion fails exactly when a finding reaches fail-on', () => {
  for (const { worst, failOn, conclusion } of VERDICTS) {
    const findings = worst === 'none' ? [] : [finding('a', 'notice'), finding('b', worst)];
    assert.equal(decideConclusion(findings, failOn), conclusion, `worst ${worst}, fail-on ${failOn}`);
  }
});

test('buildReport counts findings over every config and decides the conclusion', () => {
  const report = everySeverityReport();
  assert.deepEqual(report.counts, { error: 1, warning: 1, notice: 1 });
  assert.equal(report.conclusion, 'failure');
  assert.equal(report.tool.name, 'nn-preflight');
  const lenient = buildReport(report.results, 'never', '1.2.3');
  assert.equal(lenient.conclusion, 'success');
  assert.equal(lenient.tool.version, '1.2.3');
  assert.equal(lenient.failOn, 'never');
});

test('smokeSummary keeps the numbers reports show and moves the LR range test out of controls', () => {
  const trace: SmokeTrace = {
    backend: 'cpu',
    seed: 1,
    steps: 3,
    plannedSteps: 5,
    seconds: 0.5,
    stepsPerSecond: 6,
    batchSize: 8,
    learningRate: 0.01,
    loss: [1, 0.8, 0.7],
    valLoss: [0.9, 0.75],
    probeSteps: [1, 3, 5],
    initialLoss: 1,
    layers: [],
    init: { layerNames: [], activationStd: [], gradNorm: [] },
    controls: {
      baseline: { kind: 'mean', loss: 1.1 },
      lrRange: { lrs: [1e-4, 1e-3], losses: [1, 0.5], bestLr: 1e-3, suggestedLr: 3e-4 },
    },
    skipped: [],
  };
  const summary = smokeSummary(trace);
  assert.equal(summary.backend, 'cpu');
  assert.equal(summary.steps_per_second, 6);
  assert.deepEqual(summary.loss, [1, 0.8, 0.7]);
  assert.deepEqual(summary.val_loss, [0.9, 0.75]);
  assert.deepEqual(summary.val_steps, [1, 3]);
  assert.deepEqual(summary.lr_range, { lrs: [1e-4, 1e-3], losses: [1, 0.5], suggested: 3e-4, best: 1e-3 });
  assert.deepEqual(summary.controls, { baseline: { kind: 'mean', loss: 1.1 } });
  // the run's settings and probes, so the charts draw from the report alone
  assert.deepEqual(
    [summary.planned_steps, summary.batch_size, summary.learning_rate, summary.initial_loss, summary.probe_steps],
    [trace.plannedSteps, 8, 0.01, 1, [1, 3, 5]],
  );
  assert.equal(summary.loss_name, undefined, 'the loss is named only when the caller knows it');
  assert.equal(smokeSummary(trace, 'mean_squared_error').loss_name, 'mean_squared_error');
  trace.loss.push(99);
  assert.equal(summary.loss.length, 3, 'the summary does not share arrays with the trace');
});
