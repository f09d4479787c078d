// tfjs-backend-wasm 4.22.0 multiplies fast (XNNPACK) only without transposes; with transposeA or
// transposeB it falls back to a plain loop: 37 ms against 2 ms for a 256x256 product, and 126 us
// against 33 us for the 64x32x32 weight gradient of a small MLP (bench/kernels.ts). Backprop through
// every dense layer asks for transposed products, so this wrapper transposes the operand explicitly
// with the WASM Transpose kernel and runs the built-in plain product. Below about 16k multiply-adds
// the extra transpose costs more than it saves, so tiny products keep the built-in path.
// A product a . b^T whose b is the larger operand (the input gradient dy . W^T of a wide dense layer)
// is computed as (b . a^T)^T instead: XNNPACK packs its second operand afresh for every new tensor, and
// the weights change every step, so transposing and packing the 1024x1024 W cost 30 ms where
// transposing the 32-row a and the 32-column result costs 4 ms (each sum is over k in the same order,
// so the values are the same).

import { BatchMatMul, getKernel, Transpose, type BatchMatMulAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend } from './wasmData.ts';

/** Multiply-adds below which the built-in transposed loop is as fast as transposing first. */
export const EXPLICIT_TRANSPOSE_MIN_WORK = 1 << 14;

/** batch x M x K x N: every element of `a` meets each of the N output columns once. */
function multiplyAdds(a: TensorInfo, b: TensorInfo, transposeB: boolean): number {
  const bRank = b.shape.length;
  const outputColumns = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  return a.shape.reduce((x, y) => x * y, 1) * outputColumns;
}

/** Whether a . b^T is cheaper as (b . a^T)^T: no batch, and a (plus the result) smaller than b. */
export function swapsOperands(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): boolean {
  if (transposeA || !transposeB) return false;
  const batch = (t: TensorInfo) => t.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (batch(a) !== 1 || batch(b) !== 1 || a.shape.length !== b.shape.length) return false;
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 2];
  return m * (k + n) < n * k;
}

/** Wraps the built-in kernel; keeps its setupFunc, which binds the WASM function on backend init. */
export function transposingBatchMatMulConfig(builtIn: KernelConfig): KernelConfig {
  const multiply = builtIn.kernelFunc;
  const kernelFunc = ((args) => {
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if ((!transposeA && !transposeB) || multiplyAdds(a, b, transposeB) < EXPLICIT_TRANSPOSE_MIN_WORK) return multiply(args);
    const backend = asWasmBackend(args.backend);
    const transposer = getKernel(Transpose, 'wasm');
    if (transposer === undefined) return multiply(args);
    const swapLastTwo = (tensor: TensorInfo): TensorInfo => {
      const perm = tensor.shape.map((_, i) => i);
      const last = perm.length - 1;
      [perm[last - 1], perm[last]] = [perm[last], perm[last - 1]];
      return transposer.kernelFunc({ inputs: { x: tensor }, backend: args.backend, attrs: { perm } }) as TensorInfo;
    };
    if (swapsOperands(a, b, transposeA, transposeB)) {
      const aT = swapLastTwo(a);
      let outT: TensorInfo | undefined;
      try {
        outT = multiply({ ...args, inputs: { a: b, b: aT }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
        return swapLastTwo(outT);
      } finally {
        backend.disposeData(aT.dataId);
        if (outT) backend.disposeData(outT.dataId);
      }
    }
    const plainA = transposeA ? swapLastTwo(a) : a;
    const plainB = transposeB ? swapLastTwo(b) : b;
    try {
      return multiply({ ...args, inputs: { a: plainA, b: plainB }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      if (plainA !== a) backend.disposeData(plainA.dataId);
      if (plainB !== b) backend.disposeData(plainB.dataId);
    }
  }) as KernelFunc;
  return { ...builtIn, kernelName: BatchMatMul, backendName: 'wasm', kernelFunc };
}
