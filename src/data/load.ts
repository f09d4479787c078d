// The one entry point: resolve the configured path inside the repository, pick the reader, and turn
// every failure into a DataProblem value.
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from '../config/types.ts';
import { arrayInFile, arraysInNpz } from './array-sources.ts';
import { checkArrayShapes, readArrayPair, type ArraySource } from './arrays.ts';
import { DataBudget, formatMiB } from './budget.ts';
import type { Progress } from './chunks.ts';
import { readDelimited } from './csv.ts';
import { sniffDialect } from './dialect.ts';
import { readImageFolder } from './images.ts';
import { readJsonArray, readJsonLines } from './json-records.ts';
import { elementCount } from './npy.ts';
import { readParquetIsolated } from './parquet-worker.ts';
import { fileKind, resolveInsideRoot } from './paths.ts';
import { checkTextEncoding } from './text-encoding.ts';
import { ownEntry } from '../own-entry.ts';
import { DataError, fail } from './problem.ts';
import type { DataFormat, LoadedSplit, LoadOptions, LoadResult } from './types.ts';

const FORMAT_BY_EXTENSION: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.npy': 'npy',
  '.npz': 'npz',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export async function loadSplit(source: DataSource, opts: LoadOptions): Promise<LoadResult> {
  const shownFile = source.kind === 'path' ? source.path : `${source.x}, ${source.y}`;
  opts = { ...opts, budget: opts.budget ?? new DataBudget(opts.limits) };
  try {
    const split = source.kind === 'path' ? await loadPath(source.path, opts) : await loadArrayFiles(source.x, source.y, opts);
    return { ok: true, split };
  } catch (error) {
    if (error instanceof DataError) {
      const { file, key, ...rest } = error.detail;
      return { ok: false, problem: { file: file ?? shownFile, key: key ?? opts.key, ...rest } };
    }
    // an unexpected failure is still a finding about this file, never a crash of the whole run
    return { ok: false, problem: { file: shownFile, key: opts.key, message: `could not read the data: ${(error as Error)?.message ?? String(error)}` } };
  }
}

/** Resolves a configured path and checks it is something we may open: a regular file or a folder. */
function locate(relative: string, opts: LoadOptions, key: string): { absolute: string; kind: 'file' | 'directory' } {
  const resolved = resolveInsideRoot(opts.root, opts.baseDir, relative);
  if (!resolved.ok) fail(resolved.reason, { file: relative, key });
  const kind = fileKind(resolved.absolute);
  if (kind === 'missing') fail(`"${relative}" does not exist`, { file: relative, key });
  if (kind === 'other') fail(`"${relative}" is not a regular file or folder (a device, pipe or socket is never read)`, { file: relative, key });
  return { absolute: resolved.absolute, kind };
}

async function openChecked(absolute: string, relative: string, opts: LoadOptions, key: string): Promise<{ handle: FileHandle; size: number }> {
  const size = (await stat(absolute)).size;
  if (size > opts.limits.maxBytesPerFile) {
    fail(`"${relative}" is ${size} bytes, more than the limit of ${opts.limits.maxBytesPerFile} bytes per file`, { file: relative, key });
  }
  return { handle: await open(absolute, 'r'), size };
}

async function loadPath(relative: string, opts: LoadOptions): Promise<LoadedSplit> {
  const { absolute, kind } = locate(relative, opts, opts.key);
  if (kind === 'directory') {
    const images = await readImageFolder(opts.root, absolute, relative.replace(/[\\/]+$/, ''), {
      sample: opts.sample,
      seed: opts.seed,
      limits: opts.limits,
      budget: opts.budget!,
      onProgress: opts.onProgress,
    });
    const { bytes, ...rest } = images;
    return { file: relative, format: 'images', bytes, ...rest };
  }
  const extension = path.extname(absolute).toLowerCase();
  const format = ownEntry(FORMAT_BY_EXTENSION, extension);
  if (format === undefined) {
    fail(
      `"${relative}" has an unknown extension "${extension}": use .csv, .tsv, .jsonl, .ndjson, .json, .parquet, .npz, a pair of .npy files, or an image folder`,
      { file: relative },
    );
  }
  if (format === 'npy') fail(`"${relative}" is a single .npy array: give the inputs and labels as a pair, {x: ..., y: ...}`, { file: relative });
  const { handle, size } = await openChecked(absolute, relative, opts, opts.key);
  const budget = opts.budget!;
  const progress: Progress = { done: 0, total: size, report: opts.onProgress, check: () => budget.checkTime(relative) };
  try {
    const common = {
      features: opts.features,
      targets: opts.targets,
      categorical: opts.categorical,
      guessTarget: opts.guessTarget,
      sample: opts.sample,
      seed: opts.seed,
      limits: opts.limits,
    };
    if (format === 'npz') {
      const [x, y] = await arraysInNpz(handle, absolute, size, relative, opts.key, progress);
      return { file: relative, format, bytes: size, ...(await readArrays(x, y, opts, opts.key)) };
    }
    if (format === 'csv' || format === 'tsv' || format === 'jsonl') await checkTextEncoding(handle, size, relative);
    // A text file is read whole: its size is what it costs.
    budget.spendBytes(size, relative);
    if (format === 'parquet')
      return { file: relative, format, bytes: size, ...(await readParquetIsolated(absolute, size, common, progress, opts.parquetWorker)) };
    if (format === 'csv' || format === 'tsv') {
      const dialect = await sniffDialect(handle, size, { delimiter: opts.delimiter, decimal: opts.decimal, usual: format === 'csv' ? ',' : '\t' });
      const table = await readDelimited(handle, size, { ...common, delimiter: dialect.delimiter, decimal: dialect.decimal }, progress);
      return { file: relative, format, bytes: size, ...table, dialect };
    }
    const table = format === 'jsonl' ? await readJsonLines(handle, size, common, progress) : await readJsonArray(handle, size, common, progress);
    return { file: relative, format, bytes: size, ...table };
  } finally {
    await handle.close();
  }
}

async function loadArrayFiles(xPath: string, yPath: string, opts: LoadOptions): Promise<LoadedSplit> {
  const xKey = `${opts.key}.x`;
  const yKey = `${opts.key}.y`;
  for (const [p, key] of [
    [xPath, xKey],
    [yPath, yKey],
  ]) {
    if (path.extname(p).toLowerCase() !== '.npy') fail(`"${p}" should be a .npy file: the {x, y} form takes a pair of NumPy arrays`, { file: p, key });
  }
  const xFile = locate(xPath, opts, xKey);
  const yFile = locate(yPath, opts, yKey);
  for (const [f, p, key] of [
    [xFile, xPath, xKey],
    [yFile, yPath, yKey],
  ] as const) {
    if (f.kind !== 'file') fail(`"${p}" is a folder, expected a .npy file`, { file: p, key });
  }
  const xOpened = await openChecked(xFile.absolute, xPath, opts, xKey);
  try {
    const yOpened = await openChecked(yFile.absolute, yPath, opts, yKey);
    try {
      const budget = opts.budget!;
      const progress: Progress = { done: 0, total: xOpened.size + yOpened.size, report: opts.onProgress, check: () => budget.checkTime(`${xPath}, ${yPath}`) };
      const withFile = async (p: string, key: string, run: () => Promise<ArraySource>) => {
        try {
          return await run();
        } catch (error) {
          if (error instanceof DataError && error.detail.file === undefined) error.detail.file = p;
          if (error instanceof DataError && error.detail.key === undefined) error.detail.key = key;
          throw error;
        }
      };
      const x = await withFile(xPath, xKey, () => arrayInFile(xOpened.handle, 0, xOpened.size, xPath, xKey, progress));
      const y = await withFile(yPath, yKey, () => arrayInFile(yOpened.handle, 0, yOpened.size, yPath, yKey, progress));
      const arrays = await readArrays(x, y, opts, opts.key);
      return { file: `${xPath}, ${yPath}`, format: 'npy', bytes: xOpened.size + yOpened.size, ...arrays };
    } finally {
      await yOpened.handle.close();
    }
  } finally {
    await xOpened.handle.close();
  }
}

async function readArrays(x: ArraySource, y: ArraySource, opts: LoadOptions, key: string) {
  checkArrayShapes(x, y, opts.limits, key);
  // What the arrays inflate to is known from their headers: charged before a byte is streamed.
  for (const array of [x, y]) opts.budget!.spendBytes(elementCount(array.header.shape) * array.header.itemSize, array.label, { key: array.key });
  return readArrayPair(x, y, imageSampleRows(x, opts), opts.seed, opts.channelsFirst === true);
}

/**
 * Rows to sample: for an image array (rank > 2) no more than the image sample bound allows, as for an
 * image folder, and an array whose single image exceeds it is refused before the sample is built.
 */
function imageSampleRows(x: ArraySource, opts: LoadOptions): number {
  const shape = x.header.shape;
  if (shape.length <= 2) return opts.sample;
  const rowBytes = elementCount(shape.slice(1)) * 4;
  const maxBytes = opts.limits.maxImageSampleBytes;
  if (rowBytes > maxBytes) {
    fail(
      `${x.label}: one example of shape (${shape.slice(1).join(', ')}) is ${formatMiB(rowBytes)} as the model's float32 input, more than the ${formatMiB(maxBytes)} a config's image sample may take. Downscale the images to the size the model is trained on`,
      { key: x.key },
    );
  }
  return Math.max(1, Math.min(opts.sample, Math.floor(maxBytes / rowBytes)));
}
