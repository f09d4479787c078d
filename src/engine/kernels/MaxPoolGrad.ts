// Input gradient of 2D max pooling (used by max_pooling1d and max_pooling2d layers).
// Replaces tfjs-backend-wasm 4.22.0's own MaxPoolGrad, which drops the gradient of some windows
// (for example the third of four 2-wide windows over 8 values; test/engine/kernels.test.ts
// shows it). Each window's gradient goes to its first maximum, as on the cpu backend.

import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend, readFloats, writeFloats } from './wasmData.ts';

const maxPoolGrad = (({ inputs, backend: anyBackend, attrs }) => {
  const backend = asWasmBackend(anyBackend);
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const xValues = readFloats(backend, input);
  const dyValues = readFloats(backend, dy);
  const { inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const dx = new Float32Array(xValues.length);

  for (let b = 0; b < info.batchSize; b++) {
    for (let r = 0; r < outHeight; r++) {
      const rowStart = Math.max(0, r * info.strideHeight - info.padInfo.top);
      const rowEnd = Math.min(inHeight, r * info.strideHeight - info.padInfo.top + info.effectiveFilterHeight);
      for (let c = 0; c < outWidth; c++) {
        const colStart = Math.max(0, c * info.strideWidth - info.padInfo.left);
        const colEnd = Math.min(inWidth, c * info.strideWidth - info.padInfo.left + info.effectiveFilterWidth);
        const dyBase = ((b * outHeight + r) * outWidth + c) * channels;
        for (let ch = 0; ch < channels; ch++) {
          let maxValue = Number.NEGATIVE_INFINITY;
          let maxIndex = -1;
          for (let inRow = rowStart; inRow < rowEnd; inRow++) {
            for (let inCol = colStart; inCol < colEnd; inCol++) {
              const index = ((b * inHeight + inRow) * inWidth + inCol) * channels + ch;
              if (xValues[index] > maxValue) {
                maxValue = xValues[index];
                maxIndex = index;
              }
            }
          }
          // A window of only NaN (or empty) has no maximum and passes no gradient, as on cpu.
          if (maxIndex >= 0) dx[maxIndex] += dyValues[dyBase + ch];
        }
      }
    }
  }
  return writeFloats(backend, [...input.shape], dx);
}) as KernelFunc;

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
