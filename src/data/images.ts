// An image folder: one sub-folder per class (sorted names are class ids), PNG and JPEG files inside.
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataBudget, formatMiB } from './budget.ts';
import { fileKind, resolveInsideRoot } from './paths.ts';
import { fail } from './problem.ts';
import { sampledRows } from './reservoir.ts';
import { ColumnAccumulator } from './stats.ts';
import type { ColumnStats, DataLimits, DataSample, DataSpending } from './types.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** jpeg-js's own cap on what it allocates for one image (a 4096 x 4096 colour JPEG needs about 250 MB). */
const JPEG_MEMORY_MB = 512;
/** Channels of each PNG colour type (gray, RGB, palette, gray+alpha, RGBA) as stored in the file. */
const PNG_CHANNELS = new Map([
  [0, 1],
  [2, 3],
  [3, 1],
  [4, 2],
  [6, 4],
]);

export interface ImagesResult {
  rows: number;
  bytes: number;
  featureNames: string[];
  targetNames: string[];
  features: ColumnStats[];
  targets: ColumnStats[];
  sample: DataSample;
  classNames: string[];
}

interface ImageFile {
  /** relative to the folder, for messages */
  name: string;
  absolute: string;
  label: number;
  bytes: number;
}

interface Decoded {
  width: number;
  height: number;
  channels: number;
  /** row-major height x width x channels */
  pixels: Uint8Array;
}

/** Lists the class folders and their image files; every entry is re-checked against the root, symlinks included. */
export function listImages(root: string, folder: string, label: string, limits: DataLimits): { classNames: string[]; files: ImageFile[] } {
  const isVisible = (name: string) => !name.startsWith('.');
  const classNames = readdirSync(folder, { withFileTypes: true })
    .filter((d) => isVisible(d.name) && (d.isDirectory() || d.isSymbolicLink()))
    .map((d) => d.name)
    .filter((name) => {
      const resolved = resolveInsideRoot(root, folder, name);
      if (!resolved.ok) fail(`${label}/${name}: ${resolved.reason}`);
      return fileKind(resolved.absolute) === 'directory';
    })
    .sort();
  if (classNames.length === 0) fail(`${label} has no class sub-folders: expected one folder per class holding PNG or JPEG files`);
  const files: ImageFile[] = [];
  classNames.forEach((className, labelId) => {
    const classFolder = path.join(folder, className);
    const names = readdirSync(classFolder)
      .filter((n) => isVisible(n) && IMAGE_EXTENSIONS.has(path.extname(n).toLowerCase()))
      .sort();
    if (names.length === 0) fail(`${label}/${className} holds no PNG or JPEG files, so class ${labelId} would have no examples`);
    for (const name of names) {
      const shown = `${label}/${className}/${name}`;
      const resolved = resolveInsideRoot(root, classFolder, name);
      if (!resolved.ok) fail(`${shown}: ${resolved.reason}`, { file: shown });
      if (fileKind(resolved.absolute) !== 'file') fail(`${shown} is not a regular file`, { file: shown });
      const bytes = statSync(resolved.absolute).size;
      if (bytes > limits.maxBytesPerFile) fail(`${shown} is ${bytes} bytes, more than the limit of ${limits.maxBytesPerFile}`, { file: shown });
      files.push({ name: shown, absolute: resolved.absolute, label: labelId, bytes });
      if (files.length > limits.maxImages) fail(`${label} holds more than ${limits.maxImages} images, the limit`);
    }
  });
  return { classNames, files };
}

function decodeImage(bytes: Buffer, file: string, limits: DataLimits, budget: DataSpending): Decoded {
  const isPng = bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!isPng && !isJpeg) fail(`${file} is neither a PNG nor a JPEG (its first bytes do not match either format)`, { file, byte: 0 });
  if (isPng) {
    // The IHDR chunk says what decoding will cost; it is charged before a byte is inflated.
    if (bytes.length < 26) fail(`${file} is a truncated PNG`, { file, byte: bytes.length });
    if (bytes.toString('latin1', 12, 16) !== 'IHDR') fail(`${file} is not a valid PNG: its first chunk is not IHDR`, { file, byte: 12 });
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    const bitDepth = bytes[24];
    const stored = PNG_CHANNELS.get(bytes[25]);
    if (stored === undefined || ![1, 2, 4, 8, 16].includes(bitDepth))
      fail(`${file} is not a valid PNG: colour type ${bytes[25]} with bit depth ${bitDepth}`, { file, byte: 24 });
    if (width * height > limits.maxPixelsPerImage) fail(`${file} is ${width}x${height}, more pixels than the limit of ${limits.maxPixelsPerImage}`, { file });
    budget.spendPixels(width * height, file);
    // the inflated scanlines plus the RGBA image pngjs makes of them
    budget.spendBytes(Math.ceil((width * stored * bitDepth) / 8 + 1) * height + width * height * 4, file);
    let png: ReturnType<typeof PNG.sync.read>;
    try {
      png = PNG.sync.read(bytes);
    } catch (error) {
      fail(`${file} could not be decoded as PNG (truncated or damaged): ${(error as Error).message}`, { file });
    }
    const channels = (png.color ? 3 : 1) + (png.alpha ? 1 : 0);
    return { width: png.width, height: png.height, channels, pixels: fromRgba(png.data, png.width * png.height, channels) };
  }
  const frame = jpegFrame(bytes);
  if (typeof frame === 'string') fail(`${file} could not be decoded as JPEG: ${frame}`, { file });
  if (frame.scans > limits.maxJpegScans) {
    fail(
      `${file} is a JPEG of ${frame.scans} scans; nn-preflight decodes at most ${limits.maxJpegScans} (a progressive JPEG has about 10, and each scan is a pass over the whole image)`,
      { file },
    );
  }
  if (frame.width * frame.height > limits.maxPixelsPerImage)
    fail(`${file} is ${frame.width}x${frame.height}, more pixels than the limit of ${limits.maxPixelsPerImage}`, { file });
  budget.spendPixels(frame.width * frame.height, file);
  // coefficients (2 bytes per sample) and the RGB output
  budget.spendBytes(frame.width * frame.height * (frame.components * 2 + 3), file);
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: limits.maxPixelsPerImage / 1e6,
      maxMemoryUsageInMB: Math.min(JPEG_MEMORY_MB, Math.max(1, Math.floor(budget.bytesLeft / 1024 ** 2) + 1)),
    });
  } catch (error) {
    fail(`${file} could not be decoded as JPEG (truncated, damaged or too large): ${(error as Error).message}`, { file });
  }
  return { width: image.width, height: image.height, channels: 3, pixels: image.data };
}

/** Start-of-frame markers (baseline, extended, progressive, lossless; not DHT C4, JPG C8 or DAC CC). */
const JPEG_FRAME_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * A JPEG's size and component count from its frame header, and how many scans (start-of-scan markers)
 * it has, read from the marker bytes alone: entropy-coded data escapes 0xFF as FF 00, so FF DA only
 * ever starts a scan.
 */
function jpegFrame(bytes: Buffer): { width: number; height: number; components: number; scans: number } | string {
  let frame: { width: number; height: number; components: number } | undefined;
  let at = 2;
  while (frame === undefined) {
    if (at + 4 > bytes.length) return 'the file ends before its frame header';
    if (bytes[at] !== 0xff) return `expected a marker at byte ${at}`;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return 'a scan or the end comes before the frame header';
    if ((marker >= 0xd0 && marker <= 0xd8) || marker === 0x01) {
      // markers without a length
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (JPEG_FRAME_MARKERS.has(marker)) {
      if (at + 10 > bytes.length) return 'the frame header is truncated';
      frame = { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7), components: bytes[at + 9] };
    }
    at += 2 + length;
  }
  let scans = 0;
  for (let i = at; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xda) scans++;
  }
  return { ...frame, scans };
}

/** pngjs always returns RGBA; keep the channels the file really has (gray, gray+alpha, RGB, RGBA). */
function fromRgba(rgba: Uint8Array, pixels: number, channels: number): Uint8Array {
  if (channels === 4) return rgba;
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const from = p * 4;
    const to = p * channels;
    if (channels === 3) {
      out[to] = rgba[from];
      out[to + 1] = rgba[from + 1];
      out[to + 2] = rgba[from + 2];
    } else {
      out[to] = rgba[from];
      if (channels === 2) out[to + 1] = rgba[from + 3];
    }
  }
  return out;
}

export async function readImageFolder(
  root: string,
  folder: string,
  label: string,
  options: { sample: number; seed: number; limits: DataLimits; budget?: DataSpending; onProgress?: (done: number, total: number) => void },
): Promise<ImagesResult> {
  const { classNames, files } = listImages(root, folder, label, options.limits);
  const budget = options.budget ?? new DataBudget(options.limits);
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  let picked: Int32Array = new Int32Array(0);
  let shape: { width: number; height: number; channels: number; first: string } | undefined;
  let stats: ColumnAccumulator[] = [];
  let sample = new Float32Array(0);
  let capacity = 0;
  const labels = new ColumnAccumulator('class');
  const y: number[] = [];
  const kept: number[] = [];
  let bytesRead = 0;
  let pointer = 0;
  for (let index = 0; index < files.length; index++) {
    const file = files[index];
    const bytes = await readFile(file.absolute);
    if (bytes.length > options.limits.maxBytesPerFile)
      fail(`${file.name} grew past the limit of ${options.limits.maxBytesPerFile} bytes while being read`, { file: file.name });
    bytesRead += bytes.length;
    options.onProgress?.(bytesRead, totalBytes);
    budget.checkTime(file.name);
    const image = decodeImage(bytes, file.name, options.limits, budget);
    if (shape === undefined) {
      shape = { width: image.width, height: image.height, channels: image.channels, first: file.name };
      stats = Array.from({ length: image.channels }, (_, c) => new ColumnAccumulator(`channel ${c}`));
      const rowFloats = image.width * image.height * image.channels;
      // The sample becomes the smoke run's input tensor, copied a few times over: bounded here, before it is built.
      const maxSampleBytes = options.limits.maxImageSampleBytes;
      if (rowFloats * 4 > maxSampleBytes) {
        fail(
          `${file.name} is ${image.width}x${image.height} with ${image.channels} channel(s): one such image is ${formatMiB(rowFloats * 4)} as the model's float32 input, more than the ${formatMiB(maxSampleBytes)} a config's image sample may take. Downscale the images to the size the model is trained on`,
          { file: file.name },
        );
      }
      capacity = Math.max(1, Math.min(options.sample, Math.floor(maxSampleBytes / (rowFloats * 4))));
      picked = sampledRows(files.length, capacity, options.seed);
      sample = new Float32Array(capacity * rowFloats);
    } else if (image.width !== shape.width || image.height !== shape.height || image.channels !== shape.channels) {
      fail(
        `${file.name} is ${image.width}x${image.height} with ${image.channels} channel(s), but ${shape.first} is ${shape.width}x${shape.height} with ${shape.channels}: all images must share one size`,
        { file: file.name },
      );
    }
    const { channels, pixels } = image;
    // Pixels are bytes: count them per value and channel, then add each value once with its count
    // (a 4096 x 4096 image is 16 million additions to a table, not 16 million statistics updates).
    const histogram = new Float64Array(256 * channels);
    for (let i = 0; i < pixels.length; i++) histogram[(i % channels) * 256 + pixels[i]]++;
    for (let c = 0; c < channels; c++) for (let v = 0; v < 256; v++) stats[c].addRepeated(v, histogram[c * 256 + v]);
    labels.addNumber(file.label);
    if (pointer < picked.length && picked[pointer] === index) {
      pointer++;
      sample.set(pixels, kept.length * pixels.length);
      kept.push(index);
      y.push(file.label);
    }
  }
  const rowFloats = shape!.width * shape!.height * shape!.channels;
  return {
    rows: files.length,
    bytes: bytesRead,
    featureNames: stats.map((s) => s.name),
    targetNames: ['class'],
    features: stats.map((s) => s.finish()),
    targets: [labels.finish()],
    sample: {
      rows: kept.length,
      x: sample.subarray(0, kept.length * rowFloats),
      featureShape: [shape!.height, shape!.width, shape!.channels],
      y: Float32Array.from(y),
      targetWidth: 1,
      rowIndex: Int32Array.from(kept),
    },
    classNames,
  };
}
