// Training kernels for the WASM backend: ones tfjs-backend-wasm 4.22.0 lacks, one (MaxPoolGrad) whose
// built-in version computes wrong gradients, and faster versions of two it has (Conv2DBackpropInput,
// BatchMatMul with transposes). Registered once so every layer type trains on wasm.

import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { transposingBatchMatMulConfig } from './BatchMatMul.ts';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter.ts';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput.ts';
import { maxPoolGradConfig } from './MaxPoolGrad.ts';
import { unsortedSegmentSumConfig } from './UnsortedSegmentSum.ts';

export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  maxPoolGradConfig,
  unsortedSegmentSumConfig,
];

/** Idempotent. Ours replace any built-in of the same name: they are the versions the tests check. */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const current = getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
  wrapBatchMatMul();
}

let batchMatMulWrapper: KernelConfig | undefined;

function wrapBatchMatMul(): void {
  const current = getKernel('BatchMatMul', 'wasm');
  if (current === undefined || current.kernelFunc === batchMatMulWrapper?.kernelFunc) return;
  batchMatMulWrapper = transposingBatchMatMulConfig(current);
  unregisterKernel('BatchMatMul', 'wasm');
  registerKernel(batchMatMulWrapper);
}
