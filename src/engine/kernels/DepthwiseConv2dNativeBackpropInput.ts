// Input gradient of a depthwise conv2d, which tfjs-backend-wasm 4.22.0 lacks: each output
// gradient is scattered back onto the input pixels its filter window read.
// dx[b, in(r, fr), in(c, fc), ci] += dy[b, r, c, ci*M + m] * w[fr, fc, ci, m]

import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { asWasmBackend, readFloats, writeFloats } from './wasmData.ts';

const depthwiseConv2dNativeBackpropInput = (({ inputs, backend: anyBackend, attrs }) => {
  const backend = asWasmBackend(anyBackend);
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
  const dyValues = readFloats(backend, dy);
  const filterValues = readFloats(backend, filter);
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const multiplier = outChannels / inChannels;
  const dx = new Float32Array(info.batchSize * inHeight * inWidth * inChannels);

  for (let b = 0; b < info.batchSize; b++) {
    for (let r = 0; r < outHeight; r++) {
      for (let c = 0; c < outWidth; c++) {
        const dyBase = ((b * outHeight + r) * outWidth + c) * outChannels;
        for (let fr = 0; fr < filterHeight; fr++) {
          const inRow = r * info.strideHeight + fr * info.dilationHeight - info.padInfo.top;
          if (inRow < 0 || inRow >= inHeight) continue;
          for (let fc = 0; fc < filterWidth; fc++) {
            const inCol = c * info.strideWidth + fc * info.dilationWidth - info.padInfo.left;
            if (inCol < 0 || inCol >= inWidth) continue;
            const dxBase = ((b * inHeight + inRow) * inWidth + inCol) * inChannels;
            const filterBase = (fr * filterWidth + fc) * inChannels * multiplier;
            for (let ci = 0; ci < inChannels; ci++) {
              let sum = 0;
              for (let m = 0; m < multiplier; m++) {
                sum += dyValues[dyBase + ci * multiplier + m] * filterValues[filterBase + ci * multiplier + m];
              }
              dx[dxBase + ci] += sum;
            }
          }
        }
      }
    }
  }
  return writeFloats(backend, [...info.inShape], dx);
}) as KernelFunc;

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
