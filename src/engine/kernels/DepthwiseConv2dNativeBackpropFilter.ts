// Filter gradient of a depthwise conv2d, which tfjs-backend-wasm 4.22.0 lacks. Depthwise work is
// small (no sum over input channels), so a direct JS loop is fast enough.
// dW[fr, fc, ci, m] = sum over b, output (r, c) of x[b, in(r, fr), in(c, fc), ci] * dy[b, r, c, ci*M + m]

import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { asWasmBackend, readFloats, writeFloats } from './wasmData.ts';

const depthwiseConv2dNativeBackpropFilter = (({ inputs, backend: anyBackend, attrs }) => {
  const backend = asWasmBackend(anyBackend);
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  const xValues = readFloats(backend, x);
  const dyValues = readFloats(backend, dy);
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const multiplier = outChannels / inChannels;
  const gradient = new Float32Array(filterHeight * filterWidth * inChannels * multiplier);

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
            const xBase = ((b * inHeight + inRow) * inWidth + inCol) * inChannels;
            const gradientBase = (fr * filterWidth + fc) * inChannels * multiplier;
            for (let ci = 0; ci < inChannels; ci++) {
              const pixel = xValues[xBase + ci];
              for (let m = 0; m < multiplier; m++) {
                gradient[gradientBase + ci * multiplier + m] += pixel * dyValues[dyBase + ci * multiplier + m];
              }
            }
          }
        }
      }
    }
  }
  return writeFloats(backend, [...filterShape], gradient);
}) as KernelFunc;

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
