// Small statistics for the benchmark: repeated measurements are summarised by their median and spread,
// and each carries the machine's load so a figure taken on a busy machine is never published.
import os from 'node:os';

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: how far apart the repeats are */
  spread: number;
  n: number;
}

export function summarize(values: number[]): Spread | undefined {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const mid = finite.length >> 1;
  const median = finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  const min = finite[0];
  const max = finite[finite.length - 1];
  return { median, min, max, spread: median > 0 ? (max - min) / median : Number.NaN, n: finite.length };
}

/** The 1-minute load average around one measurement. */
export interface LoadWindow {
  before: number;
  after: number;
  cores: number;
  /** load above the core count at either end: the figure is not publishable */
  busy: boolean;
}

export function isBusy(load: number, cores: number = os.availableParallelism()): boolean {
  return load > cores;
}

/** Runs `measure` and records the load average just before and just after it. */
export function withLoad<T>(measure: () => T, cores: number = os.availableParallelism()): { value: T; load: LoadWindow } {
  const before = os.loadavg()[0];
  const value = measure();
  const after = os.loadavg()[0];
  return { value, load: { before, after, cores, busy: isBusy(before, cores) || isBusy(after, cores) } };
}
