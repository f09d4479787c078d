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

export interface OutputGeometry {
  outHeight: number;
  outWidth: number;
  outChannels: number;
}

export function outputPosition(position: number, geometry: OutputGeometry): { b: number; outRow: number; outCol: number } {
  const positionsPerImage = geometry.outHeight * geometry.outWidth;
  const b = Math.floor(position / positionsPerImage);
  const withinImage = position - b * positionsPerImage;
  const outRow = Math.floor(withinImage / geometry.outWidth);
  return { b, outRow, outCol: withinImage - outRow * geometry.outWidth };
}

/**
 * Rows [count, outChannels] of dy for output positions start .. start+count-1. Channels-last data
 * already has exactly this layout, so it is a view, not a copy.
 */
export function gatherOutputRows(dy: Float32Array, layout: ConvLayout, start: number, count: number, geometry: OutputGeometry): Float32Array {
  const channels = geometry.outChannels;
  if (layout.channel === 1) return dy.subarray(start * channels, (start + count) * channels);
  const rows = new Float32Array(count * channels);
  for (let i = 0; i < count; i++) {
    const { b, outRow, outCol } = outputPosition(start + i, geometry);
    const base = b * layout.batch + outRow * layout.row + outCol * layout.col;
    for (let co = 0; co < channels; co++) rows[i * channels + co] = dy[base + co * layout.channel];
  }
  return rows;
}
