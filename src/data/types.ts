// What the data loaders produce: exact whole-file statistics plus a bounded uniform sample.
import type { DecimalMark, Delimiter, Dialect } from './dialect.ts';

export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'json' | 'parquet' | 'npy' | 'npz' | 'images';

/** Exact statistics of one column over the whole file (streamed, memory bounded). */
export interface ColumnStats {
  name: string;
  /** cells seen (rows in the file) */
  count: number;
  /** finite numeric cells */
  numeric: number;
  /** empty cells (CSV ''), null / missing keys in JSON */
  empty: number;
  nan: number;
  inf: number;
  /** cells that are not numbers (text, categories) */
  text: number;
  /** a few distinct text values, for the message */
  textExamples: string[];
  /** over finite numeric cells; NaN when there are none */
  mean: number;
  std: number; // population standard deviation
  min: number;
  max: number;
  /** every finite numeric cell is a whole number */
  integer: boolean;
  /** distinct finite values, exact up to DISTINCT_CAP; null beyond it */
  distinct: number | null;
  /** the distinct values (sorted) with counts, when distinct <= DISTINCT_CAP */
  values?: { value: number; count: number }[];
}

export const DISTINCT_CAP = 1000;

/**
 * A uniform reservoir sample of at most `sample` rows, already split into features and targets.
 * Text cells become NaN in `x`; their columns are listed in the stats as text.
 */
export interface DataSample {
  rows: number;
  /** row-major, shape [rows, ...featureShape] */
  x: Float32Array;
  featureShape: number[];
  /** row-major, shape [rows, targetWidth] */
  y: Float32Array;
  targetWidth: number;
  /** 0-based index of each sampled row in the file (data row, header excluded) */
  rowIndex: Int32Array;
}

export interface LoadedSplit {
  /** as written in the config (for messages) */
  file: string;
  format: DataFormat;
  bytes: number;
  rows: number;
  featureNames: string[];
  targetNames: string[];
  /**
   * One entry per feature column; for arrays of rank > 2 (images) one entry per channel
   * (last axis) named `channel 0`, ... and for image folders the class names are targets.
   */
  features: ColumnStats[];
  targets: ColumnStats[];
  sample: DataSample;
  /** class folder names for image folders (label i = classNames[i]) */
  classNames?: string[];
  /** feature columns read as categories (declared one_hot), by name; their sample cells hold category ids */
  categories?: Record<string, CategoryCounts>;
  /** columns declared one_hot, after they were expanded into indicator columns (see one-hot.ts) */
  oneHot?: OneHotColumn[];
  /** delimited text: the delimiter and decimal mark it was read with, and a note when they were a guess */
  dialect?: Dialect;
}

/** What every reader hands back: the split without where it came from (the loader adds file, format, bytes). */
export type SplitContent = Pick<LoadedSplit, 'rows' | 'featureNames' | 'targetNames' | 'features' | 'targets' | 'sample' | 'classNames' | 'categories'>;

/** A data problem is a finding, not an exception: loaders return this instead of throwing. */
export interface DataProblem {
  file: string;
  message: string;
  /** 1-based line (text formats) or byte offset (binary) when known */
  line?: number;
  byte?: number;
  /** config key that named the file, e.g. `data.train` */
  key?: string;
}

export type LoadResult = { ok: true; split: LoadedSplit } | { ok: false; problem: DataProblem };

export interface LoadOptions {
  /** repository root; no file outside it is opened */
  root: string;
  /** folder of the config file; relative paths start here */
  baseDir: string;
  features?: string[];
  targets?: string[];
  /** feature columns declared one_hot: read as categories */
  categorical?: string[];
  /** `init` without --target: candidate target names (see ColumnChoice.guessTarget) */
  guessTarget?: string[];
  sample: number;
  seed: number;
  limits: DataLimits;
  /** key path of the source in the config, for problems */
  key: string;
  /** `data.delimiter` / `data.decimal`: force what sniffing would decide */
  delimiter?: Delimiter;
  decimal?: DecimalMark;
  /** deadline and heap cap of the Parquet decoding worker (default DEFAULT_PARQUET_WORKER_LIMITS) */
  parquetWorker?: ParquetWorkerLimits;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * PyTorch's image layout: an x array of shape (N, C, H, W) with C in 1..4 is channels-first, and is
   * transposed once, while it is read, to the (N, H, W, C) the engine and the statistics use.
   */
  channelsFirst?: boolean;
  /** the config's data budget, shared by its train and validation splits (a fresh one when absent) */
  budget?: DataSpending;
}

/** A config's data budget (DataBudget in budget.ts): each read, decode and chunk is counted against it. */
export interface DataSpending {
  readonly bytesLeft: number;
  spendBytes(n: number, file: string, where?: { key?: string }): void;
  spendPixels(n: number, file: string): void;
  checkTime(file: string, where?: { key?: string }): void;
}

/** A categorical feature column over the whole file: category names (sorted) and their counts. */
export interface CategoryCounts {
  names: string[];
  counts: number[];
  /** cells with no value (empty, null) */
  missing: number;
}

export interface OneHotColumn {
  column: string;
  /** categories from the training data, in the order of the indicator columns */
  categories: string[];
  /** cells with no value: encoded as all zeros */
  missing: number;
  /** validation only: categories the training data never had (encoded as all zeros) */
  unseen?: { cells: number; rows: number; examples: string[] };
}

export interface ParquetWorkerLimits {
  /** seconds for any file, plus `secondsPerMiB` for each MiB of it */
  baseSeconds: number;
  secondsPerMiB: number;
  maxHeapMb: number;
}

export interface DataLimits {
  maxBytesPerFile: number;
  maxRows: number;
  maxColumns: number;
  maxImages: number;
  maxPixelsPerImage: number;
  /** bytes one config's data pass may read or inflate (text files, array data, decoded image pixels), train and validation together */
  maxDecodedBytesPerConfig: number;
  /** image pixels one config's data pass may decode */
  maxPixelsPerConfig: number;
  /** seconds one config's data pass may take */
  maxDataSecondsPerConfig: number;
  /** seconds the data passes of all configs of one run may take together */
  maxDataSecondsPerRun: number;
  /** scans one JPEG may have (a progressive JPEG has about 10; each scan is a pass over the whole image) */
  maxJpegScans: number;
  /** float32 bytes of the sampled image rows the smoke run turns into its input tensor, per split */
  maxImageSampleBytes: number;
}

export const DEFAULT_DATA_LIMITS: DataLimits = {
  maxBytesPerFile: 4 * 1024 ** 3,
  maxRows: 50_000_000,
  maxColumns: 10_000,
  maxImages: 200_000,
  maxPixelsPerImage: 4096 * 4096,
  // About 20 s of streaming statistics on a CI runner; far above a sample worth checking.
  maxDecodedBytesPerConfig: 2 * 1024 ** 3,
  // 200 megapixels: 50,000 CIFAR images 100 times over, a dozen images at the 4096 x 4096 limit.
  maxPixelsPerConfig: 200_000_000,
  maxDataSecondsPerConfig: 30,
  // Many configs naming the same costly files must not add up past what one check should take.
  maxDataSecondsPerRun: 60,
  maxJpegScans: 100,
  // With the copies the smoke run makes (worker, normalized, tensors), about 6 x this in memory.
  maxImageSampleBytes: 128 * 1024 ** 2,
};
