// The WebAssembly optimizer kernels (optimizer-kernels.ts, through optimizers.ts) against the plain-JS
// loops they replaced, kept here as the reference: every operation rounded to float32 with Math.fround in
// TF.js's order. The weights and the optimizer state must be the same bits after several steps, on odd
// lengths (whole vectors and a scalar tail), with zeros, denormals, huge values, NaN and infinities in
// the gradients; the sums the kernels return must flag a non-finite tensor exactly when summing it in JS
// would; and the padding of every array must stay zero.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OptimizerSpec } from '../../src/config/types.ts';
import { makeCompiledOptimizer } from '../../src/engine/compiled/optimizers.ts';
import { mulberry32 } from '../../src/data/reservoir.ts';

// ---- the reference: the compiled step's former plain-JS update loops, unchanged but for exposing the state

const f = Math.fround;
const KERAS_EPSILON = 1e-7;
const BACKEND_EPSILON = 1e-7;

interface Reference {
  apply(values: Float32Array[], grads: Float32Array[], learningRate: number): void;
  /** per variable: the state arrays in the kernel's order */
  state: Float32Array[][];
}

function referenceOptimizer(spec: OptimizerSpec, sizes: number[]): Reference {
  const arg = (key: string, fallback: number): number => {
    const value = spec.args[key];
    return typeof value === 'number' ? value : fallback;
  };
  const zeros = () => sizes.map((n) => new Float32Array(n));
  const byVariable = (...arrays: (Float32Array[] | undefined)[]) => sizes.map((_, v) => arrays.filter((a) => a !== undefined).map((a) => a[v]));
  switch (spec.name.toLowerCase()) {
    case 'sgd': {
      const momentum = arg('momentum', 0);
      if (momentum === 0) return { apply: (values, grads, lr) => sgd(values, grads, lr), state: byVariable() };
      const accumulations = zeros();
      return { ...momentumOptimizer(accumulations, f(momentum), spec.args.nesterov === true), state: byVariable(accumulations) };
    }
    case 'adam':
    case 'adamw': {
      const [first, second] = [zeros(), zeros()];
      return { ...adam(first, second, arg('beta_1', 0.9), arg('beta_2', 0.999), arg('epsilon', KERAS_EPSILON)), state: byVariable(first, second) };
    }
    case 'rmsprop': {
      const [meanSquares, moments] = [zeros(), zeros()];
      const meanGrads = spec.args.centered === true ? zeros() : undefined;
      return {
        ...rmsprop(meanSquares, moments, meanGrads, arg('rho', 0.9), arg('momentum', 0), arg('epsilon', KERAS_EPSILON)),
        state: byVariable(meanSquares, moments, meanGrads),
      };
    }
    case 'adagrad': {
      const initial = f(arg('initial_accumulator_value', 0.1));
      const accumulators = sizes.map((n) => new Float32Array(n).fill(initial));
      return { ...adagrad(accumulators), state: byVariable(accumulators) };
    }
    default:
      throw new Error(`optimizer '${spec.name}' is not compiled`);
  }
}

type Apply = { apply(values: Float32Array[], grads: Float32Array[], learningRate: number): void };

function sgd(values: Float32Array[], grads: Float32Array[], lr: number): void {
  const c = f(-lr);
  values.forEach((w, v) => {
    const g = grads[v];
    for (let i = 0; i < w.length; i++) w[i] = f(f(c * g[i]) + w[i]);
  });
}

function momentumOptimizer(accumulations: Float32Array[], m: number, nesterov: boolean): Apply {
  return {
    apply(values, grads, lr) {
      const c = f(-lr);
      values.forEach((w, v) => {
        const g = grads[v];
        const a = accumulations[v];
        for (let i = 0; i < w.length; i++) {
          const next = f(f(m * a[i]) + g[i]);
          a[i] = next;
          const step = nesterov ? f(g[i] + f(next * m)) : next;
          w[i] = f(f(c * step) + w[i]);
        }
      });
    },
  };
}

function adam(first: Float32Array[], second: Float32Array[], beta1Arg: number, beta2Arg: number, epsilonArg: number): Apply {
  let accBeta1 = f(beta1Arg);
  let accBeta2 = f(beta2Arg);
  const beta1 = f(beta1Arg);
  const beta2 = f(beta2Arg);
  const oneMinusBeta1 = f(1 - beta1Arg);
  const oneMinusBeta2 = f(1 - beta2Arg);
  const epsilon = f(epsilonArg);
  return {
    apply(values, grads, lr) {
      const negativeRate = f(-lr);
      const oneMinusAccBeta1 = f(1 - accBeta1);
      const oneMinusAccBeta2 = f(1 - accBeta2);
      values.forEach((w, v) => {
        const g = grads[v];
        const m1 = first[v];
        const m2 = second[v];
        for (let i = 0; i < w.length; i++) {
          const gi = g[i];
          const m = f(f(m1[i] * beta1) + f(gi * oneMinusBeta1));
          const s = f(f(m2[i] * beta2) + f(f(gi * gi) * oneMinusBeta2));
          m1[i] = m;
          m2[i] = s;
          const correctedM = f(m / oneMinusAccBeta1);
          const correctedV = f(s / oneMinusAccBeta2);
          w[i] = f(f(f(correctedM / f(f(Math.sqrt(correctedV)) + epsilon)) * negativeRate) + w[i]);
        }
      });
      accBeta1 = f(accBeta1 * beta1);
      accBeta2 = f(accBeta2 * beta2);
    },
  };
}

function rmsprop(
  meanSquares: Float32Array[],
  moments: Float32Array[],
  meanGrads: Float32Array[] | undefined,
  rhoArg: number,
  momentumArg: number,
  epsilonArg: number,
): Apply {
  const rho = f(rhoArg);
  const oneMinusRho = f(1 - rhoArg);
  const momentum = f(momentumArg);
  const epsilon = f(epsilonArg);
  return {
    apply(values, grads, lrArg) {
      const lr = f(lrArg);
      values.forEach((w, v) => {
        const g = grads[v];
        const ms = meanSquares[v];
        const mom = moments[v];
        const mg = meanGrads?.[v];
        for (let i = 0; i < w.length; i++) {
          const gi = g[i];
          const nextMs = f(f(ms[i] * rho) + f(f(gi * gi) * oneMinusRho));
          ms[i] = nextMs;
          let denominator: number;
          if (mg) {
            const nextMg = f(f(mg[i] * rho) + f(gi * oneMinusRho));
            mg[i] = nextMg;
            denominator = f(Math.sqrt(f(nextMs - f(f(nextMg * nextMg) + epsilon))));
          } else {
            denominator = f(Math.sqrt(f(nextMs + epsilon)));
          }
          const nextMom = f(f(mom[i] * momentum) + f(f(gi * lr) / denominator));
          mom[i] = nextMom;
          w[i] = f(w[i] - nextMom);
        }
      });
    },
  };
}

function adagrad(accumulators: Float32Array[]): Apply {
  const epsilon = f(BACKEND_EPSILON);
  return {
    apply(values, grads, lr) {
      const negativeRate = f(-lr);
      values.forEach((w, v) => {
        const g = grads[v];
        const a = accumulators[v];
        for (let i = 0; i < w.length; i++) {
          const gi = g[i];
          const next = f(a[i] + f(gi * gi));
          a[i] = next;
          w[i] = f(f(f(gi / f(Math.sqrt(f(next + epsilon)))) * negativeRate) + w[i]);
        }
      });
    },
  };
}

/** compiled-step.ts's former per-step sum, whose fround's finiteness flagged a layer */
function sumOf(values: Float32Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

// ---- the comparisons

const SPECS: OptimizerSpec[] = [
  { name: 'sgd', args: {} },
  { name: 'sgd', args: { momentum: 0.9 } },
  { name: 'sgd', args: { momentum: 0.8, nesterov: true } },
  { name: 'adam', args: {} },
  { name: 'adam', args: { beta_1: 0.8, beta_2: 0.99, epsilon: 1e-5 } },
  { name: 'adamw', args: { beta_1: 0.7, epsilon: 1e-3 } },
  { name: 'rmsprop', args: {} },
  { name: 'rmsprop', args: { momentum: 0.5, rho: 0.8, epsilon: 1e-6 } },
  { name: 'rmsprop', args: { centered: true } },
  { name: 'rmsprop', args: { centered: true, momentum: 0.9, rho: 0.95 } },
  { name: 'adagrad', args: {} },
  { name: 'adagrad', args: { initial_accumulator_value: 0.5 } },
];

const LENGTHS = [1, 3, 5, 1027];
const LEARNING_RATES = [0.01, 0.003, 0.1, 1e-4, 0.05, 0.01];
const DENORMALS = [1e-40, -1e-40, 1.4e-45, -1.4e-45, 1.1754942e-38];
const HUGE = [3.4e38, -3.4e38, 1e30, -2e25, 1.8e19];

/** Gradients: mostly ordinary numbers, with the given share of zeros, denormals and huge values. */
function gradients(n: number, seed: number, special: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, () => {
    const r = random();
    if (r < special / 3) return r < special / 6 ? 0 : -0;
    if (r < (2 * special) / 3) return DENORMALS[Math.floor(random() * DENORMALS.length)];
    if (r < special) return HUGE[Math.floor(random() * HUGE.length)];
    return (random() * 2 - 1) * 2;
  });
}

/** Same bits, except that any NaN equals any NaN (a NaN's sign and payload are not specified by IEEE or TF.js). */
function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    if (a[i] !== e[i]) assert.fail(`${what}[${i}]: ${actual[i]} (0x${a[i].toString(16)}) vs ${expected[i]} (0x${e[i].toString(16)})`);
  }
}

/** The floats after each array of the store up to the next 16-byte boundary. */
function paddingOf(view: Float32Array): Float32Array {
  const padded = Math.ceil(view.length / 4) * 4;
  return new Float32Array(view.buffer, view.byteOffset + view.length * 4, padded - view.length);
}

/**
 * Runs the reference and the kernels side by side for `steps` steps from the same weights and gradients
 * (`poison` may plant NaN or infinities in a step's gradients), asserting every step.
 */
function compare(spec: OptimizerSpec, options: { steps: number; special: number; poison?: (step: number, grads: Float32Array[]) => void }): void {
  const reference = referenceOptimizer(spec, LENGTHS);
  const compiled = makeCompiledOptimizer(spec, LENGTHS);
  const { store } = compiled;
  const values = LENGTHS.map((n, v) => gradients(n, 1000 + v, options.special));
  values.forEach((w, v) => store.values[v].set(w));
  for (let step = 0; step < options.steps; step++) {
    const grads = LENGTHS.map((n, v) => gradients(n, 10 * step + v, options.special));
    options.poison?.(step, grads);
    grads.forEach((g, v) => store.grads[v].set(g));
    const lr = LEARNING_RATES[step % LEARNING_RATES.length];
    reference.apply(values, grads, lr);
    compiled.apply(lr);
    LENGTHS.forEach((n, v) => {
      const where = `${spec.name} ${JSON.stringify(spec.args)} step ${step} length ${n}`;
      assertSameBits(store.values[v], values[v], `${where} weights`);
      assert.equal(store.state[v].length, reference.state[v].length, `${where}: state arrays`);
      store.state[v].forEach((s, k) => assertSameBits(s, reference.state[v][k], `${where} state ${k}`));
      // the kernel did not change the gradient
      assertSameBits(store.grads[v], grads[v], `${where} gradient`);
      const sums = [
        [store.gradientSum(v), sumOf(grads[v]), 'gradient'],
        [store.weightSum(v), sumOf(values[v]), 'weight'],
      ] as const;
      for (const [kernelSum, jsSum, which] of sums) {
        assert.equal(Number.isFinite(f(kernelSum)), Number.isFinite(f(jsSum)), `${where}: ${which} sum ${kernelSum} vs ${jsSum}`);
      }
      for (const array of [store.values[v], store.grads[v], ...store.state[v]]) {
        assert.ok(
          paddingOf(array).every((x) => Object.is(x, 0)),
          `${where}: padding ${paddingOf(array)}`,
        );
      }
    });
  }
}

describe('optimizer kernels: the same bits as the float32 JS loops, weights and state', () => {
  for (const spec of SPECS) {
    const label = `${spec.name} ${JSON.stringify(spec.args)}`;
    it(`${label}: 6 steps of ordinary gradients`, () => compare(spec, { steps: 6, special: 0 }));
    it(`${label}: 6 steps with zeros, denormals and huge values`, () => compare(spec, { steps: 6, special: 0.3 }));
    it(`${label}: NaN and infinities planted in the vector body and in the scalar tail`, () =>
      compare(spec, {
        steps: 6,
        special: 0.1,
        poison: (step, grads) => {
          const long = grads[3];
          if (step === 1) long[5] = Number.NaN;
          if (step === 2) long[1026] = Number.POSITIVE_INFINITY;
          if (step === 3) grads[1][2] = Number.NEGATIVE_INFINITY;
          if (step === 4) grads[0][0] = Number.NaN;
        },
      }));
  }
});

describe('optimizer kernels: the sums the step reads instead of summing again', () => {
  it('equal the JS sums up to summation order on finite tensors', () => {
    const compiled = makeCompiledOptimizer({ name: 'sgd', args: {} }, LENGTHS);
    const { store } = compiled;
    LENGTHS.forEach((n, v) => {
      store.values[v].set(gradients(n, 50 + v, 0));
      store.grads[v].set(gradients(n, 60 + v, 0));
    });
    const gradSums = store.grads.map((g) => sumOf(g));
    compiled.apply(0.5);
    LENGTHS.forEach((_, v) => {
      const scale = (a: Float32Array) => a.reduce((t, x) => t + Math.abs(x), 0);
      assert.ok(Math.abs(store.gradientSum(v) - gradSums[v]) <= 1e-12 * scale(store.grads[v]), `gradient ${v}: ${store.gradientSum(v)} vs ${gradSums[v]}`);
      const weightSum = sumOf(store.values[v]);
      assert.ok(Math.abs(store.weightSum(v) - weightSum) <= 1e-12 * scale(store.values[v]), `weight ${v}: ${store.weightSum(v)} vs ${weightSum}`);
    });
  });

  it('flag a tensor exactly when the JS sum is not finite in float32: NaN, one infinity, both, an overflowing sum', () => {
    const cases: [string, (g: Float32Array) => void, boolean][] = [
      ['clean', () => {}, true],
      ['NaN first', (g) => (g[0] = Number.NaN), false],
      ['NaN last (tail)', (g) => (g[g.length - 1] = Number.NaN), false],
      ['+Infinity', (g) => (g[17] = Number.POSITIVE_INFINITY), false],
      ['-Infinity in the tail', (g) => (g[1025] = Number.NEGATIVE_INFINITY), false],
      [
        '+Infinity and -Infinity',
        (g) => {
          g[3] = Number.POSITIVE_INFINITY;
          g[700] = Number.NEGATIVE_INFINITY;
        },
        false,
      ],
      [
        'finite values whose sum passes float32 range',
        (g) => {
          g[8] = 3e38;
          g[9] = 3e38;
        },
        false,
      ],
      [
        'huge values that cancel',
        (g) => {
          g[8] = 3.4e38;
          g[1026] = -3.4e38;
        },
        true,
      ],
    ];
    for (const [label, plant, finite] of cases) {
      // lr 0: the weights keep their values, so the weight sum is tested on the same planted numbers
      const compiled = makeCompiledOptimizer({ name: 'sgd', args: {} }, [1027]);
      const { store } = compiled;
      store.grads[0].set(gradients(1027, 7, 0));
      store.values[0].set(gradients(1027, 7, 0));
      plant(store.grads[0]);
      plant(store.values[0]);
      const jsGradient = sumOf(store.grads[0]);
      compiled.apply(0);
      const jsWeight = sumOf(store.values[0]);
      assert.equal(Number.isFinite(f(jsGradient)), finite, `${label}: the JS gradient sum ${jsGradient}`);
      assert.equal(Number.isFinite(f(store.gradientSum(0))), finite, `${label}: gradient sum ${store.gradientSum(0)}`);
      assert.equal(Number.isFinite(f(jsWeight)), finite, `${label}: the JS weight sum ${jsWeight}`);
      assert.equal(Number.isFinite(f(store.weightSum(0))), finite, `${label}: weight sum ${store.weightSum(0)}`);
    }
  });
});
