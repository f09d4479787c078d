// The optimizers of the compiled step, each the update TF.js's optimizer applies (optimizers.ts builds
// those), with every operation rounded to float32 in TF.js's order, so the weights follow the TF.js
// run's. Adam is HostAdamOptimizer's loop (host-adam.ts). An option it does not implement sends the
// run to TF.js (optimizerBlocker): a setting must never be dropped quietly.
import type { OptimizerSpec } from '../../config/types.ts';

const f = Math.fround;
const KERAS_EPSILON = 1e-7;
/** ENGINE.backend.epsilon() for float32, which TF.js Adagrad adds to its accumulator. */
const BACKEND_EPSILON = 1e-7;

/** The options each optimizer honours here; weight_decay is applied after the update (train.ts's rule). */
const KNOWN_OPTIONS: Record<string, Set<string>> = {
  sgd: new Set(['momentum', 'nesterov', 'weight_decay']),
  adam: new Set(['beta_1', 'beta_2', 'epsilon', 'amsgrad', 'weight_decay']),
  adamw: new Set(['beta_1', 'beta_2', 'epsilon', 'amsgrad', 'weight_decay']),
  rmsprop: new Set(['rho', 'momentum', 'epsilon', 'centered', 'weight_decay']),
  adagrad: new Set(['initial_accumulator_value', 'weight_decay']),
};

/** Why the compiled step cannot apply this optimizer as configured, or undefined when it can. */
export function optimizerBlocker(spec: OptimizerSpec): string | undefined {
  if (spec.framework === 'pytorch') return `PyTorch's update rules (torch.optim.${spec.name}) are not compiled`;
  const name = spec.name.toLowerCase();
  const known = KNOWN_OPTIONS[name];
  if (known === undefined) return `optimizer '${spec.name}' is not compiled`;
  for (const [key, value] of Object.entries(spec.args)) {
    if (!known.has(key)) return `optimizer option '${key}' is not compiled`;
    if (key === 'amsgrad' && value !== false) return 'optimizer option amsgrad is not compiled';
  }
  return undefined;
}

export interface CompiledOptimizer {
  /** one update of every variable, in place, at this step's learning rate */
  apply(values: Float32Array[], grads: Float32Array[], learningRate: number): void;
}

export function makeCompiledOptimizer(spec: OptimizerSpec, sizes: number[]): CompiledOptimizer {
  const arg = (key: string, fallback: number): number => {
    const value = spec.args[key];
    return typeof value === 'number' ? value : fallback;
  };
  const zeros = () => sizes.map((n) => new Float32Array(n));
  switch (spec.name.toLowerCase()) {
    case 'sgd': {
      const momentum = arg('momentum', 0);
      if (momentum === 0) return { apply: (values, grads, lr) => sgd(values, grads, lr) };
      return momentumOptimizer(zeros(), f(momentum), spec.args.nesterov === true);
    }
    case 'adam':
    case 'adamw':
      return adam(zeros(), zeros(), arg('beta_1', 0.9), arg('beta_2', 0.999), arg('epsilon', KERAS_EPSILON));
    case 'rmsprop':
      return rmsprop(zeros(), zeros(), spec.args.centered === true ? zeros() : undefined, arg('rho', 0.9), arg('momentum', 0), arg('epsilon', KERAS_EPSILON));
    case 'adagrad': {
      const initial = f(arg('initial_accumulator_value', 0.1));
      return adagrad(sizes.map((n) => new Float32Array(n).fill(initial)));
    }
    default:
      throw new Error(`optimizer '${spec.name}' is not compiled`);
  }
}

/** w + (-lr) * g */
function sgd(values: Float32Array[], grads: Float32Array[], lr: number): void {
  const c = f(-lr);
  values.forEach((w, v) => {
    const g = grads[v];
    for (let i = 0; i < w.length; i++) w[i] = f(f(c * g[i]) + w[i]);
  });
}

/** TF.js MomentumOptimizer: a = m * a + g; w + (-lr) * (nesterov ? g + a * m : a) */
function momentumOptimizer(accumulations: Float32Array[], m: number, nesterov: boolean): CompiledOptimizer {
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

/** HostAdamOptimizer's loop (host-adam.ts), which is TF.js Adam bit for bit. */
function adam(first: Float32Array[], second: Float32Array[], beta1Arg: number, beta2Arg: number, epsilonArg: number): CompiledOptimizer {
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

/** TF.js RMSPropOptimizer, plain and centered. */
function rmsprop(
  meanSquares: Float32Array[],
  moments: Float32Array[],
  meanGrads: Float32Array[] | undefined,
  rhoArg: number,
  momentumArg: number,
  epsilonArg: number,
): CompiledOptimizer {
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

/** TF.js AdagradOptimizer: a += g^2; w + (g / sqrt(a + eps)) * (-lr) */
function adagrad(accumulators: Float32Array[]): CompiledOptimizer {
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
