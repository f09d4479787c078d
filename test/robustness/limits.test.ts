// The limits refuse what a runner cannot afford, from the arithmetic alone, and the smoke budget is shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerSpec, ModelSpec } from '../../src/config/types.ts';
import { summarizeModel } from '../../src/model/summarize.ts';
import { DEFAULT_MODEL_LIMITS, DEFAULT_SMOKE_LIMITS, formatBytes, modelLimitProblems, smokeSecondsFor } from '../../src/limits.ts';

function dense(units: number, index: number): LayerSpec {
  return { type: 'dense', name: `dense_${index}`, keyPath: `model.layers[${index}]`, units, activation: 'relu', use_bias: true };
}

function mlp(widths: number[]): ModelSpec {
  return { layers: widths.map(dense), origin: { kind: 'layers' }, unsupported: [] };
}

test('a model under both limits passes', () => {
  const model = mlp([64, 64, 1]);
  assert.deepEqual(modelLimitProblems(model, summarizeModel(model, [10]), 32, DEFAULT_MODEL_LIMITS), []);
});

test('too many parameters names the heaviest layer and both numbers', () => {
  const model = mlp([16, 100_000, 100_000, 1]);
  const summary = summarizeModel(model, [8]);
  const problems = modelLimitProblems(model, summary, 32, DEFAULT_MODEL_LIMITS);
  assert.equal(problems.length, 1);
  const [problem] = problems;
  assert.equal(problem.what, 'parameters');
  // The 100,000 x 100,000 layer is layer 2: 1e10 weights plus its biases.
  assert.equal(problem.layerIndex, 2);
  assert.equal(problem.measured, summary.totalParams);
  assert.equal(problem.measured, 16 * 8 + 16 + 100_000 * 16 + 100_000 + 100_000 * 100_000 + 100_000 + 100_000 + 1);
  assert.match(problem.message, /dense_2/);
  assert.match(problem.message, /20,000,000/);
});

test('a billion-unit layer is counted, not allocated', () => {
  const model = mlp([1_000_000_000, 1]);
  const started = performance.now();
  const problems = modelLimitProblems(model, summarizeModel(model, [1000]), 32, DEFAULT_MODEL_LIMITS);
  assert.equal(problems[0]?.what, 'parameters');
  assert.ok(performance.now() - started < 1000);
});

test('few parameters but a huge batch of wide activations exceeds the memory limit', () => {
  // A small convolution over a long sequence: 64 weights, yet every sample carries 16M activations.
  const conv: LayerSpec = {
    type: 'conv1d',
    name: 'conv',
    keyPath: 'model.layers[0]',
    filters: 16,
    kernel_size: [3],
    strides: [1],
    padding: 'same',
    activation: 'relu',
    use_bias: true,
  };
  const model: ModelSpec = { layers: [conv], origin: { kind: 'layers' }, unsupported: [] };
  const summary = summarizeModel(model, [1_000_000, 1]);
  assert.equal(summary.totalParams, 3 * 16 + 16);
  assert.ok(summary.totalParams <= DEFAULT_MODEL_LIMITS.maxParams);
  const problems = modelLimitProblems(model, summary, 64, DEFAULT_MODEL_LIMITS);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].what, 'training memory');
  assert.ok(problems[0].measured > DEFAULT_MODEL_LIMITS.maxTrainingMemoryBytes);
  assert.match(problems[0].message, /batch size 64/);
  // The same model with batch 1 fits.
  assert.deepEqual(modelLimitProblems(model, summary, 1, DEFAULT_MODEL_LIMITS), []);
});

test('smoke seconds: the request, capped per config and by what the run has left', () => {
  const limits = { ...DEFAULT_SMOKE_LIMITS, maxSecondsPerConfig: 100, maxSecondsPerRun: 250 };
  assert.deepEqual(smokeSecondsFor(60, 0, limits), { seconds: 60, clamped: undefined });
  assert.deepEqual(smokeSecondsFor(500, 0, limits), { seconds: 100, clamped: 'config' });
  assert.deepEqual(smokeSecondsFor(60, 220, limits), { seconds: 30, clamped: 'run' });
  assert.deepEqual(smokeSecondsFor(60, 300, limits), { seconds: 0, clamped: 'run' });
});

test('byte sizes read in binary units', () => {
  assert.equal(formatBytes(512), '512 bytes');
  assert.equal(formatBytes(2 * 1024 ** 3), '2.0 GiB');
  assert.equal(formatBytes(300 * 1024 ** 2), '300 MiB');
});

test('the TF.js weight bound is the parameter limit, and SECURITY.md states every new limit', async () => {
  const { DEFAULT_LIMITS } = await import('../../src/limits.ts');
  const { readFileSync } = await import('node:fs');
  assert.equal(DEFAULT_LIMITS.output.maxWeightValues, DEFAULT_LIMITS.model.maxParams);
  const security = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');
  const { data, config, output } = DEFAULT_LIMITS;
  const stated = [
    `${config.maxExpandedChars! / 1024 ** 2} MiB of characters`,
    `${data.maxDecodedBytesPerConfig / 1024 ** 3} GiB | \`data-error\` naming the file`,
    data.maxPixelsPerConfig.toLocaleString('en-US'),
    `per config | ${data.maxDataSecondsPerConfig} |`,
    `one run | ${data.maxDataSecondsPerRun} |`,
    `| ${data.maxJpegScans} |`,
    `${data.maxImageSampleBytes / 1024 ** 2} MiB`,
    `first ${output.maxQuotedChars} characters`,
    `${output.maxReportJsonChars.toLocaleString('en-US')} characters`,
    `20,000,000 values`,
  ];
  for (const text of stated) assert.ok(security.includes(text), `SECURITY.md does not say "${text}"`);
});
