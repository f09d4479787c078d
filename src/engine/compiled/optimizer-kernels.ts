// The compiled step's optimizer updates in WebAssembly SIMD (f32x4), over a parameter store: one
// WebAssembly memory holding every parameter's values, gradient and optimizer state, sized once.
// Each rule performs the float32 operations of TF.js's update (optimizers.ts names them) in TF.js's
// order; f32x4 and f32 arithmetic is correctly rounded IEEE float32, so the weights are those of a
// float32 loop bit for bit. The pass also sums each gradient and each updated tensor (in float64), which
// is all the step needs to find the first non-finite gradient or weight: no second pass over them.
// The module is assembled in memory (wasm-assembler.ts): no .wasm file to ship or rebuild.

import { assembleModule, F32, F64, I32, op, SHARED_MAX_PAGES, uleb, V128 } from './wasm-assembler.ts';

/** The update rules the compiled step applies (momentum and RMSProp in their variants). */
export type UpdateRule = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'rmsprop' | 'rmspropCentered' | 'adagrad';

/**
 * The operations a rule is written with. Each takes and returns locals holding a float32 (scalar pass) or
 * four (vector pass); every operation is one correctly rounded float32 operation.
 */
interface Kit {
  /** the rule's constant number `index` (an f32 parameter of the kernel) */
  constant(index: number): number;
  /** the rule's state array `index` at the current element */
  read(index: number): number;
  write(index: number, value: number): void;
  add(a: number, b: number): number;
  sub(a: number, b: number): number;
  mul(a: number, b: number): number;
  div(a: number, b: number): number;
  sqrt(a: number): number;
}

interface RuleDefinition {
  /** state arrays per parameter */
  state: number;
  /** the f32 constants the kernel takes, in order (optimizers.ts passes them) */
  constants: string[];
  /** the updated weight from the gradient g and the weight w, reading and writing the state */
  update(k: Kit, g: number, w: number): number;
}

/** Momentum: a = m * a + g; w + (-lr) * (nesterov ? g + a * m : a) */
function momentumRule(nesterov: boolean): RuleDefinition {
  return {
    state: 1,
    constants: ['momentum', 'negativeRate'],
    update(k, g, w) {
      const m = k.constant(0);
      const next = k.add(k.mul(m, k.read(0)), g);
      k.write(0, next);
      const step = nesterov ? k.add(g, k.mul(next, m)) : next;
      return k.add(k.mul(k.constant(1), step), w);
    },
  };
}

/** RMSProp, plain and centered (TF.js's centered denominator: sqrt(ms - (mg^2 + eps))). */
function rmspropRule(centered: boolean): RuleDefinition {
  return {
    state: centered ? 3 : 2,
    constants: ['rho', 'oneMinusRho', 'momentum', 'epsilon', 'learningRate'],
    update(k, g, w) {
      const [rho, oneMinusRho, momentum, epsilon, lr] = [0, 1, 2, 3, 4].map((i) => k.constant(i));
      const nextMs = k.add(k.mul(k.read(0), rho), k.mul(k.mul(g, g), oneMinusRho));
      k.write(0, nextMs);
      let denominator: number;
      if (centered) {
        const nextMg = k.add(k.mul(k.read(2), rho), k.mul(g, oneMinusRho));
        k.write(2, nextMg);
        denominator = k.sqrt(k.sub(nextMs, k.add(k.mul(nextMg, nextMg), epsilon)));
      } else {
        denominator = k.sqrt(k.add(nextMs, epsilon));
      }
      const nextMom = k.add(k.mul(k.read(1), momentum), k.div(k.mul(g, lr), denominator));
      k.write(1, nextMom);
      return k.sub(w, nextMom);
    },
  };
}

export const RULES: Record<UpdateRule, RuleDefinition> = {
  /** w + (-lr) * g */
  sgd: { state: 0, constants: ['negativeRate'], update: (k, g, w) => k.add(k.mul(k.constant(0), g), w) },
  momentum: momentumRule(false),
  nesterov: momentumRule(true),
  /** HostAdamOptimizer's loop (host-adam.ts), which is TF.js Adam bit for bit */
  adam: {
    state: 2,
    constants: ['beta1', 'beta2', 'oneMinusBeta1', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negativeRate'],
    update(k, g, w) {
      const [beta1, beta2, oneMinusBeta1, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negativeRate] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
        k.constant(i),
      );
      const m = k.add(k.mul(k.read(0), beta1), k.mul(g, oneMinusBeta1));
      const s = k.add(k.mul(k.read(1), beta2), k.mul(k.mul(g, g), oneMinusBeta2));
      k.write(0, m);
      k.write(1, s);
      const correctedM = k.div(m, oneMinusAccBeta1);
      const correctedV = k.div(s, oneMinusAccBeta2);
      return k.add(k.mul(k.div(correctedM, k.add(k.sqrt(correctedV), epsilon)), negativeRate), w);
    },
  },
  rmsprop: rmspropRule(false),
  rmspropCentered: rmspropRule(true),
  /** TF.js Adagrad: a += g^2; w + (g / sqrt(a + eps)) * (-lr) */
  adagrad: {
    state: 1,
    constants: ['epsilon', 'negativeRate'],
    update(k, g, w) {
      const next = k.add(k.read(0), k.mul(g, g));
      k.write(0, next);
      return k.add(k.mul(k.div(g, k.sqrt(k.add(next, k.constant(0)))), k.constant(1)), w);
    },
  },
};

/** Locals of each kind a kernel may use (declared whether used or not). */
const TEMPORARIES = 48;

/**
 * One rule's kernel over one tensor. Parameters: i32 byte offsets of the weights, the gradient and each
 * state array (all 16-byte aligned), the element count, the byte offset of two f64 results (the
 * gradient's sum, the updated weights' sum); then the rule's f32 constants. Whole vectors of four
 * first, then the last 0-3 elements one at a time, so no element past the count is read or written.
 */
function ruleFunction(rule: RuleDefinition): { params: number[]; locals: number[][]; body: number[] } {
  const W = 0,
    G = 1;
  const stateParams = Array.from({ length: rule.state }, (_, i) => 2 + i);
  const N = 2 + rule.state,
    SUMS = N + 1;
  const constantParams = rule.constants.map((_, i) => SUMS + 1 + i);
  let next = SUMS + 1 + rule.constants.length;
  const I = next++,
    END = next++;
  const vectorBase = next;
  next += TEMPORARIES;
  // the sums: f64x2 in the vector pass, f64 in the scalar pass
  const VECTOR_GRAD_SUM = next++,
    VECTOR_WEIGHT_SUM = next++;
  const scalarBase = next;
  next += TEMPORARIES;
  const GRAD_SUM = next++,
    WEIGHT_SUM = next++;
  const body: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => body.push(...p));

  const pass = (vector: boolean) => {
    let used = 0;
    const temporary = () => {
      if (used === TEMPORARIES) throw new Error('optimizer kernel: out of temporaries');
      return (vector ? vectorBase : scalarBase) + used++;
    };
    const load = vector ? op.v128Load(0) : op.f32Load(0);
    const store = vector ? op.v128Store(0) : op.f32Store(0);
    const binary = (code: number[]) => (a: number, b: number) => {
      const t = temporary();
      emit(op.get(a), op.get(b), code, op.set(t));
      return t;
    };
    const read = (pointer: number) => {
      const t = temporary();
      emit(op.get(pointer), op.get(I), op.add, load, op.set(t));
      return t;
    };
    const write = (pointer: number, value: number) => emit(op.get(pointer), op.get(I), op.add, op.get(value), store);
    // the constants, splatted once per pass in the vector pass
    const constants = constantParams.map((param) => {
      if (!vector) return param;
      const t = temporary();
      emit(op.get(param), op.f32x4Splat, op.set(t));
      return t;
    });
    const width = vector ? 16 : 4;
    // while (i + width <= end)
    emit(op.block, op.loop, op.get(I), op.i32(width), op.add, op.get(END), op.gtS, op.brIf(1));
    const g = read(G);
    const w = read(W);
    const kit: Kit = {
      constant: (index) => constants[index],
      read: (index) => read(stateParams[index]),
      write: (index, value) => write(stateParams[index], value),
      add: binary(vector ? op.f32x4Add : op.f32Add),
      sub: binary(vector ? op.f32x4Sub : op.f32Sub),
      mul: binary(vector ? op.f32x4Mul : op.f32Mul),
      div: binary(vector ? op.f32x4Div : op.f32Div),
      sqrt: (a) => {
        const t = temporary();
        emit(op.get(a), vector ? op.f32x4Sqrt : op.f32Sqrt, op.set(t));
        return t;
      },
    };
    const updated = rule.update(kit, g, w);
    write(W, updated);
    // the sums, in float64: lanes 0-1, then 2-3 (moved down by a shuffle)
    const high = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
    for (const [value, sum] of [
      [g, vector ? VECTOR_GRAD_SUM : GRAD_SUM],
      [updated, vector ? VECTOR_WEIGHT_SUM : WEIGHT_SUM],
    ]) {
      if (vector) {
        emit(op.get(sum), op.get(value), op.f64x2PromoteLow, op.f64x2Add);
        emit(op.get(value), op.get(value), op.shuffle(high), op.f64x2PromoteLow, op.f64x2Add, op.set(sum));
      } else {
        emit(op.get(sum), op.get(value), op.f64PromoteF32, op.f64Add, op.set(sum));
      }
    }
    emit(op.get(I), op.i32(width), op.add, op.set(I), op.br(0), op.end, op.end);
  };

  emit(op.get(N), op.i32(4), op.mul, op.set(END));
  pass(true);
  pass(false);
  for (const [vectorSum, sum, offset] of [
    [VECTOR_GRAD_SUM, GRAD_SUM, 0],
    [VECTOR_WEIGHT_SUM, WEIGHT_SUM, 8],
  ]) {
    emit(
      op.get(SUMS),
      op.get(vectorSum),
      op.f64x2ExtractLane(0),
      op.get(vectorSum),
      op.f64x2ExtractLane(1),
      op.f64Add,
      op.get(sum),
      op.f64Add,
      op.f64Store(offset),
    );
  }
  emit(op.end);
  return {
    params: [I32, I32, ...stateParams.map(() => I32), I32, I32, ...rule.constants.map(() => F32)],
    locals: [
      [...uleb(2), I32],
      [...uleb(TEMPORARIES + 2), V128],
      [...uleb(TEMPORARIES), F32],
      [...uleb(2), F64],
    ],
    body,
  };
}

const RULE_NAMES = Object.keys(RULES) as UpdateRule[];
let module: WebAssembly.Module | undefined;
let sharedModule: WebAssembly.Module | undefined;

function assemble(sharedMaxPages?: number): Uint8Array<ArrayBuffer> {
  const made = RULE_NAMES.map((name) => ({ name, ...ruleFunction(RULES[name]) }));
  return assembleModule(
    made.map((m) => ({ params: m.params, results: [] })),
    made.map((m, i) => ({ type: i, name: m.name, locals: m.locals, body: m.body })),
    sharedMaxPages,
  );
}

/** The module for this memory: a shared memory (the products' with a helper thread) needs a shared import. */
function moduleFor(memory: WebAssembly.Memory): WebAssembly.Module {
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) {
    sharedModule ??= new WebAssembly.Module(assemble(SHARED_MAX_PAGES));
    return sharedModule;
  }
  module ??= new WebAssembly.Module(assemble());
  return module;
}

const FLOAT = 4;
const PAGE = 65536;
/** Every array starts on a 16-byte boundary: lengths are padded to whole vectors of four floats. */
const padded = (length: number) => Math.ceil(length / 4) * 4;

type Kernel = (...args: number[]) => void;

/**
 * The trained model's parameters, their gradients and the optimizer state of one update rule, in one
 * WebAssembly memory sized once (never grown, so the views stay valid). Each array is padded to whole
 * vectors; the kernels never touch the padding, which stays zero.
 */
export class ParameterStore {
  readonly memory: WebAssembly.Memory;
  /** per parameter: its values, gradient and state arrays (the rule's, in its order) */
  readonly values: Float32Array[];
  readonly grads: Float32Array[];
  readonly state: Float32Array[][];
  /** per parameter, after `update`: the gradient's sum, then the updated values' sum (float64) */
  readonly sums: Float64Array;
  private readonly kernel: Kernel;
  /** per parameter: the kernel's arguments, the constants last (set at each update) */
  private readonly args: number[][];
  private readonly constantCount: number;

  constructor(
    readonly rule: UpdateRule,
    readonly lengths: number[],
    /** a memory to place the store in, from byte `at` on (the compiled step's products' memory), else its own */
    place?: { memory: WebAssembly.Memory; at: number },
  ) {
    const definition = RULES[rule];
    const arrays = 2 + definition.state;
    const sumsBytes = padded(lengths.length * 4) * FLOAT;
    const bytes = sumsBytes + lengths.reduce((total, n) => total + arrays * padded(n) * FLOAT, 0);
    const base = place ? padded(place.at / FLOAT) * FLOAT : 0;
    this.memory = place?.memory ?? new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    const have = this.memory.buffer.byteLength;
    if (base + bytes > have) this.memory.grow(Math.ceil((base + bytes - have) / PAGE));
    this.kernel = new WebAssembly.Instance(moduleFor(this.memory), { env: { memory: this.memory } }).exports[rule] as Kernel;
    const buffer = this.memory.buffer;
    // a placed store starts from zeros, as a memory of its own does
    new Uint8Array(buffer, base, bytes).fill(0);
    this.sums = new Float64Array(buffer, base, lengths.length * 2);
    this.values = [];
    this.grads = [];
    this.state = [];
    this.args = [];
    this.constantCount = definition.constants.length;
    let at = base + sumsBytes;
    lengths.forEach((n, p) => {
      const offsets = Array.from({ length: arrays }, (_, i) => at + i * padded(n) * FLOAT);
      at += arrays * padded(n) * FLOAT;
      const [valuesAt, gradAt, ...stateAt] = offsets;
      this.values.push(new Float32Array(buffer, valuesAt, n));
      this.grads.push(new Float32Array(buffer, gradAt, n));
      this.state.push(stateAt.map((offset) => new Float32Array(buffer, offset, n)));
      this.args.push([...offsets, n, base + p * 16, ...new Array(this.constantCount).fill(0)]);
    });
  }

  /** One update of every parameter by the rule, with its constants (float32 values, in RULES' order). */
  update(constants: number[]): void {
    if (constants.length !== this.constantCount) throw new Error(`${this.rule} takes ${this.constantCount} constants`);
    for (const args of this.args) {
      for (let c = 0; c < constants.length; c++) args[args.length - constants.length + c] = constants[c];
      this.kernel(...args);
    }
  }

  gradientSum(parameter: number): number {
    return this.sums[parameter * 2];
  }

  weightSum(parameter: number): number {
    return this.sums[parameter * 2 + 1];
  }
}
