// Helpers for charts that put values spanning orders of magnitude on a log axis.

/** A log axis cannot show zero, negative or non-finite values. */
export function isLogPlottable(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}

/**
 * Whole decades around the positive finite values (and `include`, e.g. 1 for "unit scale"), so the
 * axis ticks fall on powers of ten. Undefined when nothing is plottable.
 */
export function decadeDomain(values: readonly number[], include: readonly number[] = []): [number, number] | undefined {
  const plottable = values.filter(isLogPlottable);
  if (plottable.length === 0) return undefined;
  const all = [...plottable, ...include.filter(isLogPlottable)];
  const { min, max } = extent(all);
  const low = Math.floor(Math.log10(min));
  let high = Math.ceil(Math.log10(max));
  if (high <= low) high = low + 1;
  return [10 ** low, 10 ** high];
}

/** Smallest and largest of a non-empty list, without spreading it into arguments (long curves). */
export function extent(values: readonly number[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Names made unique (`x`, `x (2)`), since a chart axis merges equal labels into one band. */
export function uniqueLabels(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

/** `a, b and 3 more` for chart subtitles. */
export function shortList(names: readonly string[], max = 4): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The powers of ten from `domain[0]` to `domain[1]`, for axis ticks; thinned to at most `max`. */
export function decadeTicks(domain: [number, number], max = 10): number[] {
  const low = Math.round(Math.log10(domain[0]));
  const high = Math.round(Math.log10(domain[1]));
  const stride = Math.max(1, Math.ceil((high - low + 1) / max));
  const ticks: number[] = [];
  for (let e = low; e <= high; e += stride) ticks.push(10 ** e);
  return ticks;
}

/**
 * Axis labels: plain decimals in the everyday range (0.001, 150, 20000) and short exponents outside
 * it (1e-7, 3e+6), instead of d3's default SI prefixes (`µ`, `k`) that read like units.
 */
export const NUMBER_LABEL_EXPR =
  "datum.value != 0 && (abs(datum.value) >= 1e5 || abs(datum.value) < 1e-3) ? format(datum.value, '.1~e') : format(datum.value, '~r')";
