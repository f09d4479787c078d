// Each torch.optim optimizer of the smoke run against a few lines of plain JS that follow PyTorch's
// documented update rule (pytorch.org/docs/stable/optim.html, the pseudocode of each class), step by step.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend.ts';
import { makeOptimizer, weightDecayOf } from '../../src/engine/optimizers.ts';
import { TORCH_OPTIMIZER_DEFAULTS, type TorchOptimizerName } from '../../src/config/torch.ts';

before(async () => {
  await initBackend('cpu');
});

// Loss sum(a*w^2 + b*w): gradient 2*a*w + b, different for every weight and changing each step.
const A = [0.5, 2, 1, 3];
const B = [0.3, -1, 0.7, 0];
const W0 = [1, -2, 0.5, 3];
const gradient = (w: number[]) => w.map((x, i) => 2 * A[i] * x + B[i]);

type Args = Record<string, number | boolean>;

/** PyTorch's documented algorithm for one parameter tensor, in float64. */
function oracle(kind: TorchOptimizerName, lr: number, args: Args, steps: number): number[][] {
  const n = (k: string) => Number(args[k] ?? 0);
  let p = [...W0];
  const zeros = () => p.map(() => 0);
  let buf: number[] | undefined;
  let m = zeros(),
    v = zeros(),
    vmax = zeros(),
    gAvg = zeros();
  let sum = p.map(() => n('initial_accumulator_value'));
  const history: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = gradient(p);
    const wd = n('weight_decay');
    if (wd !== 0 && kind !== 'AdamW') g = g.map((x, i) => x + wd * p[i]);
    if (kind === 'SGD') {
      const mu = n('momentum');
      if (mu !== 0) {
        buf = buf === undefined ? [...g] : buf.map((b, i) => mu * b + (1 - n('dampening')) * g[i]);
        g = args.nesterov ? g.map((x, i) => x + mu * buf![i]) : [...buf];
      }
      p = p.map((x, i) => x - lr * g[i]);
    } else if (kind === 'Adam' || kind === 'AdamW') {
      if (kind === 'AdamW') p = p.map((x) => x * (1 - lr * wd));
      m = m.map((x, i) => n('beta1') * x + (1 - n('beta1')) * g[i]);
      v = v.map((x, i) => n('beta2') * x + (1 - n('beta2')) * g[i] ** 2);
      const mHat = m.map((x) => x / (1 - n('beta1') ** t));
      vmax = vmax.map((x, i) => Math.max(x, v[i]));
      const vHat = (args.amsgrad ? vmax : v).map((x) => x / (1 - n('beta2') ** t));
      p = p.map((x, i) => x - (lr * mHat[i]) / (Math.sqrt(vHat[i]) + n('eps')));
    } else if (kind === 'RMSprop') {
      const alpha = n('alpha');
      v = v.map((x, i) => alpha * x + (1 - alpha) * g[i] ** 2);
      let vTilde = v;
      if (args.centered) {
        gAvg = gAvg.map((x, i) => alpha * x + (1 - alpha) * g[i]);
        vTilde = v.map((x, i) => x - gAvg[i] ** 2);
      }
      if (n('momentum') > 0) {
        buf = (buf ?? zeros()).map((b, i) => n('momentum') * b + g[i] / (Math.sqrt(vTilde[i]) + n('eps')));
        p = p.map((x, i) => x - lr * buf![i]);
      } else {
        p = p.map((x, i) => x - (lr * g[i]) / (Math.sqrt(vTilde[i]) + n('eps')));
      }
    } else {
      const clr = lr / (1 + (t - 1) * n('lr_decay'));
      sum = sum.map((s, i) => s + g[i] ** 2);
      p = p.map((x, i) => x - (clr * g[i]) / (Math.sqrt(sum[i]) + n('eps')));
    }
    history.push(p);
  }
  return history;
}

function engine(kind: TorchOptimizerName, lr: number, args: Args, steps: number): number[][] {
  const optimizer = makeOptimizer({ name: kind, args, framework: 'pytorch' }, lr);
  assert.ok(optimizer, kind);
  const w = tf.variable(tf.tensor1d(W0));
  const a = tf.tensor1d(A);
  const b = tf.tensor1d(B);
  const history: number[][] = [];
  for (let t = 0; t < steps; t++) {
    optimizer.minimize(() => tf.sum(tf.add(tf.mul(a, tf.square(w)), tf.mul(b, w))) as tf.Scalar, false, [w]);
    history.push(Array.from(w.dataSync()));
  }
  optimizer.dispose();
  tf.dispose([w, a, b]);
  return history;
}

function assertClose(actual: number[][], expected: number[][], label: string): void {
  actual.forEach((row, t) =>
    row.forEach((x, i) => {
      const want = expected[t][i];
      assert.ok(Math.abs(x - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${label}: step ${t + 1}, weight ${i}: ${x} vs ${want}`);
    }),
  );
}

const CASES: [TorchOptimizerName, number, Args][] = [
  ['SGD', 0.05, {}],
  ['SGD', 0.05, { momentum: 0.9 }],
  ['SGD', 0.05, { momentum: 0.9, dampening: 0.5 }],
  ['SGD', 0.05, { momentum: 0.9, nesterov: true, weight_decay: 0.1 }],
  ['Adam', 0.1, {}],
  ['Adam', 0.1, { weight_decay: 0.1, amsgrad: true, beta1: 0.8, beta2: 0.9 }],
  ['AdamW', 0.1, {}],
  ['AdamW', 0.1, { weight_decay: 0.5, amsgrad: true }],
  ['RMSprop', 0.01, {}],
  ['RMSprop', 0.01, { momentum: 0.9, centered: true, weight_decay: 0.01 }],
  ['Adagrad', 0.1, {}],
  ['Adagrad', 0.1, { lr_decay: 0.1, initial_accumulator_value: 0.5, weight_decay: 0.05 }],
];

describe('torch.optim update rules', () => {
  for (const [kind, lr, overrides] of CASES) {
    it(`${kind} ${JSON.stringify(overrides)} matches PyTorch's algorithm for 6 steps`, () => {
      const args = { ...TORCH_OPTIMIZER_DEFAULTS[kind], ...overrides };
      delete (args as Args).lr;
      assertClose(engine(kind, lr, args, 6), oracle(kind, lr, args, 6), kind);
    });
  }

  it('a torch optimizer carries its own weight decay: no extra decoupled decay in the loop', () => {
    assert.equal(weightDecayOf({ name: 'AdamW', args: { weight_decay: 0.01 }, framework: 'pytorch' }, 0), 0);
  });
});
