// Sums slices of x into numSegments buckets by id; tfjs-backend-wasm 4.22.0 lacks it and the
// embedding layer's gradient (the gradient of gather) needs it. Ids outside [0, numSegments)
// are dropped, as TensorFlow does.

import { UnsortedSegmentSum, util, type KernelConfig, type KernelFunc, type TensorInfo, type UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { asWasmBackend, readFloats, readInts } from './wasmData.ts';

const unsortedSegmentSum = (({ inputs, backend: anyBackend, attrs }) => {
  const backend = asWasmBackend(anyBackend);
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const ids = readInts(backend, segmentIds);
  const sliceShape = x.shape.slice(segmentIds.shape.length);
  const sliceSize = util.sizeFromShape(sliceShape);
  const values = readFloats(backend, x);
  const sums = new Float32Array(numSegments * sliceSize);

  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * sliceSize;
    const to = segment * sliceSize;
    for (let j = 0; j < sliceSize; j++) sums[to + j] += values[from + j];
  }
  const outShape = [numSegments, ...sliceShape];
  const result = x.dtype === 'int32' ? Int32Array.from(sums) : sums;
  return backend.makeOutput(outShape, x.dtype === 'int32' ? 'int32' : 'float32', undefined, result);
}) as KernelFunc;

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
