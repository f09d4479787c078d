// Element strides of a 4D conv tensor in either data format, so the conv kernels index
// NHWC and NCHW data with one loop.

export interface ConvLayout {
  batch: number;
  row: number;
  col: number;
  channel: number;
}

export function convLayout(channelsLast: boolean, height: number, width: number, channels: number): ConvLayout {
  return channelsLast
    ? { batch: height * width * channels, row: width * channels, col: channels, channel: 1 }
    : { batch: channels * height * width, row: width, col: 1, channel: height * width };
}

/** Caps the unrolled patch matrix per matMul (in floats, 16 MB) so big inputs do not exhaust the WASM heap. */
export const MAX_PATCH_FLOATS = 1 << 22;
