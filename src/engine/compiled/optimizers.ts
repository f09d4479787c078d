// The optimizers of the compiled step, each the update TF.js's optimizer applies (optimizers.ts builds
// those), with every operation rounded to float32 in TF.js's order, so the weights follow the TF.js
// run's. Adam is HostAdamOptimizer's loop (host-adam.ts). The element-wise rules run as WebAssembly
// kernels over a parameter store (optimizer-kernels.ts); this module picks the rule and computes its
// float32 constants per step. An option it does not implement sends the run to TF.js
// (optimizerBlocker): a setting must never be dropped quietly.
import type { OptimizerSpec } from '../../config/types.ts';
import { ParameterStore } from './optimizer-kernels.ts';

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
  /** where the parameters live: values, gradients and this optimizer's state (CompiledModel moves its parameters there) */
  readonly store: ParameterStore;
  /**
   * One update of every parameter in the store, in place, at this step's learning rate; afterwards the
   * store's sums hold each gradient's and each updated tensor's sum.
   */
  apply(learningRate: number): void;
}

/** `place`: where the store goes (the products' memory, so they read and write the parameters in place). */
export function makeCompiledOptimizer(spec: OptimizerSpec, sizes: number[], place?: { memory: WebAssembly.Memory; at: number }): CompiledOptimizer {
  const arg = (key: string, fallback: number): number => {
    const value = spec.args[key];
    return typeof value === 'number' ? value : fallback;
  };
  switch (spec.name.toLowerCase()) {
    case 'sgd': {
      const momentum = arg('momentum', 0);
      if (momentum === 0) {
        // w + (-lr) * g
        const store = new ParameterStore('sgd', sizes, place);
        return { store, apply: (lr) => store.update([f(-lr)]) };
      }
      // TF.js MomentumOptimizer: a = m * a + g; w + (-lr) * (nesterov ? g + a * m : a)
      const store = new ParameterStore(spec.args.nesterov === true ? 'nesterov' : 'momentum', sizes, place);
      const m = f(momentum);
      return { store, apply: (lr) => store.update([m, f(-lr)]) };
    }
    case 'adam':
    case 'adamw':
      return adam(new ParameterStore('adam', sizes, place), arg('beta_1', 0.9), arg('beta_2', 0.999), arg('epsilon', KERAS_EPSILON));
    case 'rmsprop': {
      // TF.js RMSPropOptimizer, plain and centered
      const store = new ParameterStore(spec.args.centered === true ? 'rmspropCentered' : 'rmsprop', sizes, place);
      const rho = arg('rho', 0.9);
      const constants = [f(rho), f(1 - rho), f(arg('momentum', 0)), f(arg('epsilon', KERAS_EPSILON))];
      return { store, apply: (lr) => store.update([...constants, f(lr)]) };
    }
    case 'adagrad': {
      // TF.js AdagradOptimizer: a += g^2; w + (g / sqrt(a + eps)) * (-lr)
      const store = new ParameterStore('adagrad', sizes, place);
      const initial = f(arg('initial_accumulator_value', 0.1));
      for (const [accumulator] of store.state) accumulator.fill(initial);
      const epsilon = f(BACKEND_EPSILON);
      return { store, apply: (lr) => store.update([epsilon, f(-lr)]) };
    }
    default:
      throw new Error(`optimizer '${spec.name}' is not compiled`);
  }
}

/** HostAdamOptimizer's loop (host-adam.ts), which is TF.js Adam bit for bit; the bias corrections advance here. */
function adam(store: ParameterStore, beta1Arg: number, beta2Arg: number, epsilonArg: number): CompiledOptimizer {
  let accBeta1 = f(beta1Arg);
  let accBeta2 = f(beta2Arg);
  const beta1 = f(beta1Arg);
  const beta2 = f(beta2Arg);
  const oneMinusBeta1 = f(1 - beta1Arg);
  const oneMinusBeta2 = f(1 - beta2Arg);
  const epsilon = f(epsilonArg);
  return {
    store,
    apply(lr) {
      store.update([beta1, beta2, oneMinusBeta1, oneMinusBeta2, f(1 - accBeta1), f(1 - accBeta2), epsilon, f(-lr)]);
      accBeta1 = f(accBeta1 * beta1);
      accBeta2 = f(accBeta2 * beta2);
    },
  };
}
