// The compiled training step against TF.js, its reference: each activation, loss and optimizer on random
// shapes, the dropout stream, and whole seeded runs (loss curves and probes) of the same setups on both
// engines. Tolerances are stated at each comparison; float32 throughout, so 1e-5 relative where the
// arithmetic is the same up to summation order, tighter where it is the same op for op.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { KERAS_ACTIVATIONS } from '../../src/engine/activations.ts';
import { makeLoss } from '../../src/engine/losses.ts';
import { makeOptimizer } from '../../src/engine/optimizers.ts';
import { makeContext, engineNote } from '../../src/engine/smoke.ts';
import { trainFresh, type RunContext } from '../../src/engine/session.ts';
import { Alea } from '../../src/engine/compiled/alea.ts';
import { activationBackward, activationForward, COMPILED_ACTIVATIONS, COMPILED_LOSSES, lossAndGradient } from '../../src/engine/compiled/math.ts';
import { planCompiledStep, type CompileQuestion } from '../../src/engine/compiled/compiled-step.ts';
import { makeCompiledOptimizer, optimizerBlocker } from '../../src/engine/compiled/optimizers.ts';
import { mulberry32 } from '../../src/data/reservoir.ts';
import type { LayerSpec, ModelSpec } from '../../src/config/types.ts';
import { dense, makeEvidence, makeTable, type EvidenceOptions } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { assertSameRun, runBoth, worstRelative } from './engine-pair.ts';

before(async () => {
  await initBackend('cpu');
});

function randomArray(n: number, seed: number, scale = 3): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

/** max over i of |a - b| / max(|b|, floor): relative error, absolute near zero */
describe('dropout stream', () => {
  it('Alea draws exactly tf.randomUniform values for the same seed', () => {
    for (const seed of [0, 1, 12345, 2_147_483_646]) {
      const expected = tf.randomUniform([500], 0, 1, 'float32', seed).dataSync();
      const alea = new Alea(seed);
      const drawn = Float32Array.from({ length: 500 }, () => alea.next());
      assert.deepEqual(drawn, expected, `seed ${seed}`);
    }
  });
});

describe('activations: forward and gradient against TF.js (rel 1e-5)', () => {
  const rows = 7;
  const width = 5;
  for (const name of COMPILED_ACTIVATIONS) {
    it(name, () => {
      const x = randomArray(rows * width, name.length * 31 + 7);
      const dy = randomArray(rows * width, 99, 1);
      const fn = KERAS_ACTIVATIONS[name];
      const xt = tf.tensor2d(x, [rows, width]);
      const expectedY = fn(xt).dataSync();
      // linear is the identity, which tf.grad cannot trace: its gradient is dy itself
      const expectedDx =
        name === 'linear'
          ? dy
          : tf
              .grad((t: tf.Tensor) => fn(t))(xt, tf.tensor2d(dy, [rows, width]))
              .dataSync();
      const y = new Float32Array(rows * width);
      const dx = new Float32Array(rows * width);
      activationForward(name, x, y, rows, width);
      activationBackward(name, x, y, dy, dx, rows, width);
      assert.ok(worstRelative(y, expectedY) < 1e-5, `${name} forward: ${worstRelative(y, expectedY)}`);
      assert.ok(worstRelative(dx, expectedDx) < 1e-5, `${name} gradient: ${worstRelative(dx, expectedDx)}`);
    });
  }
});

describe('losses: value and gradient against TF.js (rel 1e-5)', () => {
  const rows = 9;
  const width = 4;
  const cases: { name: string; fromLogits: boolean; predictions: () => Float32Array; targets: () => Float32Array; targetWidth: number }[] = [];
  const probabilities = (seed: number) => {
    const random = mulberry32(seed);
    const values = Float32Array.from({ length: rows * width }, () => 0.02 + random() * 0.96);
    return values;
  };
  const softmaxRows = (seed: number) => tf.softmax(tf.tensor2d(randomArray(rows * width, seed), [rows, width])).dataSync() as Float32Array;
  const oneHot = (seed: number) => {
    const random = mulberry32(seed);
    const values = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) values[r * width + Math.floor(random() * width)] = 1;
    return values;
  };
  const ids = (seed: number) => {
    const random = mulberry32(seed);
    return Float32Array.from({ length: rows }, () => Math.floor(random() * width));
  };
  const binary = (seed: number) => {
    const random = mulberry32(seed);
    return Float32Array.from({ length: rows * width }, () => (random() < 0.5 ? 0 : 1));
  };
  for (const name of ['mean_squared_error', 'mean_absolute_error', 'huber']) {
    cases.push({
      name,
      fromLogits: false,
      predictions: () => randomArray(rows * width, 3, 2),
      targets: () => randomArray(rows * width, 4, 2),
      targetWidth: width,
    });
  }
  cases.push({ name: 'binary_crossentropy', fromLogits: false, predictions: () => probabilities(5), targets: () => binary(6), targetWidth: width });
  cases.push({ name: 'binary_crossentropy', fromLogits: true, predictions: () => randomArray(rows * width, 7), targets: () => binary(8), targetWidth: width });
  cases.push({ name: 'categorical_crossentropy', fromLogits: false, predictions: () => softmaxRows(9), targets: () => oneHot(10), targetWidth: width });
  cases.push({
    name: 'categorical_crossentropy',
    fromLogits: true,
    predictions: () => randomArray(rows * width, 11),
    targets: () => oneHot(12),
    targetWidth: width,
  });
  cases.push({ name: 'sparse_categorical_crossentropy', fromLogits: false, predictions: () => softmaxRows(13), targets: () => ids(14), targetWidth: 1 });
  cases.push({
    name: 'sparse_categorical_crossentropy',
    fromLogits: true,
    predictions: () => randomArray(rows * width, 15),
    targets: () => ids(16),
    targetWidth: 1,
  });
  for (const c of cases) {
    it(`${c.name}${c.fromLogits ? ' from logits' : ''}`, () => {
      assert.ok(COMPILED_LOSSES.has(c.name));
      const p = c.predictions();
      const y = c.targets();
      const loss = makeLoss(c.name, c.fromLogits)!;
      const yt = tf.tensor2d(y, [rows, c.targetWidth]);
      const pt = tf.tensor2d(p, [rows, width]);
      const expected = loss(yt, pt).dataSync()[0];
      const expectedGrad = tf
        .grad((t: tf.Tensor) => loss(yt, t))(pt)
        .dataSync();
      const grad = new Float32Array(rows * width);
      const value = lossAndGradient(c.name, c.fromLogits, p, y, rows, width, grad);
      assert.ok(Math.abs(value - expected) / Math.abs(expected) < 1e-5, `value ${value} vs ${expected}`);
      assert.ok(worstRelative(grad, expectedGrad, 1e-5) < 1e-5, `gradient: ${worstRelative(grad, expectedGrad, 1e-5)}`);
    });
  }
});

describe('optimizers: 5 updates against the TF.js optimizer the engine builds (rel 1e-6)', () => {
  const specs: { name: string; args: Record<string, number | boolean> }[] = [
    { name: 'sgd', args: {} },
    { name: 'sgd', args: { momentum: 0.9 } },
    { name: 'sgd', args: { momentum: 0.8, nesterov: true } },
    { name: 'adam', args: {} },
    { name: 'adam', args: { beta_1: 0.8, beta_2: 0.99, epsilon: 1e-5 } },
    { name: 'rmsprop', args: {} },
    { name: 'rmsprop', args: { momentum: 0.5, rho: 0.8 } },
    { name: 'rmsprop', args: { centered: true } },
    { name: 'adagrad', args: {} },
    { name: 'adagrad', args: { initial_accumulator_value: 0.5 } },
  ];
  for (const spec of specs) {
    it(`${spec.name} ${JSON.stringify(spec.args)}`, () => {
      const shapes = [[3, 4], [4]];
      const initial = shapes.map((s, i) =>
        randomArray(
          s.reduce((a, b) => a * b, 1),
          20 + i,
          0.5,
        ),
      );
      const variables = shapes.map((s, i) => tf.variable(tf.tensor(initial[i], s)));
      const reference = makeOptimizer(spec, 0.01)!;
      const compiled = makeCompiledOptimizer(
        spec,
        initial.map((v) => v.length),
      );
      const { values } = compiled.store;
      initial.forEach((v, i) => values[i].set(v));
      for (let step = 0; step < 5; step++) {
        const grads = shapes.map((s, i) => randomArray(initial[i].length, 100 + step * 10 + i, 1));
        reference.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor(grads[i], shapes[i])])));
        grads.forEach((g, i) => compiled.store.grads[i].set(g));
        compiled.apply(0.01);
      }
      variables.forEach((v, i) => assert.ok(worstRelative(values[i], v.dataSync()) < 1e-6, `variable ${i}: ${worstRelative(values[i], v.dataSync())}`));
      reference.dispose();
      tf.dispose(variables);
    });
  }
  it('options the compiled step does not implement send the run to TF.js', () => {
    assert.equal(optimizerBlocker({ name: 'adam', args: { beta_1: 0.9 } }), undefined);
    assert.match(optimizerBlocker({ name: 'adam', args: { clipnorm: 1 } }) ?? '', /clipnorm/);
    assert.match(optimizerBlocker({ name: 'sgd', args: { clipvalue: 0.5 } }) ?? '', /clipvalue/);
    assert.match(optimizerBlocker({ name: 'adam', args: { amsgrad: true } }) ?? '', /amsgrad/);
    assert.match(optimizerBlocker({ name: 'adamax', args: {} }) ?? '', /adamax/);
  });
});

/** The RunContext the smoke run builds from these options (rows read as images of `inputShape` when given). */
function contextOf(options: EvidenceOptions & { inputShape?: number[] }): RunContext {
  const evidence = makeEvidence(options);
  if (options.inputShape) evidence.config.model.input_shape = options.inputShape;
  const prepared = smokeInputOf(evidence).data;
  assert.ok(prepared.ok);
  const loss = makeLoss(evidence.config.training.loss, evidence.config.training.from_logits)!;
  return makeContext(smokeInputOf(evidence), prepared.data, loss, evidence.config.smoke.seed);
}

/** Same steps, losses within `tolerance` (relative), same probe steps and probes close, same activation health. */
describe('whole runs: the compiled step against the TF.js step (same seed, 40 steps)', () => {
  const table = makeTable({ rows: 200, features: 5 });
  const validation = makeTable({ rows: 64, features: 5, seed: 3 });
  const base = { ...table, validation, steps: 40, learningRate: 0.01, batchSize: 16 };
  const setups: [string, Partial<EvidenceOptions> & { layers: LayerSpec[] }][] = [
    ['relu MLP with dropout, adam, mse', { layers: [dense(16, 'relu'), { type: 'dropout', name: 'drop', rate: 0.3 }, dense(8, 'tanh'), dense(1)] }],
    [
      'sigmoid and gelu, sgd nesterov, huber',
      { layers: [dense(12, 'sigmoid'), dense(8, 'gelu'), dense(1)], optimizer: 'sgd', optimizerArgs: { momentum: 0.9, nesterov: true }, loss: 'huber' },
    ],
    [
      'elu, selu, leaky relu, rmsprop, mae',
      { layers: [dense(10, 'elu'), dense(10, 'selu'), dense(10, 'leaky_relu'), dense(1)], optimizer: 'rmsprop', loss: 'mae' },
    ],
    [
      'l1/l2 regularizers, adagrad',
      { layers: [dense(12, 'relu', { kernel_regularizer: { l1: 0.001, l2: 0.01 }, bias_regularizer: { l1: 0, l2: 0.01 } }), dense(1)], optimizer: 'adagrad' },
    ],
    ["odd batch size and widths (the blocked loops' tails)", { layers: [dense(7, 'relu'), dense(3, 'tanh'), dense(1)], batchSize: 7 }],
    [
      'layer normalization after a dense layer and on the inputs',
      {
        layers: [
          { type: 'layer_normalization', name: 'ln_in' },
          dense(12),
          { type: 'layer_normalization', name: 'ln', extra: { epsilon: 0.01 } },
          { type: 'activation', name: 'act', activation: 'relu' },
          dense(1),
        ],
      },
    ],
    // The dense layer before a batch norm has no bias: a bias there has a true gradient of zero, and Adam turns
    // the float32 rounding noise in it into full-size steps, differently on each engine (training loss
    // unaffected, the moving mean and so the validation loss slightly).
    [
      'batch normalization (batch statistics in training, moving averages in validation and probes)',
      {
        layers: [
          dense(12, 'linear', { use_bias: false }),
          { type: 'batch_normalization', name: 'bn' },
          { type: 'activation', name: 'act', activation: 'relu' },
          dense(8, 'relu'),
          dense(1),
        ],
      },
    ],
    [
      'batch normalization on the inputs, momentum 0.9',
      { layers: [{ type: 'batch_normalization', name: 'bn_in', extra: { momentum: 0.9 } }, dense(8, 'tanh'), dense(1)] },
    ],
    ['no bias, activation layer', { layers: [dense(8, 'linear', { use_bias: false }), { type: 'activation', name: 'act', activation: 'swish' }, dense(1)] }],
  ];
  for (const [title, setup] of setups) {
    it(title, () => {
      const [reference, compiled] = runBoth(contextOf({ ...base, ...setup }), 40);
      assertSameRun(reference, compiled, 1e-4);
    });
  }

  it('classification: softmax + sparse crossentropy, sigmoid + binary crossentropy, logits', () => {
    const classes = makeTable({ rows: 200, features: 5, task: 'multiclass', classes: 3 });
    const [r1, c1] = runBoth(
      contextOf({ ...base, ...classes, task: 'multiclass', layers: [dense(16, 'relu'), dense(3, 'softmax')], loss: 'sparse_categorical_crossentropy' }),
      40,
    );
    assertSameRun(r1, c1, 1e-4);
    const [r2, c2] = runBoth(
      contextOf({ ...base, ...classes, task: 'multiclass', layers: [dense(16, 'relu'), dense(3)], loss: 'sparse_categorical_crossentropy', fromLogits: true }),
      40,
    );
    assertSameRun(r2, c2, 1e-4);
    const binary = makeTable({ rows: 200, features: 5, task: 'binary' });
    const [r3, c3] = runBoth(
      contextOf({ ...base, ...binary, task: 'binary', layers: [dense(16, 'tanh'), dense(1, 'sigmoid')], loss: 'binary_crossentropy' }),
      40,
    );
    assertSameRun(r3, c3, 1e-4);
  });

  it('repeats exactly: two compiled runs of the same seed give the same numbers, bit for bit', () => {
    const ctx = { ...contextOf({ ...base, layers: [dense(16, 'relu'), { type: 'dropout', name: 'drop', rate: 0.5 }, dense(1)] }), engine: 'compiled' as const };
    const options = { steps: 30, deadline: Number.POSITIVE_INFINITY, probeEvery: 5, withValidation: true };
    assert.deepEqual(trainFresh(ctx, options), trainFresh(ctx, options));
  });

  it('images: conv2d (same and valid padding, strides), max pooling, flatten, dense', () => {
    const images = makeTable({ rows: 120, features: 72, task: 'multiclass', classes: 3 });
    const conv = (filters: number, extra: Partial<LayerSpec>): LayerSpec => ({
      type: 'conv2d',
      name: `conv_${filters}`,
      filters,
      kernel_size: [3],
      activation: 'relu',
      ...extra,
    });
    const [r1, c1] = runBoth(
      contextOf({
        ...images,
        task: 'multiclass',
        loss: 'sparse_categorical_crossentropy',
        batchSize: 8,
        learningRate: 0.01,
        steps: 30,
        inputShape: [6, 6, 2],
        layers: [
          conv(4, { padding: 'same' }),
          { type: 'max_pooling2d', name: 'pool', pool_size: [2] },
          { type: 'flatten', name: 'flat' },
          dense(8, 'relu'),
          dense(3, 'softmax'),
        ],
      }),
      30,
    );
    assertSameRun(r1, c1, 1e-4);
    const values = makeTable({ rows: 120, features: 72 });
    const [r2, c2] = runBoth(
      contextOf({
        ...values,
        batchSize: 8,
        learningRate: 0.01,
        steps: 30,
        inputShape: [6, 6, 2],
        optimizer: 'sgd',
        optimizerArgs: { momentum: 0.9 },
        layers: [
          conv(3, { activation: 'tanh', strides: [2], kernel_regularizer: { l1: 0, l2: 0.01 } }),
          conv(5, { padding: 'same', kernel_size: [2, 3] }),
          { type: 'max_pooling2d', name: 'pool', pool_size: [2], strides: [1], padding: 'same' },
          { type: 'flatten', name: 'flat' },
          dense(1),
        ],
      }),
      30,
    );
    assertSameRun(r2, c2, 1e-4);
  });

  it('a small CNN like the benchmark one (conv-pool-conv-pool-dense, adam, sparse crossentropy): same curve and probes', () => {
    const images = makeTable({ rows: 96, features: 144, task: 'multiclass', classes: 4 });
    const conv = (filters: number): LayerSpec => ({ type: 'conv2d', name: `conv_${filters}`, filters, kernel_size: [3], activation: 'relu' });
    const [reference, compiled] = runBoth(
      contextOf({
        ...images,
        task: 'multiclass',
        loss: 'sparse_categorical_crossentropy',
        batchSize: 16,
        learningRate: 0.001,
        steps: 30,
        inputShape: [12, 12, 1],
        layers: [
          conv(8),
          { type: 'max_pooling2d', name: 'pool_1', pool_size: [2] },
          conv(16),
          { type: 'max_pooling2d', name: 'pool_2', pool_size: [2] },
          { type: 'flatten', name: 'flat' },
          dense(4, 'softmax'),
        ],
      }),
      30,
    );
    assertSameRun(reference, compiled, 1e-4);
  });

  it('average pooling, global average pooling and a wide dense layer (a matrix product too)', () => {
    const images = makeTable({ rows: 80, features: 128, task: 'multiclass', classes: 3 });
    const [r1, c1] = runBoth(
      contextOf({
        ...images,
        task: 'multiclass',
        loss: 'sparse_categorical_crossentropy',
        batchSize: 8,
        learningRate: 0.01,
        steps: 25,
        inputShape: [8, 8, 2],
        layers: [
          { type: 'conv2d', name: 'conv', filters: 6, kernel_size: [3], padding: 'same', activation: 'tanh' },
          { type: 'average_pooling2d', name: 'avg', pool_size: [2] },
          { type: 'flatten', name: 'flat' },
          dense(80, 'relu'),
          dense(3, 'softmax'),
        ],
      }),
      25,
    );
    assertSameRun(r1, c1, 1e-4);
    const [r2, c2] = runBoth(
      contextOf({
        ...images,
        task: 'multiclass',
        loss: 'sparse_categorical_crossentropy',
        batchSize: 8,
        learningRate: 0.01,
        steps: 25,
        inputShape: [8, 8, 2],
        layers: [
          { type: 'conv2d', name: 'conv', filters: 12, kernel_size: [3], strides: [2], activation: 'relu' },
          { type: 'global_average_pooling2d', name: 'gap' },
          dense(3, 'softmax'),
        ],
      }),
      25,
    );
    assertSameRun(r2, c2, 1e-4);
  });

  it('all-zero inputs (the zeroed-input control): one row computed for the batch, the same curve as TF.js over every row', () => {
    const classes = makeTable({ rows: 120, features: 6, task: 'multiclass', classes: 4 });
    for (const setup of [
      { layers: [dense(24, 'relu'), dense(16, 'tanh'), dense(4, 'softmax')], loss: 'sparse_categorical_crossentropy' },
      {
        layers: [dense(32, 'relu', { kernel_regularizer: { l1: 0, l2: 0.01 } }), dense(4, 'softmax')],
        loss: 'sparse_categorical_crossentropy',
        optimizer: 'sgd',
      },
    ] as const) {
      const ctx = contextOf({ ...base, ...classes, validation: undefined, ...setup, layers: [...setup.layers] });
      const zeroed = { ...ctx, x: tf.zerosLike(ctx.x) };
      const [reference, compiled] = runBoth(zeroed, 40, 0);
      assert.equal(compiled.stepsRun, 40);
      assert.ok(worstRelative(compiled.loss, reference.loss) < 1e-4, `loss curve: ${worstRelative(compiled.loss, reference.loss)}`);
      // the first step's loss is the same float either way: the rows' outputs are identical
      assert.equal(compiled.loss[0], reference.loss[0]);
      tf.dispose(zeroed.x);
    }
  });

  it('a diverging run stops at the same step and names the same place', () => {
    const [reference, compiled] = runBoth(contextOf({ ...base, layers: [dense(16, 'relu'), dense(1)], optimizer: 'sgd', learningRate: 1e6 }), 40);
    assert.ok(reference.firstNonFinite, 'the reference run diverges');
    assert.deepEqual(compiled.firstNonFinite, reference.firstNonFinite);
    assert.equal(compiled.stepsRun, reference.stepsRun);
    assert.deepEqual(compiled.probeSteps, reference.probeSteps);
    assert.deepEqual(compiled.activations, reference.activations);
  });

  it('a learning-rate schedule, stopWhen and weight decay are honoured the same way', () => {
    const ctx = { ...contextOf({ ...base, layers: [dense(8, 'relu'), dense(1)] }), weightDecay: 0.01 };
    const seen: number[][] = [[], []];
    const results = (['tfjs', 'compiled'] as const).map((engine, i) =>
      trainFresh(
        { ...ctx, engine },
        {
          steps: 60,
          deadline: Number.POSITIVE_INFINITY,
          schedule: (step) => 1e-4 * 1.2 ** step,
          stopWhen: (losses) => {
            seen[i].push(losses.length);
            return losses.length >= 30;
          },
        },
      ),
    );
    assert.deepEqual(seen[1], seen[0]);
    assert.equal(results[1].stepsRun, results[0].stepsRun);
    assert.ok(worstRelative(results[1].loss, results[0].loss) < 1e-4);
  });
});

describe('engine choice', () => {
  const table = makeTable({ rows: 64, features: 4 });
  it('auto compiles a dense stack and says so in the note', () => {
    const result = trainFresh(contextOf({ ...table, layers: [dense(8, 'relu'), dense(1)] }), { steps: 3, deadline: Number.POSITIVE_INFINITY });
    assert.equal(result.engine, 'compiled');
    assert.match(engineNote(result), /compiled/);
  });
  it('auto falls back to TF.js for what it lacks, with the reason; compiled-only refuses', () => {
    const ctx = contextOf({ ...table, layers: [dense(8, 'relu'), dense(1)], optimizer: 'adam', optimizerArgs: { clipnorm: 1 } });
    const result = trainFresh(ctx, { steps: 3, deadline: Number.POSITIVE_INFINITY });
    assert.equal(result.engine, 'tfjs');
    assert.match(result.engineReason ?? '', /clipnorm/);
    assert.match(engineNote(result), /TF\.js ops \(compiled step not used: optimizer option 'clipnorm'/);
    assert.throws(() => trainFresh({ ...ctx, engine: 'compiled' }, { steps: 3, deadline: Number.POSITIVE_INFINITY }), /clipnorm/);
  });
  it('a layer the compiler lacks (depthwise convolution) sends the model to TF.js, and the note says which', () => {
    const images = makeTable({ rows: 40, features: 32 });
    const ctx = contextOf({
      ...images,
      inputShape: [4, 4, 2],
      layers: [{ type: 'depthwise_conv2d', name: 'depthwise', kernel_size: [3], padding: 'same' }, { type: 'flatten', name: 'flat' }, dense(1)],
    });
    const result = trainFresh(ctx, { steps: 3, deadline: Number.POSITIVE_INFINITY });
    assert.equal(result.engine, 'tfjs');
    assert.match(result.engineReason ?? '', /depthwise.*not compiled/);
    assert.match(engineNote(result), /compiled step not used: layer 'depthwise_0' \(depthwise_conv2d\) is not compiled/);
  });
  it('plans: layers, input shapes, losses, target widths and size it does not cover', () => {
    const spec = (layers: LayerSpec[]) => ({ layers, origin: { kind: 'layers' as const }, unsupported: [] });
    const ask = { inputShape: [4], lossName: 'mean_squared_error', optimizer: { name: 'adam', args: {} }, targetWidth: 1, batchSize: 32 };
    assert.deepEqual(planCompiledStep({ ...ask, spec: spec([dense(8, 'relu'), dense(1)]) }), { ok: true });
    assert.match(
      planCompiledStep({ ...ask, spec: spec([{ type: 'conv1d', name: 'c', filters: 2, kernel_size: [3] }, dense(1)]) }).ok ? '' : 'conv1d',
      /conv1d/,
    );
    assert.deepEqual(planCompiledStep({ ...ask, inputShape: [8, 8, 1], spec: spec([{ type: 'flatten', name: 'f' }, dense(1)]) }), { ok: true });
    const noFlatten = planCompiledStep({ ...ask, inputShape: [8, 8, 1], spec: spec([dense(1)]) });
    assert.ok(!noFlatten.ok && /flatten first/.test(noFlatten.reason));
    assert.deepEqual(planCompiledStep({ ...ask, inputShape: [20, 8], spec: spec([{ type: 'flatten', name: 'f' }, dense(1)]) }), { ok: true });
    const volume = planCompiledStep({ ...ask, inputShape: [4, 4, 4, 1], spec: spec([{ type: 'flatten', name: 'f' }, dense(1)]) });
    assert.ok(!volume.ok && /neither flat rows, sequences nor images/.test(volume.reason));
    const loss = planCompiledStep({ ...ask, lossName: 'poisson', spec: spec([dense(1)]) });
    assert.ok(!loss.ok && /poisson/.test(loss.reason));
    const broadcast = planCompiledStep({ ...ask, spec: spec([dense(4, 'softmax')]) });
    assert.ok(!broadcast.ok && /broadcast/.test(broadcast.reason));
    // no size limit: large dense layers and convolutions run as WebAssembly matrix products
    assert.deepEqual(planCompiledStep({ ...ask, spec: spec([dense(512, 'relu'), dense(512, 'relu'), dense(1)]) }), { ok: true });
    const conv = (filters: number): LayerSpec => ({ type: 'conv2d', name: `c${filters}`, filters, kernel_size: [3], activation: 'relu' });
    const pool: LayerSpec = { type: 'max_pooling2d', name: 'p', pool_size: [2] };
    const cnn = spec([conv(16), pool, conv(32), { ...pool, name: 'p2' }, { type: 'flatten', name: 'f' }, dense(10, 'softmax')]);
    assert.deepEqual(planCompiledStep({ ...ask, inputShape: [28, 28, 1], lossName: 'sparse_categorical_crossentropy', spec: cnn }), { ok: true });
    const cut = planCompiledStep({
      ...ask,
      inputShape: [7, 7, 1],
      spec: spec([{ type: 'average_pooling2d', name: 'avg', pool_size: [2], padding: 'same' }, { type: 'flatten', name: 'f' }, dense(1)]),
    });
    assert.ok(!cut.ok && /avg.*'same' padding/.test(cut.reason));
  });
});

describe('setups the compiled step must leave to TF.js, because it would not reproduce them', () => {
  const denseLayer = (units: number, activation = 'linear', extra?: Record<string, unknown>) => ({
    type: 'dense' as const,
    name: `d${units}${activation}`,
    units,
    activation,
    ...(extra ? { extra } : {}),
  });
  const spec = (layers: LayerSpec[]): ModelSpec => ({ layers, origin: { kind: 'layers' }, unsupported: [] });
  const ask = (over: Partial<CompileQuestion>) =>
    planCompiledStep({
      spec: spec([denseLayer(8, 'relu'), denseLayer(1)]),
      inputShape: [4],
      lossName: 'mean_squared_error',
      optimizer: { name: 'adam', args: {} },
      targetWidth: 1,
      batchSize: 8,
      ...over,
    });
  it('takes the plain Keras setup', () => assert.equal(ask({}).ok, true));
  it("leaves PyTorch optimizers, whose update rules differ from Keras's, to TF.js", () => {
    const plan = ask({ optimizer: { name: 'sgd', framework: 'pytorch', args: { momentum: 0.9 } } });
    assert.equal(plan.ok, false);
  });
  it('leaves a loss whose settings it does not compute (class weights, torch losses) to TF.js', () => {
    const plan = ask({ blocker: 'class weights are not compiled' });
    assert.deepEqual(plan, { ok: false, reason: 'class weights are not compiled' });
  });
  it('leaves branching models and activations with their own slope to TF.js', () => {
    const branching = spec([{ ...denseLayer(8, 'relu'), inbound: [-1] }, denseLayer(1)]);
    assert.equal(ask({ spec: branching }).ok, false);
    const leaky = spec([denseLayer(8), { type: 'activation', name: 'act', activation: 'leaky_relu', extra: { alpha: 0.01 } }, denseLayer(1)]);
    assert.equal(ask({ spec: leaky }).ok, false);
  });
});
