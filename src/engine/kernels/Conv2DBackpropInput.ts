// Input gradient of conv2d. Replaces tfjs-backend-wasm 4.22.0's own Conv2DBackpropInput, a direct
// loop that took about 26 ms where the forward conv took 2 ms (a 32x13x13x16 input, 3x3x16x32
// filter; bench/kernels.ts). Here the WASM SIMD matMul forms each output position's patch
// gradient, patch[p, k] = sum over co of dy[p, co] * w[k, co], and JS adds every patch back onto
// the input pixels it covers (col2im).

import { backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convLayout, gatherOutputRows, MAX_PATCH_FLOATS, outputPosition } from './convLayout.ts';
import { asWasmBackend, readFloats, wasmMatMul, writeFloats, type WasmBackendLike } from './wasmData.ts';

const conv2DBackpropInputKernel = (({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  return conv2DBackpropInput(asWasmBackend(backend), dy, filter, attrs as unknown as Conv2DBackpropInputAttrs);
}) as KernelFunc;

/** `maxPatchFloats` bounds the patch gradients held at once; outputs needing more are done in chunks. */
export function conv2DBackpropInput(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
  maxPatchFloats = MAX_PATCH_FLOATS,
): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const channelsLast = info.dataFormat === 'channelsLast';
  const dxLayout = convLayout(channelsLast, info.inHeight, info.inWidth, info.inChannels);
  const dyLayout = convLayout(channelsLast, info.outHeight, info.outWidth, info.outChannels);
  const dyValues = readFloats(backend, dy);
  const filterValues = readFloats(backend, filter);

  const patchSize = info.filterHeight * info.filterWidth * info.inChannels;
  const outChannels = info.outChannels;
  // The filter is [patch, outChannels]; the product needs it as [outChannels, patch].
  const filterByOutChannel = new Float32Array(filterValues.length);
  for (let k = 0; k < patchSize; k++) {
    for (let co = 0; co < outChannels; co++) filterByOutChannel[co * patchSize + k] = filterValues[k * outChannels + co];
  }

  const positionsPerImage = info.outHeight * info.outWidth;
  const totalPositions = info.batchSize * positionsPerImage;
  const chunkPositions = Math.max(1, Math.min(totalPositions, Math.floor(maxPatchFloats / patchSize)));
  const dx = new Float32Array(info.batchSize * info.inHeight * info.inWidth * info.inChannels);

  for (let start = 0; start < totalPositions; start += chunkPositions) {
    const count = Math.min(chunkPositions, totalPositions - start);
    const dyRows = gatherOutputRows(dyValues, dyLayout, start, count, info);
    const patchGradients = wasmMatMul(backend, dyRows, filterByOutChannel, count, outChannels, patchSize);
    for (let i = 0; i < count; i++) {
      const { b, outRow, outCol } = outputPosition(start + i, info);
      let k = i * patchSize;
      for (let fr = 0; fr < info.filterHeight; fr++) {
        const inRow = outRow * info.strideHeight + fr - info.padInfo.top;
        for (let fc = 0; fc < info.filterWidth; fc++, k += info.inChannels) {
          const inCol = outCol * info.strideWidth + fc - info.padInfo.left;
          if (inRow < 0 || inRow >= info.inHeight || inCol < 0 || inCol >= info.inWidth) continue;
          const base = b * dxLayout.batch + inRow * dxLayout.row + inCol * dxLayout.col;
          for (let ci = 0; ci < info.inChannels; ci++) dx[base + ci * dxLayout.channel] += patchGradients[k + ci];
        }
      }
    }
  }
  return writeFloats(backend, [...info.inShape], dx);
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputKernel,
};
