// Moving data between the WASM heap and JS typed arrays, so gradient kernels the WASM
// backend lacks can be written as plain loops and, where it pays, hand heavy work back to WASM.

import { getKernel, type DataType, type TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of the WASM backend (tfjs-backend-wasm 4.22.0 `BackendWasm`) these kernels use. */
export interface WasmBackendLike {
  readSync(dataId: object): unknown;
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: Float32Array | Int32Array): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

export function asWasmBackend(backend: unknown): WasmBackendLike {
  const candidate = backend as Partial<WasmBackendLike> | null;
  if (
    candidate === null ||
    typeof candidate.readSync !== 'function' ||
    typeof candidate.makeOutput !== 'function' ||
    typeof candidate.disposeData !== 'function'
  ) {
    throw new Error('these kernels need the tfjs WASM backend (readSync, makeOutput, disposeData)');
  }
  return candidate as WasmBackendLike;
}

/** A copy of the tensor's values as float32, whatever its stored dtype. */
export function readFloats(backend: WasmBackendLike, tensor: TensorInfo): Float32Array {
  const values = backend.readSync(tensor.dataId);
  if (values instanceof Float32Array) return values;
  if (values instanceof Int32Array || values instanceof Uint8Array) return Float32Array.from(values);
  throw new Error(`cannot read a ${tensor.dtype} tensor as numbers`);
}

export function readInts(backend: WasmBackendLike, tensor: TensorInfo): Int32Array {
  const values = backend.readSync(tensor.dataId);
  if (values instanceof Int32Array) return values;
  if (values instanceof Float32Array || values instanceof Uint8Array) return Int32Array.from(values);
  throw new Error(`cannot read a ${tensor.dtype} tensor as integers`);
}

export function writeFloats(backend: WasmBackendLike, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeOutput(shape, 'float32', undefined, values);
}

/**
 * C[m,n] = A[m,k] * B[k,n] by the WASM backend's own BatchMatMul, which runs XNNPACK with SIMD:
 * far faster than a JS triple loop. Callers lay out A and B so that no transpose is needed.
 */
export function wasmMatMul(backend: WasmBackendLike, a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const kernel = getKernel('BatchMatMul', 'wasm');
  if (kernel === undefined) throw new Error("the WASM backend has no 'BatchMatMul' kernel");
  const aInfo = writeFloats(backend, [1, m, k], a);
  const bInfo = writeFloats(backend, [1, k, n], b);
  try {
    const product = kernel.kernelFunc({
      inputs: { a: aInfo, b: bInfo },
      backend: backend as object,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    const values = readFloats(backend, product);
    backend.disposeData(product.dataId);
    return values;
  } finally {
    backend.disposeData(aInfo.dataId);
    backend.disposeData(bInfo.dataId);
  }
}
