// Number formatting and downsampling shared by the chart and table renderers.

/** Four significant digits, no trailing zeros; `NaN`/`Infinity` spelled out. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(digits)));
}

/**
 * Four significant digits written without an exponent, for parsers (Mermaid) that do not read
 * `1e-7`; only meaningful for finite values.
 */
export function formatPlainDecimal(value: number, digits = 4): string {
  if (!Number.isFinite(value) || value === 0) return formatNumber(value, digits);
  // Rounding the largest doubles up overflows to Infinity; keep the value then.
  const rounded = Number.isFinite(Number(value.toPrecision(digits))) ? Number(value.toPrecision(digits)) : value;
  const magnitude = Math.abs(rounded);
  if (magnitude >= 1e21) return BigInt(Math.round(rounded)).toString();
  if (!String(rounded).includes('e')) return String(rounded);
  const decimals = Math.min(100, Math.ceil(-Math.log10(magnitude)) + digits);
  // Below 1e-96 the hundred decimals toFixed allows hold only zeros: the value reads as 0.
  const plain = rounded.toFixed(decimals).replace(/\.?0+$/, '');
  return plain === '-0' ? '0' : plain;
}

/**
 * At most `max` indices into an array of `length`, evenly spread, always keeping the first and
 * the last, in increasing order.
 */
export function downsampleIndices(length: number, max: number): number[] {
  if (length <= 0 || max <= 0) return [];
  if (length <= max) return Array.from({ length }, (_, i) => i);
  if (max === 1) return [length - 1];
  const picked = new Set<number>();
  for (let k = 0; k < max; k++) picked.add(Math.round((k * (length - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b);
}

export function finiteValues(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

/** Step number of training loss `loss[index]`: the loss recorded by training step `index + 1`. */
export function stepOfLossIndex(index: number): number {
  return index + 1;
}
