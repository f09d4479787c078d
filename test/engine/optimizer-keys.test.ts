// Every optimizer and training key the config schema accepts is either applied by the smoke run exactly as
// Keras applies it (checked against a plain-JS reference of the update, and shown to change the result) or
// named in a refusal. The keys come from the schema itself, so a key added there fails here until handled.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildConfigSchema } from '../../src/config/schema.ts';
import { DEFAULT_CONFIG_LIMITS } from '../../src/config/problems.ts';
import type { LayerSpec, OptimizerSpec } from '../../src/config/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { makeLoss } from '../../src/engine/losses.ts';
import { weightDecayOf } from '../../src/engine/optimizers.ts';
import { refusedOptimizerKeys, TRAINING_KEY_HANDLING } from '../../src/engine/optimizer-keys.ts';
import { TORCH_OPTIMIZER_NAMES, torchOptimizerArgs } from '../../src/config/torch.ts';
import { OPTIMIZER_ARGS } from '../../src/config/names.ts';

/** Optimizer keys only PyTorch spells so (not Keras arguments). */
const TORCH_ONLY_KEYS = new Set(['lr', ...TORCH_OPTIMIZER_NAMES.flatMap(torchOptimizerArgs)].filter((k) => !(OPTIMIZER_ARGS as readonly string[]).includes(k)));
import { trainFresh, type RunContext } from '../../src/engine/session.ts';

before(async () => {
  await initBackend('cpu');
});

/** The keys of a zod object schema, through optional/union wrappers. */
function schemaKeys(): { optimizer: string[]; training: string[] } {
  const schema = buildConfigSchema(DEFAULT_CONFIG_LIMITS) as unknown as { shape: Record<string, { unwrap(): { shape: Record<string, unknown> } }> };
  const training = schema.shape.training.unwrap().shape;
  const optimizerUnion = (training.optimizer as { unwrap(): { options: { shape?: Record<string, unknown> }[] } }).unwrap();
  const objectOption = optimizerUnion.options.find((o) => o.shape !== undefined)!;
  return { optimizer: Object.keys(objectOption.shape!).filter((k) => k !== 'name' && k !== 'learning_rate'), training: Object.keys(training) };
}

// A linear regression y = 3 x0 - 2 x1 + 5 on 8 rows, one dense unit, kernel 0.3, bias 0, full batch.
const ROWS = 8;
const X = Array.from({ length: ROWS }, (_, r) => [Math.sin(r + 1) * 2, Math.cos(r * 0.7) * 3]);
const Y = X.map(([a, b]) => 3 * a - 2 * b + 5);
const STEPS = 12;
const LR = 0.05;

/** Weights [w0, w1, b] after STEPS full-batch steps in the smoke engine. */
function engineWeights(spec: OptimizerSpec, weightDecay = 0): number[] {
  const layer: LayerSpec = {
    type: 'dense',
    name: 'out',
    units: 1,
    activation: 'linear',
    kernel_initializer: { name: 'constant', value: 0.3 },
    bias_initializer: { name: 'zeros' },
  };
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(Y.map((v) => [v]));
  const ctx: RunContext = {
    spec: { layers: [layer], origin: { kind: 'layers' }, unsupported: [], input_shape: [2] },
    inputShape: [2],
    seed: 1,
    task: 'regression',
    lossName: 'mean_squared_error',
    fromLogits: false,
    outputUnits: 1,
    loss: makeLoss('mean_squared_error', false)!,
    optimizer: spec,
    learningRate: LR,
    batchSize: ROWS,
    weightDecay: weightDecayOf(spec, weightDecay),
    x,
    y,
  };
  let weights: number[] = [];
  try {
    trainFresh(ctx, {
      steps: STEPS,
      deadline: performance.now() + 60_000,
      afterTraining: (built) => {
        weights = built.model.getWeights().flatMap((w) => Array.from(w.dataSync()));
      },
    });
  } finally {
    tf.dispose([x, y]);
  }
  return weights;
}

type Args = Record<string, number | boolean>;
const num = (args: Args, key: string, fallback: number) => (typeof args[key] === 'number' ? (args[key] as number) : fallback);

/** The same training written out in plain JS, following Keras's update rules (TF.js's Adam form of epsilon). */
function referenceWeights(name: string, args: Args, trainingWeightDecay = 0): number[] {
  const w = [0.3, 0.3, 0];
  const state = {
    m: [0, 0, 0],
    v: [0, 0, 0],
    vhat: [0, 0, 0],
    mg: [0, 0, 0],
    acc: [0, 0, 0].map(() => num(args, 'initial_accumulator_value', 0.1)),
    au: [0, 0, 0],
  };
  const wd = trainingWeightDecay > 0 ? trainingWeightDecay : num(args, 'weight_decay', name === 'adamw' ? 0.004 : 0);
  for (let t = 0; t < STEPS; t++) {
    const lr = LR / (1 + num(args, 'decay', 0) * t);
    // gradient of mean((x.w + b - y)^2)
    let g = [0, 0, 0];
    X.forEach(([a, b], r) => {
      const err = a * w[0] + b * w[1] + w[2] - Y[r];
      g[0] += (2 / ROWS) * err * a;
      g[1] += (2 / ROWS) * err * b;
      g[2] += (2 / ROWS) * err;
    });
    // Keras clips each variable (kernel [w0, w1], bias [b]) by norm, or all by the global norm, or each value.
    if (num(args, 'clipnorm', 0) > 0) {
      const c = num(args, 'clipnorm', 0);
      const k = Math.hypot(g[0], g[1]);
      const bn = Math.abs(g[2]);
      g = [(g[0] * c) / Math.max(k, c), (g[1] * c) / Math.max(k, c), (g[2] * c) / Math.max(bn, c)];
    } else if (num(args, 'global_clipnorm', 0) > 0) {
      const c = num(args, 'global_clipnorm', 0);
      const n = Math.hypot(...g);
      g = g.map((v) => v * c * Math.min(1 / n, 1 / c));
    } else if (num(args, 'clipvalue', 0) > 0) {
      const c = num(args, 'clipvalue', 0);
      g = g.map((v) => Math.max(-c, Math.min(c, v)));
    }
    for (let i = 0; i < 3; i++) w[i] -= w[i] * wd * lr;
    for (let i = 0; i < 3; i++) {
      const gi = g[i];
      if (name === 'sgd') {
        const momentum = num(args, 'momentum', 0);
        state.m[i] = momentum * state.m[i] - lr * gi;
        w[i] += args.nesterov === true ? momentum * state.m[i] - lr * gi : state.m[i];
      } else if (name === 'adam' || name === 'adamw') {
        const [b1, b2, eps] = [num(args, 'beta_1', 0.9), num(args, 'beta_2', 0.999), num(args, 'epsilon', 1e-7)];
        state.m[i] = b1 * state.m[i] + (1 - b1) * gi;
        state.v[i] = b2 * state.v[i] + (1 - b2) * gi * gi;
        state.vhat[i] = Math.max(state.vhat[i], state.v[i]);
        const v = args.amsgrad === true ? state.vhat[i] : state.v[i];
        w[i] -= (lr * (state.m[i] / (1 - b1 ** (t + 1)))) / (Math.sqrt(v / (1 - b2 ** (t + 1))) + eps);
      } else if (name === 'rmsprop') {
        const [rho, momentum, eps] = [num(args, 'rho', 0.9), num(args, 'momentum', 0), num(args, 'epsilon', 1e-7)];
        state.v[i] = rho * state.v[i] + (1 - rho) * gi * gi;
        let denominator = state.v[i];
        if (args.centered === true) {
          state.mg[i] = rho * state.mg[i] + (1 - rho) * gi;
          denominator -= state.mg[i] ** 2;
        }
        state.m[i] = momentum * state.m[i] + (lr * gi) / Math.sqrt(denominator + eps);
        w[i] -= state.m[i];
      } else if (name === 'adagrad') {
        state.acc[i] += gi * gi;
        w[i] -= (lr * gi) / Math.sqrt(state.acc[i] + 1e-7);
      } else if (name === 'adadelta') {
        const [rho, eps] = [num(args, 'rho', 0.95), num(args, 'epsilon', 1e-7)];
        state.v[i] = rho * state.v[i] + (1 - rho) * gi * gi;
        const update = (Math.sqrt(state.au[i] + eps) / Math.sqrt(state.v[i] + eps)) * gi;
        state.au[i] = rho * state.au[i] + (1 - rho) * update * update;
        w[i] -= lr * update;
      } else if (name === 'adamax') {
        const [b1, b2, eps] = [num(args, 'beta_1', 0.9), num(args, 'beta_2', 0.999), num(args, 'epsilon', 1e-7)];
        state.m[i] = b1 * state.m[i] + (1 - b1) * gi;
        state.v[i] = Math.max(b2 * state.v[i], Math.abs(gi));
        w[i] -= ((lr / (1 - b1 ** (t + 1))) * state.m[i]) / (state.v[i] + eps);
      }
    }
  }
  return w;
}

/** For each optimizer key: an optimizer that takes it and a value whose effect is measurable in 12 steps. */
const PROBES: Record<string, { optimizer: string; args: Args }> = {
  momentum: { optimizer: 'sgd', args: { momentum: 0.9 } },
  nesterov: { optimizer: 'sgd', args: { momentum: 0.9, nesterov: true } },
  beta_1: { optimizer: 'adam', args: { beta_1: 0.5 } },
  beta_2: { optimizer: 'adam', args: { beta_2: 0.9 } },
  epsilon: { optimizer: 'adam', args: { epsilon: 0.5 } },
  rho: { optimizer: 'rmsprop', args: { rho: 0.5 } },
  amsgrad: { optimizer: 'adam', args: { amsgrad: true, beta_2: 0.5 } },
  centered: { optimizer: 'rmsprop', args: { centered: true } },
  initial_accumulator_value: { optimizer: 'adagrad', args: { initial_accumulator_value: 2 } },
  weight_decay: { optimizer: 'adam', args: { weight_decay: 0.5 } },
  clipnorm: { optimizer: 'sgd', args: { clipnorm: 0.5 } },
  clipvalue: { optimizer: 'sgd', args: { clipvalue: 0.5 } },
  global_clipnorm: { optimizer: 'sgd', args: { global_clipnorm: 0.5 } },
  decay: { optimizer: 'sgd', args: { decay: 0.5 } },
};

function assertClose(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])), `${what}: weight ${i} is ${a}, the reference ${expected[i]}`),
  );
}

function maxDifference(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

describe('every accepted optimizer key', () => {
  const keys = schemaKeys();

  it('the schema lists the keys this test walks', () => {
    assert.ok(keys.optimizer.includes('clipnorm') && keys.optimizer.includes('decay'), keys.optimizer.join(', '));
    assert.ok(keys.training.includes('weight_decay'));
  });

  for (const key of keys.optimizer) {
    it(`${key}: applied as Keras does, or refused by name`, () => {
      const probe = PROBES[key];
      if (probe === undefined && TORCH_ONLY_KEYS.has(key)) {
        // PyTorch's spelling (lr, betas, eps, alpha, dampening, lr_decay): accepted only under
        // framework: pytorch, where torch-optimizers.ts applies it; torch-optimizers.test.ts checks each
        // update rule step by step against PyTorch's documented algorithm.
        assert.ok(
          TORCH_OPTIMIZER_NAMES.some((name) => key === 'lr' || torchOptimizerArgs(name).includes(key)),
          key,
        );
        return;
      }
      assert.ok(
        probe !== undefined,
        `no handling for optimizer key \`${key}\`: apply it in the smoke run (and add a probe here) or refuse it in refusedOptimizerKeys`,
      );
      const spec: OptimizerSpec = { name: probe.optimizer, args: probe.args };
      const refused = refusedOptimizerKeys(spec);
      if (refused.some((r) => r.key.split(', ').includes(key))) return;
      assert.deepEqual(refused, [], `${key}: nothing else refused`);
      const engine = engineWeights(spec);
      assertClose(engine, referenceWeights(probe.optimizer, probe.args), key);
      // Without the key the result differs measurably: the key is not silently ignored.
      const { [key]: _dropped, ...without } = probe.args;
      const baseline = referenceWeights(probe.optimizer, key === 'nesterov' ? { ...without, nesterov: false } : without);
      assert.ok(maxDifference(engine, baseline) > 1e-3, `${key} changes nothing measurable (max difference ${maxDifference(engine, baseline)})`);
    });
  }

  it('every optimizer trains as its plain-JS reference with its defaults', () => {
    for (const name of ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax']) {
      assertClose(engineWeights({ name, args: {} }), referenceWeights(name, {}), name);
    }
  });

  it('training.weight_decay decays every weight before the update (var -= var * wd * lr)', () => {
    const engine = engineWeights({ name: 'sgd', args: {} }, 0.5);
    assertClose(engine, referenceWeights('sgd', {}, 0.5), 'training.weight_decay');
    assert.ok(maxDifference(engine, referenceWeights('sgd', {})) > 1e-3);
  });

  it('every training key is applied or has the reason it is not', () => {
    for (const key of keys.training) {
      const handling = TRAINING_KEY_HANDLING[key];
      assert.ok(handling !== undefined, `training.${key} has no entry in TRAINING_KEY_HANDLING`);
      if (!handling.applied) assert.ok(handling.reason.length > 10, key);
    }
  });

  it('refuses, by name, a setting it cannot apply or that the optimizer does not take', () => {
    assert.deepEqual(
      refusedOptimizerKeys({ name: 'adagrad', args: { epsilon: 0.1 } }).map((r) => r.key),
      ['epsilon'],
    );
    assert.deepEqual(
      refusedOptimizerKeys({ name: 'adam', args: { momentum: 0.9 } }).map((r) => r.key),
      ['momentum'],
    );
    assert.deepEqual(
      refusedOptimizerKeys({ name: 'sgd', args: { clipnorm: 1, clipvalue: 0.5 } }).map((r) => r.key),
      ['clipvalue'],
    );
    assert.deepEqual(
      refusedOptimizerKeys({ name: 'adam', args: { use_ema: true, jit_compile: true } }).map((r) => r.key),
      ['use_ema'],
    );
    assert.deepEqual(refusedOptimizerKeys({ name: 'adam', args: { beta_1: 0.8, amsgrad: true, clipnorm: 1, decay: 0.01 } }), []);
  });
});

describe("torch.optim arguments are the PyTorch update rules' own, never refused by the Keras key list", () => {
  it('SGD with momentum, dampening, nesterov and weight_decay, Adam with betas and amsgrad: nothing refused', () => {
    const sgd: OptimizerSpec = { name: 'sgd', framework: 'pytorch', args: { momentum: 0.9, dampening: 0, nesterov: true, weight_decay: 5e-4 } };
    const adam: OptimizerSpec = { name: 'adam', framework: 'pytorch', args: { beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: true, weight_decay: 0 } };
    assert.deepEqual(refusedOptimizerKeys(sgd), []);
    assert.deepEqual(refusedOptimizerKeys(adam), []);
    // the same arguments under Keras are not Keras's, and are named
    assert.ok(refusedOptimizerKeys({ name: 'adam', args: { beta1: 0.9 } }).some((r) => r.key === 'beta1'));
  });
});
