// The compiled step's sequence layers (compiled/recurrent.ts) against TF.js, their reference: for each of
// embedding, simple RNN, LSTM and GRU on random shapes (several sequence lengths, return_sequences on and
// off, stacked layers, no bias, other cell activations), the forward pass, the gradient of the input and
// of every weight, and one Adam update; then whole seeded runs of the same setups on both engines, and the
// clean-corpus sequence configs through the real config and data loaders.
// Tolerances (float32 on both sides, sums in another order, tanh/sigmoid/exp of different libms):
// forward passes rel 1e-5 (absolute 1e-7 below 0.01: gate sums cancel, and their float32 rounding
// stays that of the terms), gradients rel 1e-4 (absolute 1e-8 below 1e-4), updated weights rel 1e-5, loss
// curves rel 1e-4 per step. TF.js cannot take gradients through a one-step sequence (its Unpack gradient
// fails on a single step), so the shortest sequences here have two steps.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { buildModelWithLayers } from '../../src/engine/build-model.ts';
import { makeLoss } from '../../src/engine/losses.ts';
import { makeOptimizer } from '../../src/engine/optimizers.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { makeContext } from '../../src/engine/smoke.ts';
import { trainFresh, type RunContext } from '../../src/engine/session.ts';
import { CompiledModel, planCompiledStep } from '../../src/engine/compiled/compiled-step.ts';
import { makeCompiledOptimizer } from '../../src/engine/compiled/optimizers.ts';
import { COMPILED_MAX_RECURRENT_MACS, sequenceBackward, sequenceForward, type SequenceStage } from '../../src/engine/compiled/recurrent.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import { mulberry32 } from '../../src/data/reservoir.ts';
import type { LayerSpec, ModelSpec } from '../../src/config/types.ts';
import { dense, makeEvidence, makeTable, type EvidenceOptions } from './fixtures.ts';
import { assertSameRun, runBoth, worstRelative } from './engine-pair.ts';

before(async () => {
  await initBackend('cpu');
});

function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

function randomIds(n: number, seed: number, vocabulary: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => Math.floor(random() * vocabulary));
}

/** max over i of |a - b| / max(|b|, floor): relative error, absolute near zero */
const spec = (layers: LayerSpec[]): ModelSpec => ({ layers, origin: { kind: 'layers' }, unsupported: [] });
const lstm = (units: number, extra: Partial<LayerSpec> = {}): LayerSpec => ({ type: 'lstm', name: `lstm_${units}`, units, ...extra });
const gru = (units: number, extra: Partial<LayerSpec> = {}): LayerSpec => ({ type: 'gru', name: `gru_${units}`, units, ...extra });
const rnn = (units: number, extra: Partial<LayerSpec> = {}): LayerSpec => ({ type: 'simple_rnn', name: `rnn_${units}`, units, ...extra });
const embedding = (inputDim: number, outputDim: number): LayerSpec => ({ type: 'embedding', name: 'emb', input_dim: inputDim, output_dim: outputDim });

interface LayerCase {
  title: string;
  layers: LayerSpec[];
  inputShape: number[];
  rows: number;
  /** ids below this for an embedding's input */
  vocabulary?: number;
}

const CASES: LayerCase[] = [];
for (const [cell, make] of [
  ['lstm', lstm],
  ['gru', gru],
  ['simple_rnn', rnn],
] as const) {
  for (const [steps, features, units, rows] of [
    [2, 3, 4, 2],
    [3, 5, 6, 5],
    [7, 2, 9, 4],
  ]) {
    for (const returnSequences of [false, true]) {
      CASES.push({
        title: `${cell} ${steps} steps x ${features} features, ${units} units, ${rows} rows, return_sequences ${returnSequences}`,
        layers: [make(units, { return_sequences: returnSequences })],
        inputShape: [steps, features],
        rows,
      });
    }
  }
}
CASES.push(
  {
    title: 'lstm without bias, relu cell, hard_sigmoid gates',
    layers: [lstm(5, { use_bias: false, activation: 'relu', extra: { recurrent_activation: 'hard_sigmoid' } })],
    inputShape: [4, 3],
    rows: 3,
  },
  {
    title: 'gru without bias, sigmoid cell, hard_sigmoid gates',
    layers: [gru(5, { use_bias: false, activation: 'sigmoid', extra: { recurrent_activation: 'hard_sigmoid' } })],
    inputShape: [4, 3],
    rows: 3,
  },
  {
    title: 'simple_rnn with relu and with linear',
    layers: [rnn(6, { activation: 'relu', return_sequences: true }), rnn(4, { activation: 'linear' })],
    inputShape: [5, 3],
    rows: 4,
  },
  {
    title: 'stacked lstm -> gru -> simple_rnn -> dense',
    layers: [lstm(6, { return_sequences: true }), gru(5, { return_sequences: true }), rnn(4), dense(2)],
    inputShape: [6, 3],
    rows: 4,
  },
  {
    title: 'embedding -> lstm (sequences) -> flatten -> dense',
    layers: [embedding(11, 4), lstm(3, { return_sequences: true }), { type: 'flatten', name: 'flat' }, dense(2, 'tanh')],
    inputShape: [5],
    rows: 6,
    vocabulary: 11,
  },
  { title: 'embedding -> flatten -> dense', layers: [embedding(7, 3), { type: 'flatten', name: 'flat' }, dense(1)], inputShape: [4], rows: 5, vocabulary: 7 },
);

describe('sequence layers: forward, gradients and one Adam update against TF.js', () => {
  CASES.forEach((c, index) => {
    it(c.title, () => {
      const built = buildModelWithLayers(tf, spec(c.layers), c.inputShape, 100 + index);
      const compiled = new CompiledModel(built.layers, c.inputShape);
      const inputWidth = c.inputShape.reduce((a, b) => a * b, 1);
      const x = c.vocabulary ? randomIds(c.rows * inputWidth, index, c.vocabulary) : randomArray(c.rows * inputWidth, index, 2);
      const xt = tf.tensor(x, [c.rows, ...c.inputShape]);
      const expected = built.model.apply(xt, { training: true }) as tf.Tensor;
      const out = Float32Array.from(compiled.forward(x, c.rows, true).subarray(0, expected.size));
      assert.ok(worstRelative(out, expected.dataSync(), 1e-2) < 1e-5, `forward: ${worstRelative(out, expected.dataSync(), 1e-2)}`);

      // gradients of sum(output * dy) with respect to every weight, in the model's order
      const dy = randomArray(expected.size, 1000 + index);
      const dyt = tf.tensor(dy, expected.shape);
      const variables = built.model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(built.model.apply(xt, { training: true }) as tf.Tensor, dyt)) as tf.Scalar, variables);
      compiled.backward(x, dy, c.rows);
      assert.equal(compiled.parameters.length, variables.length);
      compiled.parameters.forEach((p, i) => {
        const reference = grads[variables[i].name].dataSync();
        assert.ok(worstRelative(p.grad, reference, 1e-4) < 1e-4, `gradient of ${variables[i].name}: ${worstRelative(p.grad, reference, 1e-4)}`);
      });

      // the input's gradient, through the first layer (an embedding's ids have none)
      const first = compiled.stages[0] as SequenceStage;
      if (first.kind === 'recurrent' && c.layers.length === 1) {
        const reference = tf
          .grad((input: tf.Tensor) => tf.sum(tf.mul(built.model.apply(input, { training: true }) as tf.Tensor, dyt)))(xt)
          .dataSync();
        const dx = new Float32Array(x.length);
        sequenceForward(first, x, new Float32Array(expected.size), c.rows);
        sequenceBackward(first, dy, dx, c.rows);
        assert.ok(worstRelative(dx, reference, 1e-4) < 1e-4, `input gradient: ${worstRelative(dx, reference, 1e-4)}`);
      }

      // one Adam update of every weight from these gradients
      const optimizer = makeOptimizer({ name: 'adam', args: {} }, 0.01)!;
      optimizer.applyGradients(grads);
      const update = makeCompiledOptimizer(
        { name: 'adam', args: {} },
        compiled.parameters.map((p) => p.values.length),
      );
      compiled.moveParameters(update.store.values, update.store.grads);
      update.apply(0.01);
      compiled.parameters.forEach((p, i) => {
        const reference = variables[i].dataSync();
        assert.ok(worstRelative(p.values, reference) < 1e-5, `updated ${variables[i].name}: ${worstRelative(p.values, reference)}`);
      });

      // and the weights written back into the TF.js layers give the same forward pass
      compiled.writeBack();
      const after = built.model.apply(xt, { training: false }) as tf.Tensor;
      const outAfter = Float32Array.from(compiled.forward(x, c.rows, false).subarray(0, after.size));
      assert.ok(worstRelative(outAfter, after.dataSync(), 1e-2) < 1e-5, `forward after the update: ${worstRelative(outAfter, after.dataSync(), 1e-2)}`);
      optimizer.dispose();
      tf.dispose([xt, expected, dyt, after, ...Object.values(grads)]);
      built.model.dispose();
    });
  });

  it('one-step sequences: the forward pass matches TF.js (which cannot take their gradient)', () => {
    for (const layer of [lstm(4), gru(4, { return_sequences: true }), rnn(4)]) {
      const built = buildModelWithLayers(tf, spec([layer]), [1, 3], 9);
      const compiled = new CompiledModel(built.layers, [1, 3]);
      const x = randomArray(5 * 3, 9, 2);
      const expected = tf.tidy(() => (built.model.apply(tf.tensor(x, [5, 1, 3])) as tf.Tensor).dataSync());
      const out = Float32Array.from(compiled.forward(x, 5, true).subarray(0, expected.length));
      assert.ok(worstRelative(out, expected, 1e-2) < 1e-5, `${layer.type}: ${worstRelative(out, expected, 1e-2)}`);
      built.model.dispose();
    }
  });

  it("embedding ids: cast as TF.js casts them, and one outside the table fails as TF.js's gather does", () => {
    const built = buildModelWithLayers(tf, spec([embedding(5, 2), { type: 'flatten', name: 'flat' }, dense(1)]), [3], 7);
    const compiled = new CompiledModel(built.layers, [3]);
    const x = Float32Array.from([1, 2, 5]);
    const message = (() => {
      try {
        tf.tidy(() => built.model.apply(tf.tensor(x, [1, 3])) as tf.Tensor);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    assert.match(message, /index value 5 is not in \[0, 4\]/);
    assert.throws(() => compiled.forward(x, 1, true), { message });
    // ids are cast as TF.js casts them: truncated, NaN to 0
    const odd = Float32Array.from([1.9, -0.5, Number.NaN]);
    const expected = tf.tidy(() => (built.model.apply(tf.tensor(odd, [1, 3])) as tf.Tensor).dataSync());
    assert.ok(worstRelative(compiled.forward(odd, 1, true).subarray(0, 1), expected, 1e-2) < 1e-5);
    built.model.dispose();
  });
});

describe('planning sequence models', () => {
  const ask = { inputShape: [10, 4], lossName: 'mean_squared_error', optimizer: { name: 'adam', args: {} }, targetWidth: 1, batchSize: 32 };
  it('takes recurrent stacks, embeddings on the inputs, and flatten after return_sequences', () => {
    assert.deepEqual(planCompiledStep({ ...ask, spec: spec([lstm(8), dense(1)]) }), { ok: true });
    assert.deepEqual(planCompiledStep({ ...ask, spec: spec([gru(8, { return_sequences: true }), rnn(4), dense(1)]) }), { ok: true });
    assert.deepEqual(planCompiledStep({ ...ask, spec: spec([lstm(8, { return_sequences: true }), { type: 'flatten', name: 'f' }, dense(1)]) }), { ok: true });
    assert.deepEqual(planCompiledStep({ ...ask, inputShape: [10], spec: spec([embedding(20, 4), gru(8), dense(1)]) }), { ok: true });
  });
  it('leaves to TF.js what it would not reproduce, with the reason', () => {
    const reason = (over: Partial<Parameters<typeof planCompiledStep>[0]>) => {
      const plan = planCompiledStep({ ...ask, spec: spec([lstm(8), dense(1)]), ...over });
      return plan.ok ? 'ok' : plan.reason;
    };
    assert.match(reason({ spec: spec([lstm(8, { return_sequences: true }), dense(1)]) }), /flatten first/);
    assert.match(reason({ spec: spec([lstm(8, { activation: 'selu' }), dense(1)]) }), /activation 'selu' inside lstm/);
    assert.match(reason({ spec: spec([gru(8, { extra: { recurrent_activation: 'softsign' } }), dense(1)]) }), /recurrent activation 'softsign'/);
    assert.match(reason({ inputShape: [10], spec: spec([dense(4), embedding(20, 4), dense(1)]) }), /does not read the model's inputs/);
    assert.match(reason({ inputShape: [10], spec: spec([lstm(8), dense(1)]) }), /takes \[steps, features\]/);
    // 32 rows x 50 steps x (64 + 256) inputs x 4 gates x 256 units is above the limit
    assert.ok(32 * 50 * (64 + 256) * 4 * 256 > COMPILED_MAX_RECURRENT_MACS);
    assert.match(reason({ inputShape: [50, 64], spec: spec([lstm(256), dense(1)]) }), /large/);
  });
});

/** The RunContext the smoke run builds from these options, rows read as sequences of `inputShape`. */
function contextOf(options: EvidenceOptions & { inputShape: number[] }): RunContext {
  const evidence = makeEvidence(options);
  evidence.config.model.input_shape = options.inputShape;
  const input = smokeInputOf(evidence);
  const prepared = input.data;
  assert.ok(prepared.ok);
  const loss = makeLoss(evidence.config.training.loss, evidence.config.training.from_logits)!;
  return makeContext(input, prepared.data, loss, evidence.config.smoke.seed);
}

describe('whole runs: sequence models on the compiled step against the TF.js step (same seed)', () => {
  const steps = 6;
  const features = 3;
  const table = makeTable({ rows: 160, features: steps * features });
  const validation = makeTable({ rows: 48, features: steps * features, seed: 3 });
  const base = { ...table, validation, steps: 30, learningRate: 0.01, batchSize: 16, inputShape: [steps, features] };
  const setups: [string, Partial<EvidenceOptions> & { layers: LayerSpec[] }][] = [
    ['lstm -> dense, adam, mse', { layers: [lstm(12), dense(1)] }],
    [
      'stacked gru (sequences) -> simple_rnn -> relu dense, rmsprop',
      { layers: [gru(8, { return_sequences: true }), rnn(6), dense(8, 'relu'), dense(1)], optimizer: 'rmsprop' },
    ],
    [
      'lstm sequences -> dropout -> flatten -> dense, sgd momentum, regularized kernel and bias',
      {
        layers: [
          lstm(5, { return_sequences: true, kernel_regularizer: { l1: 0.001, l2: 0.01 }, bias_regularizer: { l1: 0, l2: 0.01 } }),
          { type: 'dropout', name: 'drop', rate: 0.3 },
          { type: 'flatten', name: 'flat' },
          dense(1),
        ],
        optimizer: 'sgd',
        optimizerArgs: { momentum: 0.9 },
      },
    ],
  ];
  for (const [title, setup] of setups) {
    it(title, () => {
      const [reference, compiled] = runBoth(contextOf({ ...base, ...setup }), 30);
      assertSameRun(reference, compiled, 1e-4);
    });
  }

  it('embedding -> gru -> softmax, sparse crossentropy', () => {
    const rows = 160;
    const length = 7;
    const x = randomIds(rows * length, 5, 20);
    // the class: whether the ids sum above their mean
    const y = Float32Array.from({ length: rows }, (_, r) => (x.subarray(r * length, r * length + length).reduce((a, b) => a + b, 0) > 9.5 * length ? 1 : 0));
    const validationX = randomIds(32 * length, 6, 20);
    const validationY = Float32Array.from({ length: 32 }, (_, r) =>
      validationX.subarray(r * length, r * length + length).reduce((a, b) => a + b, 0) > 9.5 * length ? 1 : 0,
    );
    const ctx = contextOf({
      x,
      y,
      features: length,
      validation: { x: validationX, y: validationY },
      inputShape: [length],
      task: 'multiclass',
      loss: 'sparse_categorical_crossentropy',
      layers: [embedding(20, 4), gru(8), dense(2, 'softmax')],
      learningRate: 0.01,
      batchSize: 16,
      steps: 30,
    });
    const [reference, compiled] = runBoth(ctx, 30);
    assertSameRun(reference, compiled, 1e-4);
  });

  it('a diverging lstm run stops at the same step and names the same place', () => {
    const [reference, compiled] = runBoth(contextOf({ ...base, layers: [rnn(8, { activation: 'relu' }), dense(1)], optimizer: 'sgd', learningRate: 1e4 }), 30);
    assert.ok(reference.firstNonFinite, 'the reference run diverges');
    assert.deepEqual(compiled.firstNonFinite, reference.firstNonFinite);
    assert.equal(compiled.stepsRun, reference.stepsRun);
  });

  it('repeats exactly: two compiled runs of the same seed give the same numbers, bit for bit', () => {
    const ctx = {
      ...contextOf({ ...base, layers: [lstm(6, { return_sequences: true }), { type: 'dropout', name: 'drop', rate: 0.5 }, gru(4), dense(1)] }),
      engine: 'compiled' as const,
    };
    const options = { steps: 20, deadline: Number.POSITIVE_INFINITY, probeEvery: 5, withValidation: true };
    assert.deepEqual(trainFresh(ctx, options), trainFresh(ctx, options));
  });
});

describe('clean-corpus sequence configs: compiled against TF.js through the real loaders (60 steps, rel 1e-4 per step)', () => {
  const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'clean-corpus');
  for (const name of ['sequence-lstm-forecast', 'sequence-embedding-lstm', 'sequence-embedding-gru-multiclass']) {
    it(name, async () => {
      const config = path.join(corpus, name, 'preflight.yml');
      const run = await runOneConfig(config, { root: path.dirname(config), configs: [config], smoke: false, backend: 'cpu', failOn: 'never' });
      assert.ok(run.evidence?.data, 'the config loads');
      const input = smokeInputOf(run.evidence);
      const prepared = input.data;
      assert.ok(prepared.ok);
      const loss = makeLoss(run.evidence.config.training.loss, run.evidence.config.training.from_logits)!;
      const ctx = makeContext(input, prepared.data, loss, run.evidence.config.smoke.seed);
      const options = { steps: 60, deadline: Number.POSITIVE_INFINITY, probeEvery: 10, withValidation: true };
      assert.equal(trainFresh(ctx, { ...options, steps: 1, probeEvery: 0 }).engine, 'compiled');
      const reference = trainFresh({ ...ctx, engine: 'tfjs' }, options);
      const compiled = trainFresh({ ...ctx, engine: 'compiled' }, options);
      assert.equal(compiled.stepsRun, reference.stepsRun);
      assert.deepEqual(compiled.probeSteps, reference.probeSteps);
      assert.ok(worstRelative(compiled.loss, reference.loss) < 1e-4, `loss curve: ${worstRelative(compiled.loss, reference.loss)}`);
    });
  }
});
