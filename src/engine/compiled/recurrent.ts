// The sequence layers of the compiled step: embedding, simple RNN, LSTM and GRU, as the TF.js layers
// build-model.ts makes (tfjs-layers 4.22 recurrent.js): LSTM gates in the order i, f, c, o over one
// [inputs, 4 units] kernel, GRU gates z, r, h with the reset gate applied to the previous state before
// its matrix product (TF.js has no reset_after), zero initial states, no masking (the engine passes no
// mask_zero), no dropout inside the cell (the engine passes none). Back-propagation runs through time over
// the whole sequence. Time steps are processed in time-major buffers ([steps, rows, width]) so each step's
// matrix product reads one contiguous block; the input projection and the weight gradients are one
// matrix product over all steps at once rather than one per step.
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from '../../config/types.ts';
import type { BuiltLayer } from '../build-model.ts';
import { gemmNN, gemmNT, gemmTN } from './js-gemm.ts';

export const SEQUENCE_LAYER_TYPES = new Set(['embedding', 'simple_rnn', 'lstm', 'gru']);

/**
 * Above this many multiply-adds per recurrent layer and forward pass (batch x steps x (inputs + units) x
 * gates x units), TF.js's WASM SIMD matrix kernels beat the plain-JS loops despite the TF.js step's many small
 * ops per time step. Measured on the benchmark's LSTM (batch 32, 20 steps of 8 features) with wider layers,
 * CPU time per step, engines alternated (2 cores under load, so relative): LSTM 64 units (11.8M) compiled
 * 1.3x faster, GRU 96 (19.2M) 1.15x faster, LSTM 80 (18.0M) 1.2x slower, LSTM 128 (44.6M) 1.7x slower.
 */
export const COMPILED_MAX_RECURRENT_MACS = 14_000_000;

// Activations inside a cell, as tfjs-layers applies them (its hard_sigmoid is clip(0.2 x + 0.5, 0, 1),
// not Keras 3's relu6(x + 3) / 6).
const LINEAR = 0;
const TANH = 1;
const SIGMOID = 2;
const RELU = 3;
const HARD_SIGMOID = 4;
const CELL_ACTIVATIONS: Record<string, number> = { linear: LINEAR, tanh: TANH, sigmoid: SIGMOID, relu: RELU, hard_sigmoid: HARD_SIGMOID };

type Cell = 'lstm' | 'gru' | 'simple_rnn';
const GATES: Record<Cell, number> = { lstm: 4, gru: 3, simple_rnn: 1 };

export type SequencePlan = { ok: true; shape: number[]; macs: number } | { ok: false; reason: string };

function cellActivation(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(CELL_ACTIVATIONS, name) ? CELL_ACTIVATIONS[name] : undefined;
}

function activationsOf(layer: LayerSpec): { activation: string; recurrentActivation: string } {
  const recurrent = layer.extra?.recurrent_activation;
  return { activation: layer.activation ?? 'tanh', recurrentActivation: typeof recurrent === 'string' ? recurrent : 'sigmoid' };
}

/**
 * Whether the compiled step takes this sequence layer on an input of `shape` (without the batch), and the
 * shape it gives and its multiply-adds per row (recurrent layers; 0 for an embedding) when it does.
 * `first`: no layer with weights or a changed shape comes before it (an embedding reads the raw ids).
 */
export function planSequenceLayer(layer: LayerSpec, shape: number[], first: boolean): SequencePlan {
  if (layer.type === 'embedding') {
    if (!first) return { ok: false, reason: `embedding '${layer.name}' does not read the model's inputs directly` };
    if (shape.length !== 1) return { ok: false, reason: `embedding '${layer.name}' on inputs of shape [${shape.join(', ')}]` };
    if (!(typeof layer.input_dim === 'number' && layer.input_dim > 0 && typeof layer.output_dim === 'number' && layer.output_dim > 0)) {
      return { ok: false, reason: `embedding '${layer.name}' has no input_dim or output_dim` };
    }
    return { ok: true, shape: [shape[0], layer.output_dim], macs: 0 };
  }
  const cell = layer.type as Cell;
  if (shape.length !== 2) return { ok: false, reason: `${layer.type} '${layer.name}' on an input of shape [${shape.join(', ')}] (it takes [steps, features])` };
  if (!(typeof layer.units === 'number' && layer.units > 0)) return { ok: false, reason: `${layer.type} '${layer.name}' has no units` };
  const { activation, recurrentActivation } = activationsOf(layer);
  if (cellActivation(activation) === undefined) return { ok: false, reason: `activation '${activation}' inside ${layer.type} '${layer.name}' is not compiled` };
  if (cell !== 'simple_rnn' && cellActivation(recurrentActivation) === undefined) {
    return { ok: false, reason: `recurrent activation '${recurrentActivation}' of ${layer.type} '${layer.name}' is not compiled` };
  }
  const [steps, features] = shape;
  const units = layer.units;
  return { ok: true, shape: layer.return_sequences ? [steps, units] : [units], macs: steps * (features + units) * GATES[cell] * units };
}

/** Keras Embedding: rows of ids (cast to int32 as TF.js does) looked up in an [input_dim, output_dim] table. */
export interface EmbeddingStage {
  kind: 'embedding';
  built: BuiltLayer;
  steps: number;
  inputDim: number;
  outputDim: number;
  /** the table, probed as the layer's kernel (train.ts probes `embeddings`) */
  kernel: Float32Array;
  kernelGrad: Float32Array;
  width: number;
  ids: Int32Array;
}

/** A simple RNN, LSTM or GRU over [steps, features] rows. */
export interface RecurrentStage {
  kind: 'recurrent';
  cell: Cell;
  built: BuiltLayer;
  steps: number;
  features: number;
  units: number;
  gates: number;
  returnSequences: boolean;
  activation: number;
  recurrentActivation: number;
  /** [features, gates x units] */
  kernel: Float32Array;
  /** [units, gates x units] */
  recurrentKernel: Float32Array;
  bias?: Float32Array;
  kernelGrad: Float32Array;
  recurrentKernelGrad: Float32Array;
  biasGrad?: Float32Array;
  width: number;
  buffers: RecurrentBuffers;
}

/** Per-row work space of a recurrent stage, time-major; reallocated when a pass has more rows. */
interface RecurrentBuffers {
  rows: number;
  /** the inputs, [steps, rows, features] */
  xs: Float32Array;
  /** gate pre-activations, [steps, rows, gates x units] */
  pre: Float32Array;
  /** gate activations (LSTM i, f, g, o; GRU z, r, hh; RNN h), [steps, rows, gates x units] */
  act: Float32Array;
  /** states h, [steps, rows, units] */
  hs: Float32Array;
  /** LSTM: carry c and activation(c); GRU: r * h(t-1) (in `cs`) */
  cs: Float32Array;
  tc: Float32Array;
  /** gradients of the gate pre-activations, [steps, rows, gates x units] */
  dz: Float32Array;
  dxs: Float32Array;
  dhNext: Float32Array;
  dhNow: Float32Array;
  dcNext: Float32Array;
  dRh: Float32Array;
}

function emptyBuffers(): RecurrentBuffers {
  const none = new Float32Array(0);
  return { rows: 0, xs: none, pre: none, act: none, hs: none, cs: none, tc: none, dz: none, dxs: none, dhNext: none, dhNow: none, dcNext: none, dRh: none };
}

function ensureBuffers(stage: RecurrentStage, rows: number): RecurrentBuffers {
  const b = stage.buffers;
  if (rows <= b.rows) return b;
  const { steps: T, features: F, units: U, gates: G } = stage;
  const n = T * rows;
  stage.buffers = {
    rows,
    xs: new Float32Array(n * F),
    pre: new Float32Array(n * G * U),
    act: new Float32Array(n * G * U),
    hs: new Float32Array(n * U),
    cs: new Float32Array(stage.cell === 'simple_rnn' ? 0 : n * U),
    tc: new Float32Array(stage.cell === 'lstm' ? n * U : 0),
    dz: new Float32Array(n * G * U),
    dxs: new Float32Array(n * F),
    dhNext: new Float32Array(rows * U),
    dhNow: new Float32Array(rows * U),
    dcNext: new Float32Array(rows * U),
    dRh: new Float32Array(rows * U),
  };
  return stage.buffers;
}

export type SequenceStage = EmbeddingStage | RecurrentStage;

/** The stage for a sequence layer planSequenceLayer accepted, with the TF.js model's initial weights. */
export function makeSequenceStage(layer: BuiltLayer, shape: number[]): { stage: SequenceStage; shape: number[] } {
  const weights = layer.core.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const spec = layer.spec;
  if (spec.type === 'embedding') {
    const steps = shape[0];
    const outputDim = spec.output_dim!;
    const stage: EmbeddingStage = {
      kind: 'embedding',
      built: layer,
      steps,
      inputDim: spec.input_dim!,
      outputDim,
      kernel: weights[0],
      kernelGrad: new Float32Array(weights[0].length),
      width: steps * outputDim,
      ids: new Int32Array(0),
    };
    return { stage, shape: [steps, outputDim] };
  }
  const cell = spec.type as Cell;
  const [steps, features] = shape;
  const units = spec.units!;
  const { activation, recurrentActivation } = activationsOf(spec);
  // TF.js cells add kernel, recurrent_kernel, then bias (when use_bias)
  const [kernel, recurrentKernel, bias] = weights;
  const returnSequences = spec.return_sequences ?? false;
  const stage: RecurrentStage = {
    kind: 'recurrent',
    cell,
    built: layer,
    steps,
    features,
    units,
    gates: GATES[cell],
    returnSequences,
    activation: cellActivation(activation)!,
    recurrentActivation: cell === 'simple_rnn' ? LINEAR : cellActivation(recurrentActivation)!,
    kernel,
    recurrentKernel,
    bias,
    kernelGrad: new Float32Array(kernel.length),
    recurrentKernelGrad: new Float32Array(recurrentKernel.length),
    biasGrad: bias && new Float32Array(bias.length),
    width: returnSequences ? steps * units : units,
    buffers: emptyBuffers(),
  };
  return { stage, shape: returnSequences ? [steps, units] : [units] };
}

/** The variables of a sequence stage and the penalties train.ts applies to them (kernel_regularizer on the kernel or table, bias_regularizer on the bias). */
/** The stage's variables; `rebind` points the stage at new arrays for one (the caller copies the numbers). */
export function sequenceParameters(
  stage: SequenceStage,
): { values: Float32Array; grad: Float32Array; l1: number; l2: number; rebind: (values: Float32Array, grad: Float32Array) => void }[] {
  const kernelPenalty = stage.built.spec.kernel_regularizer;
  const parameters = [
    {
      values: stage.kernel,
      grad: stage.kernelGrad,
      l1: kernelPenalty?.l1 ?? 0,
      l2: kernelPenalty?.l2 ?? 0,
      rebind: (values: Float32Array, grad: Float32Array) => {
        stage.kernel = values;
        stage.kernelGrad = grad;
      },
    },
  ];
  if (stage.kind === 'embedding') return parameters;
  parameters.push({
    values: stage.recurrentKernel,
    grad: stage.recurrentKernelGrad,
    l1: 0,
    l2: 0,
    rebind: (values, grad) => {
      stage.recurrentKernel = values;
      stage.recurrentKernelGrad = grad;
    },
  });
  const biasPenalty = stage.built.spec.bias_regularizer;
  if (stage.bias) {
    parameters.push({
      values: stage.bias,
      grad: stage.biasGrad!,
      l1: biasPenalty?.l1 ?? 0,
      l2: biasPenalty?.l2 ?? 0,
      rebind: (values, grad) => {
        stage.bias = values;
        stage.biasGrad = grad;
      },
    });
  }
  return parameters;
}

export function sequenceForward(stage: SequenceStage, input: Float32Array, out: Float32Array, rows: number): void {
  if (stage.kind === 'embedding') embeddingForward(stage, input, out, rows);
  else recurrentForward(stage, input, out, rows);
}

/** Gradients of the stage's weights from dy; dx (the input's gradient) when asked for. */
export function sequenceBackward(stage: SequenceStage, dy: Float32Array, dx: Float32Array | undefined, rows: number): void {
  if (stage.kind === 'embedding') embeddingBackward(stage, dy, rows);
  else recurrentBackward(stage, dy, dx, rows);
}

/** Writes the stage's weights back into its TF.js layer. */
export function writeBackSequence(stage: SequenceStage): void {
  const weights =
    stage.kind === 'embedding'
      ? [tf.tensor(stage.kernel, [stage.inputDim, stage.outputDim])]
      : [tf.tensor(stage.kernel, [stage.features, stage.gates * stage.units]), tf.tensor(stage.recurrentKernel, [stage.units, stage.gates * stage.units])];
  if (stage.kind === 'recurrent' && stage.bias) weights.push(tf.tensor(stage.bias, [stage.gates * stage.units]));
  stage.built.core.setWeights(weights);
  tf.dispose(weights);
}

function embeddingForward(stage: EmbeddingStage, input: Float32Array, out: Float32Array, rows: number): void {
  const n = rows * stage.steps;
  if (stage.ids.length < n) stage.ids = new Int32Array(n);
  const { ids, kernel, outputDim: D, inputDim: V } = stage;
  for (let k = 0; k < n; k++) {
    // TF.js casts to int32 as Int32Array does (truncation, NaN and infinities to 0), and its gather
    // refuses an id outside the table
    const id = input[k] | 0;
    if (!(id >= 0 && id <= V - 1)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${V - 1}]`);
    ids[k] = id;
    out.set(kernel.subarray(id * D, id * D + D), k * D);
  }
}

function embeddingBackward(stage: EmbeddingStage, dy: Float32Array, rows: number): void {
  const { ids, kernelGrad, outputDim: D } = stage;
  kernelGrad.fill(0);
  const n = rows * stage.steps;
  for (let k = 0; k < n; k++) {
    const at = ids[k] * D;
    const from = k * D;
    for (let j = 0; j < D; j++) kernelGrad[at + j] += dy[from + j];
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** y[k] = activation(x[k]) for k in [from, to): one loop per activation, not a dispatch per value */
function activateRange(code: number, x: Float32Array, y: Float32Array, from: number, to: number): void {
  switch (code) {
    case TANH:
      for (let k = from; k < to; k++) y[k] = Math.tanh(x[k]);
      return;
    case SIGMOID:
      for (let k = from; k < to; k++) y[k] = sigmoid(x[k]);
      return;
    case RELU:
      for (let k = from; k < to; k++) {
        const v = x[k];
        y[k] = v > 0 ? v : 0;
      }
      return;
    case HARD_SIGMOID:
      for (let k = from; k < to; k++) {
        const v = 0.2 * x[k] + 0.5;
        y[k] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
      return;
    default:
      for (let k = from; k < to; k++) y[k] = x[k];
  }
}

/** The derivative at pre-activation x with output y, as TF.js's gradients give it (relu: 0 at 0; clip: closed range). */
function slope(code: number, x: number, y: number): number {
  switch (code) {
    case TANH:
      return 1 - y * y;
    case SIGMOID:
      return y * (1 - y);
    case RELU:
      return x > 0 ? 1 : 0;
    case HARD_SIGMOID: {
      const v = 0.2 * x + 0.5;
      return v >= 0 && v <= 1 ? 0.2 : 0;
    }
    default:
      return 1;
  }
}

/** [rows, steps, width] -> [steps, rows, width] */
function toTimeMajor(source: Float32Array, target: Float32Array, rows: number, steps: number, width: number): void {
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < steps; t++) {
      const from = (r * steps + t) * width;
      target.set(source.subarray(from, from + width), (t * rows + r) * width);
    }
  }
}

/** [steps, rows, width] -> [rows, steps, width] */
function toBatchMajor(source: Float32Array, target: Float32Array, rows: number, steps: number, width: number): void {
  for (let t = 0; t < steps; t++) {
    for (let r = 0; r < rows; r++) {
      const from = (t * rows + r) * width;
      target.set(source.subarray(from, from + width), (r * steps + t) * width);
    }
  }
}

function recurrentForward(stage: RecurrentStage, input: Float32Array, out: Float32Array, rows: number): void {
  const b = ensureBuffers(stage, rows);
  const { steps: T, features: F, units: U, gates: G, kernel, recurrentKernel: R, bias } = stage;
  const GU = G * U;
  const block = rows * GU;
  const stateBlock = rows * U;
  toTimeMajor(input, b.xs, rows, T, F);
  // every step's input projection at once: pre = xs W + bias
  gemmNN(T * rows, GU, F, b.xs, 0, F, kernel, 0, GU, b.pre, 0, GU, false);
  if (bias) {
    const n = T * rows;
    const pre = b.pre;
    for (let r = 0; r < n; r++) for (let j = 0, o = r * GU; j < GU; j++) pre[o + j] += bias[j];
  }
  const { pre, act, hs, cs, tc } = b;
  const fAct = stage.activation;
  const gAct = stage.recurrentActivation;
  for (let t = 0; t < T; t++) {
    const z0 = t * block;
    const h0 = t * stateBlock;
    const hPrev = h0 - stateBlock;
    if (stage.cell === 'lstm') {
      if (t > 0) gemmNN(rows, GU, U, hs, hPrev, U, R, 0, GU, pre, z0, GU, true);
      for (let r = 0; r < rows; r++) {
        const z = z0 + r * GU;
        activateRange(gAct, pre, act, z, z + 2 * U);
        activateRange(fAct, pre, act, z + 2 * U, z + 3 * U);
        activateRange(gAct, pre, act, z + 3 * U, z + 4 * U);
        const s = h0 + r * U;
        for (let u = 0; u < U; u++) {
          // c = f * c(t-1) + i * g, each product rounded to float32 as TF.js's ops do
          const carried = t > 0 ? Math.fround(act[z + U + u] * cs[s - stateBlock + u]) : 0;
          cs[s + u] = carried + Math.fround(act[z + u] * act[z + 2 * U + u]);
        }
      }
      activateRange(fAct, cs, tc, h0, h0 + stateBlock);
      for (let r = 0; r < rows; r++) {
        const z = z0 + r * GU + 3 * U;
        const s = h0 + r * U;
        for (let u = 0; u < U; u++) hs[s + u] = act[z + u] * tc[s + u];
      }
    } else if (stage.cell === 'gru') {
      // z and r take h(t-1) R[:, :2U]; the candidate takes (r * h(t-1)) R[:, 2U:]
      if (t > 0) gemmNN(rows, 2 * U, U, hs, hPrev, U, R, 0, GU, pre, z0, GU, true);
      for (let r = 0; r < rows; r++) {
        const z = z0 + r * GU;
        activateRange(gAct, pre, act, z, z + 2 * U);
        const s = h0 + r * U;
        for (let u = 0; u < U; u++) cs[s + u] = t > 0 ? act[z + U + u] * hs[s - stateBlock + u] : 0;
      }
      if (t > 0) gemmNN(rows, U, U, cs, h0, U, R, 2 * U, GU, pre, z0 + 2 * U, GU, true);
      for (let r = 0; r < rows; r++) {
        const z = z0 + r * GU;
        const s = h0 + r * U;
        activateRange(fAct, pre, act, z + 2 * U, z + 3 * U);
        for (let u = 0; u < U; u++) {
          const hh = act[z + 2 * U + u];
          const zu = act[z + u];
          const previous = t > 0 ? hs[s - stateBlock + u] : 0;
          hs[s + u] = Math.fround(zu * previous) + Math.fround(Math.fround(1 - zu) * Math.fround(hh));
        }
      }
    } else {
      if (t > 0) gemmNN(rows, U, U, hs, hPrev, U, R, 0, U, pre, z0, U, true);
      activateRange(fAct, pre, act, z0, z0 + stateBlock);
      hs.set(act.subarray(z0, z0 + stateBlock), h0);
    }
  }
  if (stage.returnSequences) toBatchMajor(hs, out, rows, T, U);
  else out.set(hs.subarray((T - 1) * stateBlock, T * stateBlock));
}

function recurrentBackward(stage: RecurrentStage, dy: Float32Array, dx: Float32Array | undefined, rows: number): void {
  const b = stage.buffers;
  const { steps: T, features: F, units: U, gates: G, kernel, recurrentKernel: R } = stage;
  const GU = G * U;
  const block = rows * GU;
  const stateBlock = rows * U;
  const { pre, act, hs, cs, tc, dz, dhNext, dhNow, dcNext, dRh } = b;
  const fAct = stage.activation;
  const gAct = stage.recurrentActivation;
  dhNext.fill(0, 0, stateBlock);
  dcNext.fill(0, 0, stateBlock);
  for (let t = T - 1; t >= 0; t--) {
    const z0 = t * block;
    const h0 = t * stateBlock;
    // the gradient reaching h(t): from the layer's output (every step, or the last one) and from step t + 1
    for (let r = 0; r < rows; r++) {
      for (let u = 0; u < U; u++) {
        const k = r * U + u;
        let g = dhNext[k];
        if (stage.returnSequences) g += dy[(r * T + t) * U + u];
        else if (t === T - 1) g += dy[k];
        dhNow[k] = g;
      }
    }
    if (stage.cell === 'lstm') {
      for (let r = 0; r < rows; r++) {
        const z = z0 + r * GU;
        const s = h0 + r * U;
        for (let u = 0; u < U; u++) {
          const k = r * U + u;
          const dh = dhNow[k];
          const i = act[z + u];
          const f = act[z + U + u];
          const g = act[z + 2 * U + u];
          const o = act[z + 3 * U + u];
          const a = tc[s + u];
          const dc = dh * o * slope(fAct, cs[s + u], a) + dcNext[k];
          const cPrev = t > 0 ? cs[s - stateBlock + u] : 0;
          dz[z + u] = dc * g * slope(gAct, pre[z + u], i);
          dz[z + U + u] = dc * cPrev * slope(gAct, pre[z + U + u], f);
          dz[z + 2 * U + u] = dc * i * slope(fAct, pre[z + 2 * U + u], g);
          dz[z + 3 * U + u] = dh * a * slope(gAct, pre[z + 3 * U + u], o);
          dcNext[k] = dc * f;
        }
      }
      if (t > 0) gemmNT(rows, U, GU, dz, z0, GU, R, 0, GU, dhNext, 0, U, false);
    } else if (stage.cell === 'gru') {
      for (let r = 0; r < rows; r++) {
        const z = z0 + r * GU;
        const s = h0 + r * U;
        for (let u = 0; u < U; u++) {
          const dh = dhNow[r * U + u];
          const zu = act[z + u];
          const hh = act[z + 2 * U + u];
          const previous = t > 0 ? hs[s - stateBlock + u] : 0;
          dz[z + u] = dh * (previous - hh) * slope(gAct, pre[z + u], zu);
          dz[z + 2 * U + u] = dh * (1 - zu) * slope(fAct, pre[z + 2 * U + u], hh);
        }
      }
      if (t > 0) {
        // d(r * h(t-1)) = dzh R[:, 2U:]^T, then through r and h(t-1)
        gemmNT(rows, U, U, dz, z0 + 2 * U, GU, R, 2 * U, GU, dRh, 0, U, false);
        for (let r = 0; r < rows; r++) {
          const z = z0 + r * GU;
          const s = h0 + r * U;
          for (let u = 0; u < U; u++) {
            const k = r * U + u;
            const previous = hs[s - stateBlock + u];
            const ru = act[z + U + u];
            dz[z + U + u] = dRh[k] * previous * slope(gAct, pre[z + U + u], ru);
            dhNext[k] = dhNow[k] * act[z + u] + dRh[k] * ru;
          }
        }
        gemmNT(rows, U, 2 * U, dz, z0, GU, R, 0, GU, dhNext, 0, U, true);
      } else {
        for (let r = 0; r < rows; r++) dz.fill(0, z0 + r * GU + U, z0 + r * GU + 2 * U);
      }
    } else {
      const n = rows * U;
      for (let k = 0; k < n; k++) dz[z0 + k] = dhNow[k] * slope(fAct, pre[z0 + k], act[z0 + k]);
      if (t > 0) gemmNT(rows, U, U, dz, z0, U, R, 0, U, dhNext, 0, U, false);
    }
  }
  // weight gradients over all steps at once
  const n = T * rows;
  gemmTN(F, GU, n, b.xs, 0, F, dz, 0, GU, stage.kernelGrad, 0, GU);
  if (stage.cell === 'gru') {
    // R[:, :2U] met h(t-1), R[:, 2U:] met r * h(t-1) (zero at t = 0)
    gemmTN(U, 2 * U, n - rows, hs, 0, U, dz, block, GU, stage.recurrentKernelGrad, 0, GU);
    gemmTN(U, U, n, cs, 0, U, dz, 2 * U, GU, stage.recurrentKernelGrad, 2 * U, GU);
  } else {
    gemmTN(U, GU, n - rows, hs, 0, U, dz, block, GU, stage.recurrentKernelGrad, 0, GU);
  }
  const biasGrad = stage.biasGrad;
  if (biasGrad) {
    biasGrad.fill(0);
    for (let r = 0; r < n; r++) for (let j = 0, o = r * GU; j < GU; j++) biasGrad[j] += dz[o + j];
  }
  if (!dx) return;
  gemmNT(n, F, GU, dz, 0, GU, kernel, 0, GU, b.dxs, 0, F, false);
  toBatchMajor(b.dxs, dx, rows, T, F);
}
