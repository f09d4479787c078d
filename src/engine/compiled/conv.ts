// Convolutions and pooling of the compiled step, over NHWC rows (channels last, as TF.js lays them out).
// A convolution is im2col + one matrix product in WebAssembly SIMD (gemm.ts): forward out = col W, filter
// gradient dW = col^T dy (col kept from the forward pass), input gradient dcol = dy W^T scattered back by
// col2im. relu and max pooling (channels in fours) run in WebAssembly too, with the JS loops' semantics bit
// for bit (they are most of what is left of a step on the large maps after a convolution); average and
// global average pooling, and max pooling over other channel counts, are plain JS.
import type { BuiltLayer } from '../build-model.ts';
import { GemmWorkspace } from './gemm.ts';

export interface WindowGeometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
}

/** Output size and padding of a 2-D window (convolution or pooling), as TensorFlow computes them. */
export function windowGeometry(shape: number[], size: number[] | undefined, strides: number[], padding: 'valid' | 'same'): WindowGeometry | undefined {
  if (!size || size.length === 0) return undefined;
  const [h, w] = shape;
  const kh = size[0];
  const kw = size[1] ?? size[0];
  const sh = strides[0] ?? 1;
  const sw = strides[1] ?? sh;
  if (!(kh > 0 && kw > 0 && sh > 0 && sw > 0)) return undefined;
  if (padding === 'valid') {
    const outH = Math.ceil((h - kh + 1) / sh);
    const outW = Math.ceil((w - kw + 1) / sw);
    return outH > 0 && outW > 0 ? { kh, kw, sh, sw, outH, outW, padTop: 0, padLeft: 0 } : undefined;
  }
  const outH = Math.ceil(h / sh);
  const outW = Math.ceil(w / sw);
  const padH = Math.max((outH - 1) * sh + kh - h, 0);
  const padW = Math.max((outW - 1) * sw + kw - w, 0);
  return { kh, kw, sh, sw, outH, outW, padTop: Math.floor(padH / 2), padLeft: Math.floor(padW / 2) };
}

/** Keras Conv2D over NHWC rows, kernel [kh, kw, in channels, filters] as TF.js stores it. */
export interface ConvStage {
  kind: 'conv';
  built: BuiltLayer;
  inShape: number[];
  outShape: number[];
  geometry: WindowGeometry;
  kernel: Float32Array;
  bias?: Float32Array;
  kernelGrad: Float32Array;
  biasGrad?: Float32Array;
  width: number;
}

/**
 * Keras MaxPooling2D / AveragePooling2D (`mode`), or GlobalAveragePooling2D (`global`: the window is the
 * whole image, the output flat). Max pooling keeps the position of each window's maximum for the backward pass.
 */
export interface PoolStage {
  kind: 'pool';
  mode: 'max' | 'average';
  inShape: number[];
  outShape: number[];
  geometry: WindowGeometry;
  argmax: Int32Array;
  width: number;
}

/** The pooling stage of a max_pooling2d, average_pooling2d or global_average_pooling2d layer on `shape`. */
export function poolStage(
  type: string,
  shape: number[],
  poolSize: number[] | undefined,
  strides: number[] | undefined,
  padding: 'valid' | 'same' | undefined,
): PoolStage | undefined {
  const mode = type === 'max_pooling2d' ? 'max' : 'average';
  const geometry =
    type === 'global_average_pooling2d'
      ? windowGeometry(shape, [shape[0], shape[1]], [1], 'valid')
      : windowGeometry(shape, poolSize ?? [2], strides ?? poolSize ?? [2], padding ?? 'valid');
  if (!geometry || shape.length !== 3) return undefined;
  const outShape = [geometry.outH, geometry.outW, shape[2]];
  return { kind: 'pool', mode, inShape: shape, outShape, geometry, argmax: new Int32Array(0), width: outShape[0] * outShape[1] * outShape[2] };
}

/**
 * Whether an average pooling's windows reach past the image ('same' padding). TF.js's forward pass divides
 * by the positions inside the image there, its gradient (AvgPoolGrad) by the whole window: the compiled step
 * leaves such a layer to TF.js rather than train it differently.
 */
export function averageWindowsCut(stage: PoolStage): boolean {
  if (stage.mode !== 'average') return false;
  const [h, w] = stage.inShape;
  const { kh, kw, sh, sw, outH, outW, padTop, padLeft } = stage.geometry;
  return padTop > 0 || padLeft > 0 || (outH - 1) * sh + kh > h || (outW - 1) * sw + kw > w;
}

const FLOAT = 4;

/** What the matrix kernels need of a dense stage (compiled-step.ts's DenseStage). */
export interface DenseMatrix {
  kind: 'dense';
  inWidth: number;
  outWidth: number;
  kernel: Float32Array;
  bias?: Float32Array;
  kernelGrad: Float32Array;
  biasGrad?: Float32Array;
}

type MatrixStage = ConvStage | DenseMatrix;

/**
 * Dense layers with at least this many weights run as WebAssembly matrix products too; smaller ones stay
 * in compiled-step.ts's JS loops, which have no call and copy overhead (the regression-clean MLP's largest
 * layer has 2,048 weights).
 */
export const DENSE_GEMM_MIN_WEIGHTS = 4096;

/**
 * A separate bias pass costs, per output, about this many copied kernel floats (scalar JS against a
 * memory copy): the product carries the bias when positions x this exceeds the terms (foldsBias).
 */
const BIAS_PASS_COST = 10;

/** A layer as one product: (positions x terms) input matrix times the (terms x outputs) kernel. */
function dimensions(stage: MatrixStage, rows: number): { positions: number; terms: number; outputs: number } {
  if (stage.kind === 'dense') return { positions: rows, terms: stage.inWidth, outputs: stage.outWidth };
  return {
    positions: rows * stage.outShape[0] * stage.outShape[1],
    terms: stage.geometry.kh * stage.geometry.kw * stage.inShape[2],
    outputs: stage.outShape[2],
  };
}

/**
 * The convolutions (and large dense layers) of one model over one WebAssembly memory. Per layer the memory
 * holds its input matrix (im2col for a convolution) and its kernel, both as the forward pass copied them
 * in, for the backward pass; the layers share the rest: kernel gradient, transposed kernel, output or
 * output gradient, input-matrix gradient.
 */
export class MatrixKernels {
  private readonly workspace = new GemmWorkspace();
  private rows = 0;
  private readonly colAt = new Map<MatrixStage, number>();
  /** per layer: its kernel with the bias as a last row, as the forward pass copied it in (the backward pass reads it there) */
  private readonly weightsAt = new Map<MatrixStage, number>();
  private kernelAt = 0;
  private kernelTAt = 0;
  private productAt = 0;
  private dColAt = 0;
  private dyTAt = 0;
  private dColTAt = 0;
  private end = 0;
  /** where the parameter store begins, once placed: the workspace stays below it */
  private sealedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly stages: MatrixStage[]) {}

  has(stage: MatrixStage): boolean {
    return this.stages.includes(stage);
  }

  private layout(rows: number): void {
    if (rows <= this.rows) return;
    this.rows = rows;
    let at = 0;
    const take = (floats: number) => {
      const start = at;
      at += Math.ceil(floats / 4) * 4 * FLOAT;
      return start;
    };
    let kernel = 0,
      product = 0,
      col = 0;
    for (const s of this.stages) {
      const { positions, terms, outputs } = dimensions(s, rows);
      this.colAt.set(s, take(positions * (terms + 1)));
      this.weightsAt.set(s, take((terms + 1) * outputs));
      kernel = Math.max(kernel, (terms + 1) * outputs);
      product = Math.max(product, positions * outputs);
      col = Math.max(col, positions * terms);
    }
    this.kernelAt = take(kernel);
    this.kernelTAt = take(kernel);
    this.productAt = take(product);
    this.dyTAt = take(product);
    this.dColAt = take(col);
    this.dColTAt = take(col);
    this.end = at;
    this.reserve(at);
  }

  /**
   * Sizes the memory, once, for passes of up to `rows` rows over values up to `width` wide, and returns the
   * place after it, where the optimizer's store (the parameters, their gradients and the optimizer state)
   * then goes: the products read the kernels and write the kernel gradients there, with no copy. The
   * memory never grows again, so the store's views stay valid; a pass larger than this is a bug and throws.
   */
  parameterPlace(rows: number, width: number): { memory: WebAssembly.Memory; at: number } {
    this.layout(rows);
    // the largest scratch a relu, pooling or col2im pass takes: three arrays of rows x width
    const end = this.end + Math.ceil((3 * rows * width) / 4) * 4 * FLOAT;
    this.reserve(end);
    this.sealedAt = end;
    return { memory: this.workspace.memory, at: end };
  }

  /** Grows the memory to `bytes` unless a store sits after `sealedAt`. */
  private reserve(bytes: number): void {
    if (bytes > this.sealedAt) throw new Error(`the compiled step's WebAssembly memory was sized for less (${bytes} > ${this.sealedAt} bytes)`);
    this.workspace.reserve(bytes);
  }

  /** y = relu(x) over n values, as math.ts computes it, in WebAssembly (the large maps after convolutions). */
  relu(x: Float32Array, y: Float32Array, n: number): void {
    const at = this.scratch(2 * n);
    const ws = this.workspace;
    ws.floats(at, n).set(x.subarray(0, n));
    const whole = n - (n % 4);
    ws.reluForwardAt(at, at + n * FLOAT, at + whole * FLOAT);
    y.set(ws.floats(at + n * FLOAT, n));
    for (let i = whole; i < n; i++) {
      const v = x[i];
      y[i] = v > 0 ? v : 0;
    }
  }

  /** dx = x > 0 ? dy : 0 over n values, as math.ts computes it. */
  reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, n: number): void {
    const at = this.scratch(3 * n);
    const ws = this.workspace;
    ws.floats(at, n).set(x.subarray(0, n));
    ws.floats(at + n * FLOAT, n).set(dy.subarray(0, n));
    const whole = n - (n % 4);
    ws.reluBackwardAt(at, at + n * FLOAT, at + 2 * n * FLOAT, at + whole * FLOAT);
    dx.set(ws.floats(at + 2 * n * FLOAT, n));
    for (let i = whole; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  }

  /** poolForward, in WebAssembly for max pooling over channels in fours; false when it cannot take the stage. */
  maxPool(input: Float32Array, stage: PoolStage, out: Float32Array, rows: number): boolean {
    const [H, W, C] = stage.inShape;
    if (stage.mode !== 'max' || C % 4 !== 0) return false;
    const n = rows * H * W * C;
    const m = rows * stage.width;
    const at = this.scratch(n + 2 * m);
    const ws = this.workspace;
    ws.floats(at, n).set(input.subarray(0, n));
    const { kh, kw, sh, sw, padTop, padLeft, outH, outW } = stage.geometry;
    ws.maxPoolAt(at, at + n * FLOAT, at + (n + m) * FLOAT, rows, H, W, C, outH, outW, kh, kw, sh, sw, padTop, padLeft);
    out.set(ws.floats(at + n * FLOAT, m));
    stage.argmax.set(new Int32Array(ws.memory.buffer, at + (n + m) * FLOAT, m));
    return true;
  }

  /**
   * im2col of `image` into the columns at colAt (row stride `stride`, the bias's 1 after the terms when it
   * leaves room), or (adjoint) col2im of those columns into `image`, in WebAssembly.
   */
  private columns(adjoint: boolean, image: Float32Array, stage: ConvStage, colAt: number, stride: number, rows: number): void {
    const [H, W, C] = stage.inShape;
    const n = rows * H * W * C;
    const at = this.scratch(n);
    const view = this.workspace.floats(at, n);
    if (adjoint) view.fill(0);
    else view.set(image.subarray(0, n));
    const { kh, kw, sh, sw, padTop, padLeft, outH, outW } = stage.geometry;
    const run = (adjoint ? this.workspace.col2imAt : this.workspace.im2colAt)[C % 4 === 0 ? 1 : 0];
    run(at, colAt, rows, H, W, C, outH, outW, kh, kw, sh, sw, padTop, padLeft, stride);
    if (adjoint) image.set(view);
  }

  /** Byte offset of `floats` free floats after the layout (growing the memory when needed). */
  private scratch(floats: number): number {
    this.reserve(this.end + floats * FLOAT);
    return this.end;
  }

  /**
   * Byte offset of `values` when it lives in this memory (the parameters, once the optimizer's store is
   * placed here: parameterPlace), else of a copy made at `copyAt`.
   */
  private inMemory(values: Float32Array, copyAt: number): number {
    if (values.buffer === this.workspace.memory.buffer) return values.byteOffset;
    this.workspace.floats(copyAt, values.length).set(values);
    return copyAt;
  }

  /**
   * Whether the product carries the bias: a last column of ones in the input matrix and the bias as a last
   * row of a kernel copy, so the product adds it last, as a separate pass would, and the kernel gradient's
   * last row is the bias gradient. Worth it where the outputs are many beside the kernel (a convolution's
   * every pixel): separate passes would add the bias and sum its gradient over every output in JS. A wide
   * dense layer's kernel is its largest array and its outputs a batch of rows: it is read and its gradient
   * written in place (the store's memory), and the bias goes in separate passes. Same bits either way.
   */
  private foldsBias(stage: MatrixStage, positions: number, terms: number): boolean {
    return stage.bias !== undefined && BIAS_PASS_COST * positions > terms;
  }

  /** out = layer(input) + bias over `rows` rows (images, for a convolution). */
  forward(input: Float32Array, stage: MatrixStage, out: Float32Array, rows: number): void {
    this.layout(rows);
    const ws = this.workspace;
    const { positions, terms, outputs: F } = dimensions(stage, rows);
    const folded = this.foldsBias(stage, positions, terms);
    const stride = folded ? terms + 1 : terms;
    const colAt = this.colAt.get(stage)!;
    if (stage.kind === 'conv') {
      this.columns(false, input, stage, colAt, stride, rows);
    } else {
      const col = ws.floats(colAt, positions * stride);
      if (stride === terms) col.set(input.subarray(0, positions * terms));
      else
        for (let r = 0; r < positions; r++) {
          col.set(input.subarray(r * terms, (r + 1) * terms), r * stride);
          col[r * stride + terms] = 1;
        }
    }
    const weightsAt = this.weightsAt.get(stage)!;
    let kernelAt: number;
    if (folded) {
      const kernel = ws.floats(weightsAt, stride * F);
      kernel.set(stage.kernel);
      kernel.set(stage.bias!, terms * F);
      kernelAt = weightsAt;
    } else {
      kernelAt = this.inMemory(stage.kernel, weightsAt);
    }
    ws.gemm(positions, F, stride, colAt, stride * FLOAT, FLOAT, kernelAt, F * FLOAT, this.productAt, F * FLOAT, false);
    out.set(ws.floats(this.productAt, positions * F));
    // the bias added to each sum, as TF.js adds it (one float32 addition after the sum)
    const bias = stage.bias;
    if (bias && !folded) for (let p = 0, o = 0; p < positions; p++, o += F) for (let f = 0; f < F; f++) out[o + f] += bias[f];
  }

  /** Kernel and bias gradients from dy and the last forward pass's input; dx (with that pass's kernel) when asked. */
  backward(stage: MatrixStage, dy: Float32Array, dx: Float32Array | undefined, rows: number): void {
    this.layout(rows);
    const ws = this.workspace;
    const { positions, terms, outputs: F } = dimensions(stage, rows);
    const folded = this.foldsBias(stage, positions, terms);
    const stride = folded ? terms + 1 : terms;
    const colAt = this.colAt.get(stage)!;
    ws.floats(this.productAt, positions * F).set(dy.subarray(0, positions * F));
    // [dW; db] (stride x F) = col^T dy: A's rows are col's columns (stride one float), its terms col's rows;
    // written straight into the gradient when it lives in this memory (and has no bias row)
    const gradInMemory = !folded && stage.kernelGrad.buffer === ws.memory.buffer;
    const gradAt = gradInMemory ? stage.kernelGrad.byteOffset : this.kernelAt;
    ws.gemm(stride, F, positions, colAt, FLOAT, stride * FLOAT, this.productAt, F * FLOAT, gradAt, F * FLOAT, false);
    if (!gradInMemory) stage.kernelGrad.set(ws.floats(this.kernelAt, terms * F));
    const biasGrad = stage.biasGrad;
    if (biasGrad && folded) biasGrad.set(ws.floats(this.kernelAt + terms * F * FLOAT, F));
    else if (biasGrad) {
      // the sum of dy over positions, in float32 in position order (the product's order for a ones column)
      biasGrad.fill(0, 0, F);
      for (let p = 0, o = 0; p < positions; p++, o += F) for (let f = 0; f < F; f++) biasGrad[f] += dy[o + f];
    }
    if (!dx) return;
    // dcol = dy W^T. The product reads its B operand by rows, so one side must be transposed: the kernel
    // (small for a convolution), or else dy and the result (a wide dense layer's kernel is the largest
    // array of the step, its dy only a batch of rows). Either way each output sums f = 0, 1, ... with the
    // same products, so both give the same bits.
    if (terms * F <= positions * (terms + F)) {
      const kernelT = ws.floats(this.kernelTAt, F * terms);
      const kernel = stage.kernel;
      for (let t = 0; t < terms; t++) for (let f = 0; f < F; f++) kernelT[f * terms + t] = kernel[t * F + f];
      ws.gemm(positions, terms, F, this.productAt, F * FLOAT, FLOAT, this.kernelTAt, terms * FLOAT, this.dColAt, terms * FLOAT, false);
      if (stage.kind === 'conv') this.columns(true, dx, stage, this.dColAt, terms, rows);
      else dx.set(ws.floats(this.dColAt, positions * terms));
      return;
    }
    // dcol^T (terms x positions) = W (terms x F) dy^T (F x positions), W where the forward pass read it
    transposeInto(dy, positions, F, ws.floats(this.dyTAt, F * positions));
    const kernelAt = !folded && stage.kernel.buffer === ws.memory.buffer ? stage.kernel.byteOffset : this.weightsAt.get(stage)!;
    ws.gemm(terms, positions, F, kernelAt, F * FLOAT, FLOAT, this.dyTAt, positions * FLOAT, this.dColAt, positions * FLOAT, false);
    const dColT = ws.floats(this.dColAt, terms * positions);
    if (stage.kind === 'conv') {
      const dCol = ws.floats(this.dColTAt, positions * terms);
      transposeInto(dColT, terms, positions, dCol);
      this.columns(true, dx, stage, this.dColTAt, terms, rows);
    } else {
      transposeInto(dColT, terms, positions, dx);
    }
  }
}

/** target (cols x rows) = the transpose of source (rows x cols), in tiles that stay in the cache. */
function transposeInto(source: Float32Array, rows: number, cols: number, target: Float32Array): void {
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) target[c * rows + r] = source[r * cols + c];
    }
  }
}

/**
 * Max or average over each window. Max: positions outside the input ('same' padding) take no part, the
 * first maximum in row-major window order wins, a NaN wins over numbers (as TF.js). Average: the mean of
 * the window's positions inside the input.
 */
export function poolForward(input: Float32Array, stage: PoolStage, out: Float32Array, rows: number): void {
  const [H, W, C] = stage.inShape;
  const [OH, OW] = stage.outShape;
  const { kh, kw, sh, sw, padTop, padLeft } = stage.geometry;
  const argmax = stage.argmax;
  const max = stage.mode === 'max';
  for (let b = 0; b < rows; b++) {
    const inBase = b * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(oy * sh - padTop, 0);
      const y1 = Math.min(oy * sh - padTop + kh, H);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = Math.max(ox * sw - padLeft, 0);
        const x1 = Math.min(ox * sw - padLeft + kw, W);
        const o = ((b * OH + oy) * OW + ox) * C;
        if (max) {
          // per channel, the window in registers: one store of the value and its position
          for (let c = 0; c < C; c++) {
            let best = 0;
            let at = -1;
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0, i = inBase + (iy * W + x0) * C + c; ix < x1; ix++, i += C) {
                const v = input[i];
                if (at < 0 || v > best || (v !== v && best === best)) {
                  best = v;
                  at = i;
                }
              }
            }
            out[o + c] = best;
            argmax[o + c] = at;
          }
        } else {
          for (let c = 0; c < C; c++) out[o + c] = 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const at = inBase + (iy * W + ix) * C;
              for (let c = 0; c < C; c++) out[o + c] += input[at + c];
            }
          }
          const count = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < C; c++) out[o + c] /= count;
        }
      }
    }
  }
}

/** Max: each output's gradient goes to the position of its maximum. Average: spread evenly over its window. */
export function poolBackward(stage: PoolStage, dy: Float32Array, dx: Float32Array, rows: number): void {
  const [H, W, C] = stage.inShape;
  dx.fill(0, 0, rows * H * W * C);
  if (stage.mode === 'max') {
    const n = rows * stage.width;
    const argmax = stage.argmax;
    for (let k = 0; k < n; k++) dx[argmax[k]] += dy[k];
    return;
  }
  const [OH, OW] = stage.outShape;
  const { kh, kw, sh, sw, padTop, padLeft } = stage.geometry;
  for (let b = 0; b < rows; b++) {
    const inBase = b * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const y0 = Math.max(oy * sh - padTop, 0);
      const y1 = Math.min(oy * sh - padTop + kh, H);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = Math.max(ox * sw - padLeft, 0);
        const x1 = Math.min(ox * sw - padLeft + kw, W);
        const o = ((b * OH + oy) * OW + ox) * C;
        const share = 1 / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const at = inBase + (iy * W + ix) * C;
            for (let c = 0; c < C; c++) dx[at + c] += dy[o + c] * share;
          }
        }
      }
    }
  }
}
