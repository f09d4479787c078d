// Largest and smallest of a list without spreading it into Math.max/Math.min: a spread passes every
// element as an argument, and a few hundred thousand of them (a wide label array, a long loss curve)
// overflow the stack. Same results as Math.max/Math.min, NaN included.

export function maxOf(values: readonly number[]): number {
  let best = -Infinity;
  for (const value of values) {
    if (Number.isNaN(value)) return Number.NaN;
    if (value > best) best = value;
  }
  return best;
}

export function minOf(values: readonly number[]): number {
  let best = Infinity;
  for (const value of values) {
    if (Number.isNaN(value)) return Number.NaN;
    if (value < best) best = value;
  }
  return best;
}
