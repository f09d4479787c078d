// An image folder: one sub-folder per class (sorted names are class ids), PNG and JPEG files inside.
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { SAMPLE_BYTE_BUDGET } from './arrays.ts';
import { fileKind, resolveInsideRoot } from './paths.ts';
import { fail } from './problem.ts';
import { sampledRows } from './reservoir.ts';
import { ColumnAccumulator } from './stats.ts';
import type { ColumnStats, DataLimits, DataSample } from './types.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const JPEG_MEMORY_MB = 1024;

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

function decodeImage(bytes: Buffer, file: string, limits: DataLimits): Decoded {
  const isPng = bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!isPng && !isJpeg) fail(`${file} is neither a PNG nor a JPEG (its first bytes do not match either format)`, { file, byte: 0 });
  if (isPng) {
    if (bytes.length < 24) fail(`${file} is a truncated PNG`, { file, byte: bytes.length });
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    if (width * height > limits.maxPixelsPerImage) fail(`${file} is ${width}x${height}, more pixels than the limit of ${limits.maxPixelsPerImage}`, { file });
    let png: ReturnType<typeof PNG.sync.read>;
    try {
      png = PNG.sync.read(bytes);
    } catch (error) {
      fail(`${file} could not be decoded as PNG (truncated or damaged): ${(error as Error).message}`, { file });
    }
    const channels = (png.color ? 3 : 1) + (png.alpha ? 1 : 0);
    return { width: png.width, height: png.height, channels, pixels: fromRgba(png.data, png.width * png.height, channels) };
  }
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: limits.maxPixelsPerImage / 1e6,
      maxMemoryUsageInMB: JPEG_MEMORY_MB,
    });
  } catch (error) {
    fail(`${file} could not be decoded as JPEG (truncated, damaged or too large): ${(error as Error).message}`, { file });
  }
  return { width: image.width, height: image.height, channels: 3, pixels: image.data };
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
  options: { sample: number; seed: number; limits: DataLimits; onProgress?: (done: number, total: number) => void },
): Promise<ImagesResult> {
  const { classNames, files } = listImages(root, folder, label, options.limits);
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
    if (bytes.length > options.limits.maxBytesPerFile) fail(`${file.name} grew past the limit of ${options.limits.maxBytesPerFile} bytes while being read`, { file: file.name });
    bytesRead += bytes.length;
    options.onProgress?.(bytesRead, totalBytes);
    const image = decodeImage(bytes, file.name, options.limits);
    if (shape === undefined) {
      shape = { width: image.width, height: image.height, channels: image.channels, first: file.name };
      stats = Array.from({ length: image.channels }, (_, c) => new ColumnAccumulator(`channel ${c}`));
      const rowFloats = image.width * image.height * image.channels;
      capacity = Math.max(1, Math.min(options.sample, Math.floor(SAMPLE_BYTE_BUDGET / (rowFloats * 4))));
      picked = sampledRows(files.length, capacity, options.seed);
      sample = new Float32Array(capacity * rowFloats);
    } else if (image.width !== shape.width || image.height !== shape.height || image.channels !== shape.channels) {
      fail(
        `${file.name} is ${image.width}x${image.height} with ${image.channels} channel(s), but ${shape.first} is ${shape.width}x${shape.height} with ${shape.channels}: all images must share one size`,
        { file: file.name },
      );
    }
    const { channels, pixels } = image;
    for (let i = 0; i < pixels.length; i++) stats[i % channels].addNumber(pixels[i]);
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
