// Where array bytes come from: a .npy file, or an entry of a .npz (zip) archive, stored or deflated.
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { constants as zlibConstants, createInflateRaw, inflateRawSync } from 'node:zlib';
import type { ArraySource } from './arrays.ts';
import { CHUNK_BYTES, readExactly, type Progress } from './chunks.ts';
import { elementCount, NPY_PREAMBLE_BYTES, npyHeaderLength, parseNpyHeader } from './npy.ts';
import { fail } from './problem.ts';
import { readZipDirectory, type ZipEntry } from './zip.ts';

async function* fileRange(handle: FileHandle, start: number, length: number, progress: Progress): AsyncIterable<Uint8Array> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1, length)));
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - done), start + done);
    if (bytesRead === 0) return;
    done += bytesRead;
    progress.done += bytesRead;
    progress.report?.(progress.done, progress.total);
    progress.check?.();
    yield buffer.subarray(0, bytesRead);
  }
}

/** An array stored plainly at `start` of an open file (a .npy file, or a stored npz entry). */
export async function arrayInFile(handle: FileHandle, start: number, length: number, label: string, key: string, progress: Progress): Promise<ArraySource> {
  if (length < NPY_PREAMBLE_BYTES - 2) fail(`${label} is too short to be a .npy array (${length} bytes)`, { key, byte: start + length });
  const preamble = await readExactly(handle, start, Math.min(NPY_PREAMBLE_BYTES, length), 'array header');
  const headerLength = npyHeaderLength(preamble, start);
  if (headerLength > length) fail(`${label} is truncated inside its header`, { key, byte: start + length });
  const header = parseNpyHeader(await readExactly(handle, start, headerLength, 'array header'), start);
  const dataBytes = elementCount(header.shape) * header.itemSize;
  return {
    label,
    key,
    header,
    fileOffset: start,
    available: length - headerLength,
    elements: () => fileRange(handle, start + headerLength, Math.min(dataBytes, length - headerLength), progress),
  };
}

/**
 * A deflated npz entry: the header comes from inflating a prefix, the elements from a streaming
 * inflate that is stopped the moment it produces more than the entry declares.
 */
function deflatedArray(path: string, entry: ZipEntry, dataStart: number, label: string, key: string, progress: Progress, handlePrefix: Buffer): ArraySource {
  let prefix: Buffer;
  try {
    prefix = inflateRawSync(handlePrefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: HEADER_PREFIX_BYTES * MAX_DEFLATE_RATIO });
  } catch (error) {
    fail(`${label}: the compressed data is corrupt (${(error as Error).message})`, { key, byte: dataStart });
  }
  if (prefix.length < NPY_PREAMBLE_BYTES - 2) fail(`${label}: the compressed entry is truncated`, { key, byte: dataStart });
  const headerLength = npyHeaderLength(prefix, -1);
  if (prefix.length < headerLength) fail(`${label}: the compressed entry is truncated inside the array header`, { key, byte: dataStart });
  const header = parseNpyHeader(prefix.subarray(0, headerLength));
  const dataBytes = elementCount(header.shape) * header.itemSize;
  return {
    label,
    key,
    header,
    fileOffset: -1,
    available: entry.uncompressedSize - headerLength,
    elements: () => inflatedRange(path, dataStart, entry, headerLength, dataBytes, label, key, progress),
  };
}

async function* inflatedRange(
  path: string,
  dataStart: number,
  entry: ZipEntry,
  skip: number,
  length: number,
  label: string,
  key: string,
  progress: Progress,
): AsyncIterable<Uint8Array> {
  const compressed = createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1, highWaterMark: CHUNK_BYTES });
  compressed.on('data', (chunk) => {
    progress.done += chunk.length;
    progress.report?.(progress.done, progress.total);
  });
  const inflate = createInflateRaw();
  // pipe() does not forward read errors; without this one would be an unhandled 'error' event
  compressed.on('error', (error) => inflate.destroy(error));
  compressed.pipe(inflate);
  let produced = 0;
  let delivered = 0;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      const before = produced;
      produced += chunk.length;
      if (produced > entry.uncompressedSize) fail(`${label} inflates to more than the ${entry.uncompressedSize} bytes its zip entry declares`, { key });
      // Here, not in the 'data' listener above: a throw there would escape as an uncaught exception.
      progress.check?.();
      const from = Math.max(0, skip - before);
      const to = Math.min(chunk.length, skip + length - before);
      if (to > from) {
        delivered += to - from;
        yield chunk.subarray(from, to);
      }
      if (delivered >= length) return;
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'DataError') throw error;
    fail(`${label}: the compressed data is corrupt or truncated (${(error as Error).message})`, { key });
  } finally {
    compressed.destroy();
    inflate.destroy();
  }
}

/**
 * The header of a deflated entry is read by inflating this much compressed data; deflate never
 * expands more than about 1032:1, so the output of the prefix is bounded too.
 */
const HEADER_PREFIX_BYTES = 16 * 1024;
const MAX_DEFLATE_RATIO = 1040;

const X_NAMES = ['x.npy', 'x_train.npy'];
const Y_NAMES = ['y.npy', 'y_train.npy'];

/** The x and y arrays of an .npz archive. */
export async function arraysInNpz(
  handle: FileHandle,
  path: string,
  size: number,
  label: string,
  key: string,
  progress: Progress,
): Promise<[ArraySource, ArraySource]> {
  const entries = await readZipDirectory(handle, size);
  const find = (names: string[]) => entries.find((e) => names.includes(e.name));
  const xEntry = find(X_NAMES);
  const yEntry = find(Y_NAMES);
  if (!xEntry || !yEntry) {
    const found = entries.map((e) => e.name.replace(/\.npy$/, '')).join(', ') || 'none';
    fail(`${label} must hold arrays named x and y (or x_train and y_train); it holds: ${found}`, { key });
  }
  const open = async (entry: ZipEntry): Promise<ArraySource> => {
    const entryLabel = `${label}:${entry.name}`;
    const local = await readExactly(handle, entry.localHeaderOffset, 30, 'zip local header');
    if (local.readUInt32LE(0) !== 0x04034b50) fail(`${entryLabel}: the zip local header is missing`, { key, byte: entry.localHeaderOffset });
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + entry.compressedSize > size) fail(`${entryLabel} is truncated: its data runs past the end of the file`, { key, byte: size });
    if (entry.method === 0) return arrayInFile(handle, dataStart, entry.compressedSize, entryLabel, key, progress);
    if (entry.method !== 8)
      fail(`${entryLabel} uses zip compression method ${entry.method}; only stored and deflated entries are read`, { key, byte: entry.localHeaderOffset + 8 });
    const prefix = await readExactly(handle, dataStart, Math.min(entry.compressedSize, HEADER_PREFIX_BYTES), 'compressed array header');
    return deflatedArray(path, entry, dataStart, entryLabel, key, progress, prefix);
  };
  return [await open(xEntry), await open(yEntry)];
}
