// Equal-width histograms over plain numbers, shared across series so that they can be overlaid.

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

export interface Histogram {
  bins: HistogramBin[];
  /** finite values counted into the bins */
  finite: number;
  /** NaN and +-Infinity values, which no bin can hold */
  nonFinite: number;
}

export const DEFAULT_BIN_COUNT = 30;

/** Smallest and largest finite value, or undefined when there is none. */
export function finiteRange(values: ArrayLike<number>): { min: number; max: number } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : undefined;
}

/** The range covering every series, widened around a single value so that it has a width. */
export function sharedRange(series: readonly ArrayLike<number>[]): { min: number; max: number } | undefined {
  let range: { min: number; max: number } | undefined;
  for (const values of series) {
    const r = finiteRange(values);
    if (!r) continue;
    range = range ? { min: Math.min(range.min, r.min), max: Math.max(range.max, r.max) } : r;
  }
  if (!range) return undefined;
  if (range.max > range.min) return range;
  const pad = range.min === 0 ? 0.5 : Math.abs(range.min) * 0.05;
  return { min: range.min - pad, max: range.max + pad };
}

/** Counts finite `values` into `binCount` equal bins over `range`; the last bin includes its end. */
export function histogram(values: ArrayLike<number>, range: { min: number; max: number }, binCount = DEFAULT_BIN_COUNT): Histogram {
  const count = Math.max(1, Math.floor(binCount));
  const width = (range.max - range.min) / count;
  const counts = new Array<number>(count).fill(0);
  let finite = 0;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < range.min || v > range.max) continue;
    const index = width > 0 ? Math.min(count - 1, Math.floor((v - range.min) / width)) : 0;
    counts[index]++;
    finite++;
  }
  const bins = counts.map((c, i) => ({
    start: range.min + i * width,
    end: i === count - 1 ? range.max : range.min + (i + 1) * width,
    count: c,
  }));
  return { bins, finite, nonFinite };
}
