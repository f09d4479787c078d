// Filter gradient of conv2d (used by conv1d and conv2d layers), which tfjs-backend-wasm 4.22.0 lacks.
// Unrolls input patches (im2col) in JS and lets the WASM backend's SIMD matMul do the
// multiply-adds: dW[k, co] = sum over output positions p of patch[k, p] * dy[p, co].

import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convLayout, gatherOutputRows, MAX_PATCH_FLOATS, outputPosition } from './convLayout.ts';
import { asWasmBackend, readFloats, wasmMatMul, writeFloats, type WasmBackendLike } from './wasmData.ts';

const conv2DBackpropFilterKernel = (({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  return conv2DBackpropFilter(asWasmBackend(backend), x, dy, attrs as unknown as Conv2DBackpropFilterAttrs);
}) as KernelFunc;

/** `maxPatchFloats` bounds the unrolled patches held at once; inputs needing more are done in chunks. */
export function conv2DBackpropFilter(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
  maxPatchFloats = MAX_PATCH_FLOATS,
): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const channelsLast = info.dataFormat === 'channelsLast';
  const xLayout = convLayout(channelsLast, info.inHeight, info.inWidth, info.inChannels);
  const dyLayout = convLayout(channelsLast, info.outHeight, info.outWidth, info.outChannels);
  const xValues = readFloats(backend, x);
  const dyValues = readFloats(backend, dy);

  const patchSize = info.filterHeight * info.filterWidth * info.inChannels;
  const outChannels = info.outChannels;
  const positionsPerImage = info.outHeight * info.outWidth;
  const totalPositions = info.batchSize * positionsPerImage;
  const chunkPositions = Math.max(1, Math.min(totalPositions, Math.floor(maxPatchFloats / patchSize)));
  const gradient = new Float32Array(patchSize * outChannels);

  for (let start = 0; start < totalPositions; start += chunkPositions) {
    const count = Math.min(chunkPositions, totalPositions - start);
    // patches[k * count + i]: patch element k of output position start + i, zero where it falls in padding.
    const patches = new Float32Array(patchSize * count);
    const dyRows = gatherOutputRows(dyValues, dyLayout, start, count, info);
    for (let i = 0; i < count; i++) {
      const { b, outRow, outCol } = outputPosition(start + i, info);
      let k = 0;
      for (let fr = 0; fr < info.filterHeight; fr++) {
        const inRow = outRow * info.strideHeight + fr - info.padInfo.top;
        for (let fc = 0; fc < info.filterWidth; fc++, k += info.inChannels) {
          const inCol = outCol * info.strideWidth + fc - info.padInfo.left;
          if (inRow < 0 || inRow >= info.inHeight || inCol < 0 || inCol >= info.inWidth) continue;
          const base = b * xLayout.batch + inRow * xLayout.row + inCol * xLayout.col;
          for (let ci = 0; ci < info.inChannels; ci++) {
            patches[(k + ci) * count + i] = xValues[base + ci * xLayout.channel];
          }
        }
      }
    }
    const partial = wasmMatMul(backend, patches, dyRows, patchSize, count, outChannels);
    for (let j = 0; j < gradient.length; j++) gradient[j] += partial[j];
  }
  return writeFloats(backend, [...filterShape], gradient);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterKernel,
};
