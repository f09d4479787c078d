// The compiled training step: the model the engine builds, turned once into a forward + backward +
// optimizer-update program over preallocated Float32Arrays, in plain JS, with convolutions, large dense
// layers, relu and max pooling in WebAssembly SIMD (conv.ts, gemm.ts), and the optimizer update too,
// over a WebAssembly memory the parameters move into (optimizer-kernels.ts). No per-op dispatch and no
// gradient tape: on the small models a smoke run trains, TF.js spends most of a step there.
// It covers dense stacks (dense, activation, dropout, batch and layer normalization) and image
// models (conv2d, max / average / global average pooling, flatten), the common losses and
// optimizers, and takes the same probes as train.ts in the same pass. Anything else: TF.js (choose.ts).
// Initial weights are read from the TF.js model the engine built (same seeded initializers), dropout
// masks come from the same seeded stream as SeededDropout, batches from the same seeded shuffle.
// Sequence models (embedding, simple RNN, LSTM, GRU) are compiled by recurrent.ts, hooked in below.
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec, OptimizerSpec } from '../../config/types.ts';
import type { BuiltLayer } from '../build-model.ts';
import { Prng } from '../prng.ts';
import { DYING_ACTIVATIONS, HARD_SATURATING } from '../../model/activation-families.ts';
import { batchSizeFor } from '../input.ts';
import { SATURATED_SHARE, SATURATION_THRESHOLD, type ActivationHealth } from '../probes.ts';
import { SeededDropout } from '../seeded-dropout.ts';
import { batchStream, type TrainResult } from '../train.ts';
import { Alea } from './alea.ts';
import { activationBackward, activationForward, COMPILED_ACTIVATIONS, COMPILED_LOSSES, lossAndGradient } from './math.ts';
import { makeCompiledOptimizer, optimizerBlocker, type CompiledOptimizer } from './optimizers.ts';
import {
  averageWindowsCut,
  DENSE_GEMM_MIN_WEIGHTS,
  MatrixKernels,
  poolBackward,
  poolForward,
  poolStage,
  windowGeometry,
  type ConvStage,
  type PoolStage,
} from './conv.ts';

export { windowGeometry };
import {
  COMPILED_MAX_RECURRENT_MACS,
  makeSequenceStage,
  planSequenceLayer,
  SEQUENCE_LAYER_TYPES,
  sequenceBackward,
  sequenceForward,
  sequenceParameters,
  writeBackSequence,
  type SequenceStage,
} from './recurrent.ts';
import { gemmNT, gemmTN } from './js-gemm.ts';

export type CompilePlan = { ok: true } | { ok: false; reason: string };

export interface CompileQuestion {
  spec: ModelSpec;
  inputShape: number[];
  /** canonical Keras loss name */
  lossName: string;
  optimizer: OptimizerSpec;
  /** columns of the targets (1 for class ids) */
  targetWidth: number;
  batchSize: number;
  /** a reason found outside the model and optimizer (the loss's settings) */
  blocker?: string;
}

/** Whether the compiled step can train this setup exactly as the TF.js step would; why not, when not. */
export function planCompiledStep(q: CompileQuestion): CompilePlan {
  if (q.blocker !== undefined) return { ok: false, reason: q.blocker };
  if (q.spec.layers.some((layer) => layer.inbound !== undefined)) return { ok: false, reason: 'the model branches (a functional model)' };
  if (q.spec.unsupported.length > 0) return { ok: false, reason: 'the model has layers nn-preflight does not build' };
  if (q.inputShape.length < 1 || q.inputShape.length > 3)
    return { ok: false, reason: `inputs of shape [${q.inputShape.join(', ')}] are neither flat rows, sequences nor images` };
  let shape = [...q.inputShape];
  let width = shape.reduce((a, b) => a * b, 1);
  let denseLayers = 0;
  let sequenceLayers = 0;
  let readsInputs = true;
  const flat = () => shape.length === 1;
  for (const layer of q.spec.layers) {
    if (layer.extra?.trainable === false) return { ok: false, reason: `layer '${layer.name}' is frozen (trainable: false)` };
    // embedding and recurrent layers: recurrent.ts, with their own size limit (their TF.js step is many small ops)
    if (SEQUENCE_LAYER_TYPES.has(layer.type)) {
      const plan = planSequenceLayer(layer, shape, readsInputs);
      if (!plan.ok) return plan;
      if (plan.macs * q.batchSize > COMPILED_MAX_RECURRENT_MACS) {
        return {
          ok: false,
          reason: `${layer.type} '${layer.name}' is large: ${Math.round((plan.macs * q.batchSize) / 1e6)}M multiply-adds per step, where TF.js's WASM kernels are faster (above ${COMPILED_MAX_RECURRENT_MACS / 1e6}M)`,
        };
      }
      shape = plan.shape;
      width = shape.reduce((a, b) => a * b, 1);
      sequenceLayers++;
      readsInputs = false;
      continue;
    }
    if (layer.type !== 'input') readsInputs = false;
    switch (layer.type) {
      case 'input':
        break;
      case 'flatten':
        shape = [width];
        break;
      case 'conv2d': {
        if (shape.length !== 3) return { ok: false, reason: `conv2d '${layer.name}' on an input of shape [${shape.join(', ')}]` };
        if (!COMPILED_ACTIVATIONS.has(layer.activation ?? 'linear') || layer.activation === 'softmax')
          return { ok: false, reason: `activation '${layer.activation}' of layer '${layer.name}' is not compiled` };
        const geometry = windowGeometry(shape, layer.kernel_size, layer.strides ?? [1], layer.padding ?? 'valid');
        if (!geometry || !(typeof layer.filters === 'number' && layer.filters > 0))
          return { ok: false, reason: `conv2d '${layer.name}' has a window it cannot take` };
        // no size limit: convolutions run as WebAssembly matrix products (conv.ts)
        denseLayers++;
        shape = [geometry.outH, geometry.outW, layer.filters];
        width = shape[0] * shape[1] * shape[2];
        break;
      }
      case 'max_pooling2d':
      case 'average_pooling2d':
      case 'global_average_pooling2d': {
        const pool = shape.length === 3 ? poolStage(layer.type, shape, layer.pool_size, layer.strides, layer.padding) : undefined;
        if (!pool) return { ok: false, reason: `${layer.type} '${layer.name}' on an input of shape [${shape.join(', ')}] has a window it cannot take` };
        if (averageWindowsCut(pool))
          return {
            ok: false,
            reason: `${layer.type} '${layer.name}' has windows past the image ('same' padding), where TF.js's gradient and forward pass disagree`,
          };
        shape = layer.type === 'global_average_pooling2d' ? [pool.width] : pool.outShape;
        width = pool.width;
        break;
      }
      case 'dropout':
        if (!(typeof layer.rate === 'number' && layer.rate >= 0 && layer.rate < 1))
          return { ok: false, reason: `dropout '${layer.name}' has rate ${layer.rate}` };
        break;
      case 'activation':
        if (typeof layer.extra?.alpha === 'number') return { ok: false, reason: `activation '${layer.name}' has its own slope (alpha ${layer.extra.alpha})` };
        if (!flat() && layer.activation === 'softmax') return { ok: false, reason: `softmax over an image in '${layer.name}'` };
        if (!COMPILED_ACTIVATIONS.has(layer.activation ?? 'linear'))
          return { ok: false, reason: `activation '${layer.activation}' of layer '${layer.name}' is not compiled` };
        break;
      case 'layer_normalization':
        if (!flat()) return { ok: false, reason: `layer normalization '${layer.name}' on an image` };
        break;
      case 'batch_normalization':
        if (!flat()) return { ok: false, reason: `batch normalization '${layer.name}' on an image` };
        if (layer.extra?.center === false || layer.extra?.scale === false)
          return { ok: false, reason: `batch normalization '${layer.name}' without center or scale is not compiled` };
        break;
      case 'dense':
        if (!COMPILED_ACTIVATIONS.has(layer.activation ?? 'linear'))
          return { ok: false, reason: `activation '${layer.activation}' of layer '${layer.name}' is not compiled` };
        if (!(typeof layer.units === 'number' && layer.units > 0)) return { ok: false, reason: `dense '${layer.name}' has no units` };
        if (!flat()) return { ok: false, reason: `dense '${layer.name}' on an input of shape [${shape.join(', ')}] (flatten first)` };
        denseLayers++;
        width = layer.units;
        shape = [width];
        break;
      default:
        return { ok: false, reason: `layer '${layer.name}' (${layer.type}) is not compiled` };
    }
  }
  if (denseLayers + sequenceLayers === 0) return { ok: false, reason: 'the model has no dense, convolution or recurrent layer' };
  if (!flat()) return { ok: false, reason: 'the output is not flat' };

  if (!COMPILED_LOSSES.has(q.lossName)) return { ok: false, reason: `loss '${q.lossName}' is not compiled` };
  const expectedTargets = q.lossName === 'sparse_categorical_crossentropy' ? 1 : width;
  if (q.targetWidth !== expectedTargets) return { ok: false, reason: `${q.targetWidth} target columns for ${width} outputs would broadcast` };
  const blocker = optimizerBlocker(q.optimizer);
  if (blocker !== undefined) return { ok: false, reason: blocker };
  return { ok: true };
}

interface DenseStage {
  kind: 'dense';
  built: BuiltLayer;
  inWidth: number;
  outWidth: number;
  kernel: Float32Array;
  bias?: Float32Array;
  kernelGrad: Float32Array;
  biasGrad?: Float32Array;
}
interface ActivationStage {
  kind: 'activation';
  activation: string;
  width: number;
}
interface DropoutStage {
  kind: 'dropout';
  width: number;
  rate: number;
  masks: Prng;
  /** the multiplier of each value in the current step: 0 or 1 / keep probability */
  mask: Float32Array;
}
/** Keras LayerNormalization over the features of each row: gamma * (x - mean) / sqrt(var + epsilon) + beta. */
interface LayerNormStage {
  kind: 'layerNorm';
  built: BuiltLayer;
  width: number;
  epsilon: number;
  gamma: Float32Array;
  beta: Float32Array;
  gammaGrad: Float32Array;
  betaGrad: Float32Array;
  /** the normalized values and 1 / sqrt(var + epsilon) of each row, kept for the backward pass */
  normalized: Float32Array;
  inverseStd: Float64Array;
}
/**
 * Keras BatchNormalization over the batch, per feature: batch statistics in training (and the moving
 * averages updated as TF.js does, m -= (m - batch value) * (1 - momentum), biased variance, no
 * debiasing), the moving averages at inference.
 */
interface BatchNormStage {
  kind: 'batchNorm';
  built: BuiltLayer;
  width: number;
  epsilon: number;
  momentum: number;
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  gammaGrad: Float32Array;
  betaGrad: Float32Array;
  normalized: Float32Array;
  inverseStd: Float64Array;
}
type Stage = DenseStage | ActivationStage | DropoutStage | LayerNormStage | BatchNormStage | ConvStage | PoolStage | SequenceStage;
type WeightedStage = DenseStage | LayerNormStage | BatchNormStage | ConvStage | SequenceStage;
/** the layers with a kernel, which train.ts probes (an embedding's table, a recurrent layer's input kernel) */
type KernelStage = DenseStage | ConvStage | SequenceStage;
/** the layers whose pre-activations the activation probe reads */
type ActivatedStage = DenseStage | ConvStage;

export interface CompiledSetup {
  layers: BuiltLayer[];
  x: Float32Array;
  y: Float32Array;
  rows: number;
  inputWidth: number;
  targetWidth: number;
  validation?: { x: Float32Array; y: Float32Array; rows: number };
  lossName: string;
  fromLogits: boolean;
  optimizer: OptimizerSpec;
  batchSize: number;
  steps: number;
  seed: number;
  learningRate: number;
  weightDecay: number;
  deadline: number;
  probeEvery: number;
  schedule?: (step: number) => number;
  stopWhen?: (losses: number[]) => boolean;
}

/** Losses are handed to stopWhen in chunks of this many steps when no probes are taken, as in train.ts. */
const READBACK_EVERY = 10;
/** Keras's LayerNormalization epsilon default, as build-model.ts applies it */
const KERAS_NORM_EPSILON = 1e-3;
const KERAS_BATCH_NORM_MOMENTUM = 0.99;
const PROBE_ROWS = 256;
const VALIDATION_ROWS = 512;

/** A variable of the program: its values, gradient, penalty and the layer it belongs to. */
interface Parameter {
  values: Float32Array;
  grad: Float32Array;
  l1: number;
  l2: number;
  layer: number;
  /** points the stage's own fields at new arrays for the values and the gradient (moveParameters) */
  rebind(values: Float32Array, grad: Float32Array): void;
}

export class CompiledModel {
  readonly stages: Stage[];
  readonly parameters: Parameter[];
  /** per stage: its output buffer (rows x width); stage -1 is the input */
  private readonly outputs: Float32Array[];
  private readonly gradients: Float32Array[];
  private readonly widths: number[];
  private capacity: number;
  readonly outputWidth: number;
  private readonly inputWidth: number;

  constructor(layers: BuiltLayer[], inputShape: number[]) {
    this.stages = [];
    let shape = [...inputShape];
    let width = shape.reduce((a, b) => a * b, 1);
    this.inputWidth = width;
    for (const layer of layers) {
      if (layer.spec.type === 'flatten') {
        shape = [width];
      } else if (SEQUENCE_LAYER_TYPES.has(layer.spec.type)) {
        const made = makeSequenceStage(layer, shape);
        this.stages.push(made.stage);
        shape = made.shape;
        width = made.stage.width;
      } else if (layer.spec.type === 'conv2d') {
        const weights = layer.core.getWeights();
        const kernel = Float32Array.from(weights[0].dataSync());
        const bias = weights[1] ? Float32Array.from(weights[1].dataSync()) : undefined;
        const geometry = windowGeometry(shape, layer.spec.kernel_size, layer.spec.strides ?? [1], layer.spec.padding ?? 'valid')!;
        const outShape = [geometry.outH, geometry.outW, layer.spec.filters!];
        const outWidth = outShape[0] * outShape[1] * outShape[2];
        this.stages.push({
          kind: 'conv',
          built: layer,
          inShape: shape,
          outShape,
          geometry,
          kernel,
          bias,
          kernelGrad: new Float32Array(kernel.length),
          biasGrad: bias && new Float32Array(bias.length),
          width: outWidth,
        });
        shape = outShape;
        width = outWidth;
        if (layer.activation !== 'linear') this.stages.push({ kind: 'activation', activation: layer.activation, width });
      } else if (layer.spec.type === 'max_pooling2d' || layer.spec.type === 'average_pooling2d' || layer.spec.type === 'global_average_pooling2d') {
        const pool = poolStage(layer.spec.type, shape, layer.spec.pool_size, layer.spec.strides, layer.spec.padding)!;
        this.stages.push(pool);
        shape = layer.spec.type === 'global_average_pooling2d' ? [pool.width] : pool.outShape;
        width = pool.width;
      } else if (layer.spec.type === 'dense') {
        const weights = layer.core.getWeights();
        const kernel = Float32Array.from(weights[0].dataSync());
        const bias = weights[1] ? Float32Array.from(weights[1].dataSync()) : undefined;
        const outWidth = layer.spec.units!;
        this.stages.push({
          kind: 'dense',
          built: layer,
          inWidth: width,
          outWidth,
          kernel,
          bias,
          kernelGrad: new Float32Array(kernel.length),
          biasGrad: bias && new Float32Array(bias.length),
        });
        width = outWidth;
        shape = [width];
        if (layer.activation !== 'linear') this.stages.push({ kind: 'activation', activation: layer.activation, width });
      } else if (layer.spec.type === 'activation') {
        if (layer.activation !== 'linear') this.stages.push({ kind: 'activation', activation: layer.activation, width });
      } else if (layer.spec.type === 'layer_normalization') {
        // TF.js LayerNormalization adds gamma, then beta (center and scale are on: build-model.ts passes neither)
        const [gamma, beta] = layer.core.getWeights().map((w) => Float32Array.from(w.dataSync()));
        const epsilon = typeof layer.spec.extra?.epsilon === 'number' ? layer.spec.extra.epsilon : KERAS_NORM_EPSILON;
        this.stages.push({
          kind: 'layerNorm',
          built: layer,
          width,
          epsilon,
          gamma,
          beta,
          gammaGrad: new Float32Array(width),
          betaGrad: new Float32Array(width),
          normalized: new Float32Array(0),
          inverseStd: new Float64Array(0),
        });
      } else if (layer.spec.type === 'batch_normalization') {
        // TF.js BatchNormalization adds gamma, beta, moving mean, moving variance, in that order
        const [gamma, beta, movingMean, movingVariance] = layer.core.getWeights().map((w) => Float32Array.from(w.dataSync()));
        const extra = layer.spec.extra ?? {};
        this.stages.push({
          kind: 'batchNorm',
          built: layer,
          width,
          gamma,
          beta,
          movingMean,
          movingVariance,
          epsilon: typeof extra.epsilon === 'number' ? extra.epsilon : KERAS_NORM_EPSILON,
          momentum: typeof extra.momentum === 'number' ? extra.momentum : KERAS_BATCH_NORM_MOMENTUM,
          gammaGrad: new Float32Array(width),
          betaGrad: new Float32Array(width),
          normalized: new Float32Array(0),
          inverseStd: new Float64Array(width),
        });
      } else if (layer.spec.type === 'dropout') {
        const core = layer.core as SeededDropout;
        if (core.rate > 0) this.stages.push({ kind: 'dropout', width, rate: core.rate, masks: new Prng(core.seed), mask: new Float32Array(0) });
      }
    }
    this.outputWidth = width;
    this.widths = this.stages.map((s) => (s.kind === 'dense' ? s.outWidth : s.width));
    this.parameters = [];
    this.weighted = this.stages.filter(
      (s): s is WeightedStage =>
        s.kind === 'dense' || s.kind === 'conv' || s.kind === 'layerNorm' || s.kind === 'batchNorm' || s.kind === 'embedding' || s.kind === 'recurrent',
    );
    this.kernels = this.stages.filter((s): s is KernelStage => s.kind === 'dense' || s.kind === 'conv' || s.kind === 'embedding' || s.kind === 'recurrent');
    this.state = this.stages.flatMap((s) => (s.kind === 'batchNorm' ? [s.movingMean, s.movingVariance] : []));
    this.weighted.forEach((stage, layer) => {
      if (stage.kind === 'layerNorm' || stage.kind === 'batchNorm') {
        this.parameters.push(
          {
            values: stage.gamma,
            grad: stage.gammaGrad,
            l1: 0,
            l2: 0,
            layer,
            rebind: (values, grad) => {
              stage.gamma = values;
              stage.gammaGrad = grad;
            },
          },
          {
            values: stage.beta,
            grad: stage.betaGrad,
            l1: 0,
            l2: 0,
            layer,
            rebind: (values, grad) => {
              stage.beta = values;
              stage.betaGrad = grad;
            },
          },
        );
        return;
      }
      if (stage.kind === 'embedding' || stage.kind === 'recurrent') {
        for (const p of sequenceParameters(stage)) this.parameters.push({ ...p, layer });
        return;
      }
      const kernelPenalty = stage.built.spec.kernel_regularizer;
      const biasPenalty = stage.built.spec.bias_regularizer;
      this.parameters.push({
        values: stage.kernel,
        grad: stage.kernelGrad,
        l1: kernelPenalty?.l1 ?? 0,
        l2: kernelPenalty?.l2 ?? 0,
        layer,
        rebind: (values, grad) => {
          stage.kernel = values;
          stage.kernelGrad = grad;
        },
      });
      if (stage.bias) {
        this.parameters.push({
          values: stage.bias,
          grad: stage.biasGrad!,
          l1: biasPenalty?.l1 ?? 0,
          l2: biasPenalty?.l2 ?? 0,
          layer,
          rebind: (values, grad) => {
            stage.bias = values;
            stage.biasGrad = grad;
          },
        });
      }
    });
    this.capacity = 0;
    this.outputs = [];
    this.gradients = [];
    const matrixStages = this.stages.filter(
      (s): s is ConvStage | DenseStage => s.kind === 'conv' || (s.kind === 'dense' && s.inWidth * s.outWidth >= DENSE_GEMM_MIN_WEIGHTS),
    );
    this.matrix = matrixStages.length > 0 ? new MatrixKernels(matrixStages) : undefined;
    this.firstWeighted = this.stages.findIndex((stage) => (this.weighted as Stage[]).includes(stage));
  }

  /** the layers with a kernel, in order (train.ts's probed layers) */
  readonly kernels: KernelStage[];

  /**
   * Moves every parameter's values and gradient into `values[i]` and `grads[i]` (an optimizer's parameter
   * store), copying the current numbers; the stages then read and write there.
   */
  moveParameters(values: Float32Array[], grads: Float32Array[]): void {
    this.parameters.forEach((p, i) => {
      values[i].set(p.values);
      grads[i].set(p.grad);
      p.rebind(values[i], grads[i]);
      p.values = values[i];
      p.grad = grads[i];
    });
  }

  /** the convolutions and large dense layers, as WebAssembly matrix products (conv.ts) */
  private readonly matrix?: MatrixKernels;

  /**
   * Where the optimizer's store goes: after the products' memory, sized for passes of up to `rows` rows,
   * so that the products read and write the parameters in place. Undefined without matrix products.
   */
  parameterPlace(rows: number): { memory: WebAssembly.Memory; at: number } | undefined {
    return this.matrix?.parameterPlace(rows, Math.max(this.inputWidth, ...this.widths));
  }

  /** values a step changes besides the parameters: batch normalization's moving averages */
  readonly state: Float32Array[];

  /** the layers with trainable weights, in order (train.ts's layerVariables) */
  readonly weighted: WeightedStage[];
  /** index of the first stage with weights: nothing below it needs a gradient */
  private readonly firstWeighted: number;

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    this.stages.forEach((stage, i) => {
      this.outputs[i] = new Float32Array(rows * this.widths[i]);
      this.gradients[i] = new Float32Array(rows * this.widths[i]);
      if (stage.kind === 'dropout') stage.mask = new Float32Array(rows * stage.width);
      if (stage.kind === 'layerNorm') {
        stage.normalized = new Float32Array(rows * stage.width);
        stage.inverseStd = new Float64Array(rows);
      }
      if (stage.kind === 'batchNorm') stage.normalized = new Float32Array(rows * stage.width);
      if (stage.kind === 'pool') stage.argmax = new Int32Array(rows * stage.width);
    });
  }

  /** Runs the stages over `rows` rows of `input`; training draws dropout masks. Returns the output buffer. */
  forward(input: Float32Array, rows: number, training: boolean, onDense?: (stage: ActivatedStage, pre: Float32Array) => void): Float32Array {
    this.ensureCapacity(rows);
    let current = input;
    for (let i = 0; i < this.stages.length; i++) {
      const stage = this.stages[i];
      const out = this.outputs[i];
      if (stage.kind === 'dense') {
        if (this.matrix?.has(stage)) this.matrix.forward(current, stage, out, rows);
        else denseForward(current, stage, out, rows);
        onDense?.(stage, out);
      } else if (stage.kind === 'activation') {
        if (stage.activation === 'relu' && this.matrix) this.matrix.relu(current, out, rows * stage.width);
        else activationForward(stage.activation, current, out, rows, stage.width);
      } else if (stage.kind === 'conv') {
        this.matrix!.forward(current, stage, out, rows);
        onDense?.(stage, out);
      } else if (stage.kind === 'pool') {
        if (!this.matrix?.maxPool(current, stage, out, rows)) poolForward(current, stage, out, rows);
      } else if (stage.kind === 'embedding' || stage.kind === 'recurrent') {
        sequenceForward(stage, current, out, rows);
      } else if (stage.kind === 'layerNorm') {
        layerNormForward(current, stage, out, rows);
      } else if (stage.kind === 'batchNorm') {
        batchNormForward(current, stage, out, rows, training);
      } else if (training) {
        drawMask(stage, rows);
        const n = rows * stage.width;
        const mask = stage.mask;
        for (let k = 0; k < n; k++) out[k] = current[k] * mask[k];
      } else {
        out.set(current.subarray(0, rows * stage.width));
      }
      current = out;
    }
    return current;
  }

  /** Back-propagates dOutput through the stages of the last forward pass, down to the first dense layer. */
  backward(input: Float32Array, dOutput: Float32Array, rows: number): void {
    let dy = dOutput;
    for (let i = this.stages.length - 1; i >= this.firstWeighted; i--) {
      const stage = this.stages[i];
      const stageInput = i === 0 ? input : this.outputs[i - 1];
      const dx = i > this.firstWeighted ? this.gradients[i - 1] : undefined;
      if (stage.kind === 'dense') {
        if (this.matrix?.has(stage)) this.matrix.backward(stage, dy, dx, rows);
        else denseBackward(stageInput, stage, dy, dx, rows);
      } else if (stage.kind === 'conv') {
        this.matrix!.backward(stage, dy, dx, rows);
      } else if (stage.kind === 'pool') {
        poolBackward(stage, dy, dx!, rows);
      } else if (stage.kind === 'embedding' || stage.kind === 'recurrent') {
        sequenceBackward(stage, dy, dx, rows);
      } else if (stage.kind === 'layerNorm') {
        layerNormBackward(stage, dy, dx, rows);
      } else if (stage.kind === 'batchNorm') {
        batchNormBackward(stage, dy, dx, rows);
      } else if (stage.kind === 'activation') {
        if (stage.activation === 'relu' && this.matrix) this.matrix.reluBackward(stageInput, dy, dx!, rows * stage.width);
        else activationBackward(stage.activation, stageInput, this.outputs[i], dy, dx!, rows, stage.width);
      } else {
        const n = rows * stage.width;
        for (let k = 0; k < n; k++) dx![k] = dy[k] * stage.mask[k];
      }
      if (dx === undefined) break;
      dy = dx;
    }
  }

  /** Writes the weights back into the TF.js layers (for what runs after training on the TF.js model). */
  writeBack(): void {
    for (const stage of this.stages) {
      if (stage.kind === 'embedding' || stage.kind === 'recurrent') writeBackSequence(stage);
      if (stage.kind === 'layerNorm' || stage.kind === 'batchNorm') {
        const arrays = stage.kind === 'batchNorm' ? [stage.gamma, stage.beta, stage.movingMean, stage.movingVariance] : [stage.gamma, stage.beta];
        const weights = arrays.map((values) => tf.tensor(values, [stage.width]));
        stage.built.core.setWeights(weights);
        tf.dispose(weights);
      }
      if (stage.kind === 'conv') {
        const { kh, kw } = stage.geometry;
        const weights = [tf.tensor(stage.kernel, [kh, kw, stage.inShape[2], stage.outShape[2]])];
        if (stage.bias) weights.push(tf.tensor(stage.bias, [stage.outShape[2]]));
        stage.built.core.setWeights(weights);
        tf.dispose(weights);
      }
      if (stage.kind !== 'dense') continue;
      const weights = [tf.tensor(stage.kernel, [stage.inWidth, stage.outWidth])];
      if (stage.bias) weights.push(tf.tensor(stage.bias, [stage.outWidth]));
      stage.built.core.setWeights(weights);
      tf.dispose(weights);
    }
  }
}

function batchNormForward(input: Float32Array, stage: BatchNormStage, out: Float32Array, rows: number, training: boolean): void {
  const { width: N, epsilon, gamma, beta, normalized, inverseStd, movingMean, movingVariance } = stage;
  const f = Math.fround;
  const decay = f(1 - stage.momentum);
  for (let j = 0; j < N; j++) {
    let mean: number;
    let variance: number;
    if (training) {
      mean = 0;
      for (let r = 0, k = j; r < rows; r++, k += N) mean += input[k];
      mean /= rows;
      variance = 0;
      for (let r = 0, k = j; r < rows; r++, k += N) {
        const d = input[k] - mean;
        variance += d * d;
      }
      variance /= rows;
      movingMean[j] = f(movingMean[j] - f(f(movingMean[j] - f(mean)) * decay));
      movingVariance[j] = f(movingVariance[j] - f(f(movingVariance[j] - f(variance)) * decay));
    } else {
      mean = movingMean[j];
      variance = movingVariance[j];
    }
    const inv = 1 / Math.sqrt(variance + epsilon);
    if (training) inverseStd[j] = inv;
    for (let r = 0, k = j; r < rows; r++, k += N) {
      const n = (input[k] - mean) * inv;
      if (training) normalized[k] = n;
      out[k] = n * gamma[j] + beta[j];
    }
  }
}

/** As layerNormBackward, over the batch for each feature (the batch statistics are functions of x). */
function batchNormBackward(stage: BatchNormStage, dy: Float32Array, dx: Float32Array | undefined, rows: number): void {
  const { width: N, gamma, normalized, inverseStd, gammaGrad, betaGrad } = stage;
  for (let j = 0; j < N; j++) {
    let sumD = 0;
    let sumDN = 0;
    for (let r = 0, k = j; r < rows; r++, k += N) {
      sumD += dy[k];
      sumDN += dy[k] * normalized[k];
    }
    gammaGrad[j] = sumDN;
    betaGrad[j] = sumD;
    if (!dx) continue;
    const g = gamma[j];
    const meanG = (g * sumD) / rows;
    const meanGN = (g * sumDN) / rows;
    const inv = inverseStd[j];
    for (let r = 0, k = j; r < rows; r++, k += N) dx[k] = inv * (dy[k] * g - meanG - normalized[k] * meanGN);
  }
}

function layerNormForward(input: Float32Array, stage: LayerNormStage, out: Float32Array, rows: number): void {
  const { width: N, epsilon, gamma, beta, normalized, inverseStd } = stage;
  for (let r = 0; r < rows; r++) {
    const o = r * N;
    let mean = 0;
    for (let j = 0; j < N; j++) mean += input[o + j];
    mean /= N;
    let variance = 0;
    for (let j = 0; j < N; j++) {
      const d = input[o + j] - mean;
      variance += d * d;
    }
    variance /= N;
    const inv = 1 / Math.sqrt(variance + epsilon);
    inverseStd[r] = inv;
    for (let j = 0; j < N; j++) {
      const n = (input[o + j] - mean) * inv;
      normalized[o + j] = n;
      out[o + j] = n * gamma[j] + beta[j];
    }
  }
}

/** Through the normalization, mean and variance included: dx = s (g - mean(g) - n mean(g n)), g = dy gamma. */
function layerNormBackward(stage: LayerNormStage, dy: Float32Array, dx: Float32Array | undefined, rows: number): void {
  const { width: N, gamma, normalized, inverseStd, gammaGrad, betaGrad } = stage;
  gammaGrad.fill(0);
  betaGrad.fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * N;
    let meanG = 0;
    let meanGN = 0;
    for (let j = 0; j < N; j++) {
      const d = dy[o + j];
      const n = normalized[o + j];
      gammaGrad[j] += d * n;
      betaGrad[j] += d;
      const g = d * gamma[j];
      meanG += g;
      meanGN += g * n;
    }
    if (!dx) continue;
    meanG /= N;
    meanGN /= N;
    const inv = inverseStd[r];
    for (let j = 0; j < N; j++) dx[o + j] = inv * (dy[o + j] * gamma[j] - meanG - normalized[o + j] * meanGN);
  }
}

function denseForward(input: Float32Array, stage: DenseStage, out: Float32Array, rows: number): void {
  const { inWidth: I, outWidth: J, kernel, bias } = stage;
  // Two rows and four outputs at a time, accumulated in registers: each kernel value loaded serves two
  // rows, and each output is stored once.
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = r * I;
    const x1 = x0 + I;
    const o0 = r * J;
    const o1 = o0 + J;
    let j = 0;
    for (; j + 4 <= J; j += 4) {
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0,
        b0 = 0,
        b1 = 0,
        b2 = 0,
        b3 = 0;
      for (let i = 0, k = j; i < I; i++, k += J) {
        const u = input[x0 + i];
        const v = input[x1 + i];
        const k0 = kernel[k],
          k1 = kernel[k + 1],
          k2 = kernel[k + 2],
          k3 = kernel[k + 3];
        a0 += u * k0;
        a1 += u * k1;
        a2 += u * k2;
        a3 += u * k3;
        b0 += v * k0;
        b1 += v * k1;
        b2 += v * k2;
        b3 += v * k3;
      }
      if (bias) {
        const c0 = bias[j],
          c1 = bias[j + 1],
          c2 = bias[j + 2],
          c3 = bias[j + 3];
        a0 += c0;
        a1 += c1;
        a2 += c2;
        a3 += c3;
        b0 += c0;
        b1 += c1;
        b2 += c2;
        b3 += c3;
      }
      out[o0 + j] = a0;
      out[o0 + j + 1] = a1;
      out[o0 + j + 2] = a2;
      out[o0 + j + 3] = a3;
      out[o1 + j] = b0;
      out[o1 + j + 1] = b1;
      out[o1 + j + 2] = b2;
      out[o1 + j + 3] = b3;
    }
    for (; j < J; j++) {
      let a = 0,
        b = 0;
      for (let i = 0, k = j; i < I; i++, k += J) {
        a += input[x0 + i] * kernel[k];
        b += input[x1 + i] * kernel[k];
      }
      out[o0 + j] = bias ? a + bias[j] : a;
      out[o1 + j] = bias ? b + bias[j] : b;
    }
  }
  for (; r < rows; r++) {
    const x0 = r * I;
    const o0 = r * J;
    for (let j = 0; j < J; j++) {
      let a = 0;
      for (let i = 0, k = j; i < I; i++, k += J) a += input[x0 + i] * kernel[k];
      out[o0 + j] = bias ? a + bias[j] : a;
    }
  }
}

function denseBackward(input: Float32Array, stage: DenseStage, dy: Float32Array, dx: Float32Array | undefined, rows: number): void {
  const { inWidth: I, outWidth: J, kernel, kernelGrad, biasGrad } = stage;
  // dW[i][j] = sum over rows of x[r][i] * dy[r][j]
  gemmTN(I, J, rows, input, 0, I, dy, 0, J, kernelGrad, 0, J);
  if (biasGrad) {
    for (let j = 0; j < J; j++) {
      let g = 0;
      for (let r = 0, d = j; r < rows; r++, d += J) g += dy[d];
      biasGrad[j] = g;
    }
  }
  // dx[r][i] = sum over j of dy[r][j] * W[i][j]
  if (dx) gemmNT(rows, I, J, dy, 0, J, kernel, 0, J, dx, 0, I, false);
}

/**
 * The mask tf.dropout draws for this seed: floor(u + keep) / keep, u from tf.randomUniform's stream
 * (alea.ts), each operation in float32, so a compiled run drops the same units as the TF.js run.
 */
function drawMask(stage: DropoutStage, rows: number): void {
  const n = rows * stage.width;
  const keep = Math.fround(1 - stage.rate);
  const scale = Math.fround(1 / keep);
  const uniform = new Alea(stage.masks.nextInt());
  const mask = stage.mask;
  for (let k = 0; k < n; k++) mask[k] = Math.floor(Math.fround(Math.fround(uniform.next()) + keep)) * scale;
}

/** Whether all `rows` rows of `width` values are bit-for-bit the first one. */
function rowsAllEqual(values: Float32Array, rows: number, width: number): boolean {
  const bits = new Uint32Array(values.buffer, values.byteOffset, rows * width);
  for (let r = 1; r < rows; r++) for (let i = 0, o = r * width; i < width; i++) if (bits[o + i] !== bits[i]) return false;
  return true;
}

/** `rows` copies of the first row of `source` in `target`. */
function repeatRow(source: Float32Array, width: number, rows: number, target: Float32Array): Float32Array {
  const first = source.subarray(0, width);
  for (let r = 0; r < rows; r++) target.set(first, r * width);
  return target;
}

/** Each column of the first `rows` rows summed into the first row. */
function sumRowsIntoFirst(values: Float32Array, rows: number, width: number): void {
  for (let j = 0; j < width; j++) {
    let total = values[j];
    for (let r = 1; r < rows; r++) total += values[r * width + j];
    values[j] = total;
  }
}

function gatherRows(source: Float32Array, width: number, indices: Int32Array, target: Float32Array): void {
  for (let r = 0; r < indices.length; r++) {
    const from = indices[r] * width;
    target.set(source.subarray(from, from + width), r * width);
  }
}

function penaltyOf(parameters: Parameter[]): number {
  let total = 0;
  for (const p of parameters) {
    if (p.l1 === 0 && p.l2 === 0) continue;
    let abs = 0;
    let square = 0;
    for (const v of p.values) {
      abs += Math.abs(v);
      square += v * v;
    }
    total += p.l1 * abs + p.l2 * square;
  }
  return total;
}

/**
 * [L2 norm, mean |value|] in one pass. Four running sums each: a single float64 sum is one long chain of
 * dependent additions, and these arrays (a wide layer's kernel) have millions of values.
 */
function gradientStats(values: Float32Array): [number, number] {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0;
  const n = values.length;
  const whole = n - (n % 4);
  for (let i = 0; i < whole; i += 4) {
    const v0 = values[i],
      v1 = values[i + 1],
      v2 = values[i + 2],
      v3 = values[i + 3];
    s0 += v0 * v0;
    s1 += v1 * v1;
    s2 += v2 * v2;
    s3 += v3 * v3;
    a0 += Math.abs(v0);
    a1 += Math.abs(v1);
    a2 += Math.abs(v2);
    a3 += Math.abs(v3);
  }
  for (let i = whole; i < n; i++) {
    s0 += values[i] * values[i];
    a0 += Math.abs(values[i]);
  }
  return [Math.sqrt(s0 + s1 + s2 + s3), n > 0 ? (a0 + a1 + a2 + a3) / n : Number.NaN];
}

/** [||now - before||, ||before||] in one pass, four running sums each (gradientStats). */
function motion(now: Float32Array, before: Float32Array): [number, number] {
  let m0 = 0,
    m1 = 0,
    m2 = 0,
    m3 = 0,
    b0 = 0,
    b1 = 0,
    b2 = 0,
    b3 = 0;
  const n = before.length;
  const whole = n - (n % 4);
  for (let i = 0; i < whole; i += 4) {
    const w0 = before[i],
      w1 = before[i + 1],
      w2 = before[i + 2],
      w3 = before[i + 3];
    const d0 = now[i] - w0,
      d1 = now[i + 1] - w1,
      d2 = now[i + 2] - w2,
      d3 = now[i + 3] - w3;
    m0 += d0 * d0;
    m1 += d1 * d1;
    m2 += d2 * d2;
    m3 += d3 * d3;
    b0 += w0 * w0;
    b1 += w1 * w1;
    b2 += w2 * w2;
    b3 += w3 * w3;
  }
  for (let i = whole; i < n; i++) {
    const d = now[i] - before[i];
    m0 += d * d;
    b0 += before[i] * before[i];
  }
  return [Math.sqrt(m0 + m1 + m2 + m3), Math.sqrt(b0 + b1 + b2 + b3)];
}

/** Trains the compiled model; the result has the shape and meaning of train.ts's. */
export function trainCompiled(model: CompiledModel, setup: CompiledSetup): TrainResult {
  const { rows, inputWidth, targetWidth } = setup;
  const batchSize = batchSizeFor(setup.batchSize, rows);
  // The largest pass of this run: a batch, the validation rows or the probe rows.
  const mostRows = Math.max(batchSize, setup.validation ? Math.min(setup.validation.rows, VALIDATION_ROWS) : 0, Math.min(rows, PROBE_ROWS));
  const optimizer: CompiledOptimizer = makeCompiledOptimizer(
    setup.optimizer,
    model.parameters.map((p) => p.values.length),
    model.parameterPlace(mostRows),
  );
  // the parameters live in the optimizer's store from here on: the update runs there without a copy, and
  // the matrix products read the kernels and write their gradients there too (same memory)
  model.moveParameters(optimizer.store.values, optimizer.store.grads);
  const layerNames = model.weighted.map((s) => s.built.spec.name);
  const probed = model.kernels;
  const healthLayers = probed.filter(
    (s): s is ActivatedStage =>
      (s.kind === 'dense' || s.kind === 'conv') &&
      s.built.activation !== 'linear' &&
      (DYING_ACTIVATIONS.has(s.built.activation) || HARD_SATURATING.has(s.built.activation)),
  );
  const readEvery = setup.probeEvery > 0 ? setup.probeEvery : READBACK_EVERY;
  const result: TrainResult = {
    loss: [],
    valLoss: [],
    probeSteps: [],
    activations: [],
    stepsRun: 0,
    cutByBudget: false,
    engine: 'compiled',
    kernels: probed.map((s) => ({ specIndex: s.built.specIndex, gradNorm: [], gradMeanAbs: [], updateRatio: [] })),
  };
  const batches = batchStream(rows, batchSize, setup.seed);
  const xb = new Float32Array(batchSize * inputWidth);
  const yb = new Float32Array(batchSize * targetWidth);
  const dOut = new Float32Array(Math.max(batchSize, VALIDATION_ROWS) * model.outputWidth);
  const kernelsBefore = probed.map((s) => new Float32Array(s.kernel.length));
  const probeRows = Math.min(rows, PROBE_ROWS);
  const values = model.parameters.map((p) => p.values);
  const gradSums = new Float64Array(layerNames.length);
  const weightSums = new Float64Array(layerNames.length);
  // what the probe forward pass reads: the parameters and batch normalization's moving averages
  const probeState = [...values, ...model.state];
  const healthSnapshot = { taken: false, values: healthLayers.length > 0 ? probeState.map((v) => new Float32Array(v.length)) : [] };
  // Every input row the same (the zeroed-input control): without dropout every row of a batch takes the
  // same path, so the pass runs on one row, and the backward pass takes the rows' output gradients summed
  // (the backward pass is linear in them). Same numbers up to the order of float sums, 1/batch the work.
  const sameRows = batchSize > 1 && !model.stages.some((s) => s.kind === 'dropout' || s.kind === 'batchNorm') && rowsAllEqual(setup.x, rows, inputWidth);
  const repeated = sameRows ? new Float32Array(batchSize * model.outputWidth) : new Float32Array(0);

  for (let step = 0; step < setup.steps; step++) {
    if (performance.now() > setup.deadline) {
      result.cutByBudget = true;
      break;
    }
    const isProbe = setup.probeEvery > 0 && (step % setup.probeEvery === 0 || step === setup.steps - 1);
    const isReadback = isProbe || (step + 1) % readEvery === 0 || step === setup.steps - 1;
    const learningRate = setup.schedule ? setup.schedule(step) : setup.learningRate;
    if (isProbe) probed.forEach((s, i) => kernelsBefore[i].set(s.kernel));

    const indices = batches.next();
    gatherRows(setup.x, inputWidth, indices, xb);
    gatherRows(setup.y, targetWidth, indices, yb);
    const forwardRows = sameRows ? 1 : batchSize;
    const output = model.forward(xb, forwardRows, true);
    const prediction = sameRows ? repeatRow(output, model.outputWidth, batchSize, repeated) : output;
    // float32, as TF.js computes it: a loss past float32's range is infinite on both paths
    const loss = Math.fround(
      lossAndGradient(setup.lossName, setup.fromLogits, prediction, yb, batchSize, model.outputWidth, dOut) + penaltyOf(model.parameters),
    );
    if (sameRows) sumRowsIntoFirst(dOut, batchSize, model.outputWidth);
    model.backward(xb, dOut, forwardRows);
    for (const p of model.parameters) {
      if (p.l1 === 0 && p.l2 === 0) continue;
      const { values, grad } = p;
      for (let k = 0; k < values.length; k++) grad[k] += p.l1 * Math.sign(values[k]) + 2 * p.l2 * values[k];
    }
    const stats = isProbe ? probed.map((s) => gradientStats(s.kernelGrad)) : [];
    // Decoupled weight decay before the update, as Keras 3 (and train.ts) apply it.
    const decay = setup.weightDecay * learningRate;
    if (decay > 0) {
      const factor = 1 - decay;
      for (const p of model.parameters) for (let k = 0; k < p.values.length; k++) p.values[k] *= factor;
    }
    optimizer.apply(learningRate);
    // Sums per layer, as train.ts reads them: a NaN or infinity anywhere makes its layer's sum non-finite.
    // The update pass summed each gradient and each updated tensor.
    gradSums.fill(0);
    weightSums.fill(0);
    model.parameters.forEach((p, i) => {
      gradSums[p.layer] += optimizer.store.gradientSum(i);
      weightSums[p.layer] += optimizer.store.weightSum(i);
    });

    result.loss.push(loss);
    result.stepsRun = step + 1;
    if (result.firstNonFinite === undefined) {
      const badGradient = gradSums.findIndex((s) => !Number.isFinite(Math.fround(s)));
      const badWeight = weightSums.findIndex((s) => !Number.isFinite(Math.fround(s)));
      if (!Number.isFinite(loss)) result.firstNonFinite = { step, where: 'loss' };
      else if (badGradient >= 0) result.firstNonFinite = { step, where: 'gradient', layer: layerNames[badGradient] };
      else if (badWeight >= 0) result.firstNonFinite = { step, where: 'weight', layer: layerNames[badWeight] };
      // Once the loss is not finite every later number is noise: stop at the first bad step.
      if (result.firstNonFinite !== undefined) {
        if (isProbe) recordProbe(result, model, setup, step, stats, kernelsBefore, probed, healthSnapshot);
        break;
      }
    }
    if (isProbe) recordProbe(result, model, setup, step, stats, kernelsBefore, probed, healthSnapshot);
    if (isReadback && setup.stopWhen?.(result.loss)) break;
  }
  // Activation health is that of the weights at the last probe step (as train.ts measures it there): the
  // weights were copied at each probe, and the forward pass over the probe rows runs once, on that copy.
  if (healthLayers.length > 0 && healthSnapshot.taken) {
    const current = probeState.map((v) => Float32Array.from(v));
    probeState.forEach((v, i) => v.set(healthSnapshot.values[i]));
    result.activations = activationHealth(model, setup.x, probeRows, healthLayers);
    probeState.forEach((v, i) => v.set(current[i]));
  }
  return result;
}

function recordProbe(
  result: TrainResult,
  model: CompiledModel,
  setup: CompiledSetup,
  step: number,
  stats: number[][],
  before: Float32Array[],
  probed: KernelStage[],
  healthSnapshot: { taken: boolean; values: Float32Array[] },
): void {
  result.probeSteps.push(step);
  probed.forEach((s, i) => {
    const k = result.kernels[i];
    k.gradNorm.push(stats[i][0]);
    k.gradMeanAbs.push(stats[i][1]);
    const [moved, was] = motion(s.kernel, before[i]);
    k.updateRatio.push(moved / Math.max(was, 1e-12));
  });
  if (setup.validation) {
    const { x, y, rows } = setup.validation;
    const n = Math.min(rows, VALIDATION_ROWS);
    const prediction = model.forward(x, n, false);
    result.valLoss.push(Math.fround(lossAndGradient(setup.lossName, setup.fromLogits, prediction, y, n, model.outputWidth) + penaltyOf(model.parameters)));
  }
  if (healthSnapshot.values.length > 0) {
    [...model.parameters.map((p) => p.values), ...model.state].forEach((v, i) => healthSnapshot.values[i].set(v));
    healthSnapshot.taken = true;
  }
}

/** Dead and saturated units on the probe rows, from each dense layer's pre-activation (probes.ts's rules). */
function activationHealth(model: CompiledModel, x: Float32Array, batchRows: number, layers: ActivatedStage[]): ActivationHealth[] {
  const health: ActivationHealth[] = [];
  model.forward(x, batchRows, false, (stage, pre) => {
    if (!layers.includes(stage)) return;
    // per unit (channel, for a convolution) over every row and position, as probes.ts reshapes to [-1, units]
    const units = stage.kind === 'dense' ? stage.outWidth : stage.outShape[2];
    const rows = stage.kind === 'dense' ? batchRows : batchRows * stage.outShape[0] * stage.outShape[1];
    let flagged = 0;
    const relu = DYING_ACTIVATIONS.has(stage.built.activation);
    for (let j = 0; j < units; j++) {
      if (relu) {
        // tf.max propagates NaN (and NaN <= 0 is false): a NaN unit does not count as dead, as in probes.ts
        let max = -Infinity;
        for (let r = 0; r < rows; r++) {
          const v = pre[r * units + j];
          if (v > max || Number.isNaN(v)) max = v;
          if (Number.isNaN(v)) break;
        }
        if (max <= 0) flagged++;
      } else {
        let tails = 0;
        for (let r = 0; r < rows; r++) if (Math.abs(pre[r * units + j]) > SATURATION_THRESHOLD) tails++;
        if (tails / rows > SATURATED_SHARE) flagged++;
      }
    }
    const fraction = flagged / units;
    health.push(relu ? { specIndex: stage.built.specIndex, deadFraction: fraction } : { specIndex: stage.built.specIndex, saturatedFraction: fraction });
  });
  return health;
}
