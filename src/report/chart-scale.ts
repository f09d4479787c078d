// Axis scales for the SVG chart: linear with round ticks, or log10 with ticks at powers of ten.
import { formatNumber } from './numbers.ts';

export interface Scale {
  toPixel(value: number): number;
  ticks: { value: number; label: string }[];
  isLog: boolean;
}

const MAX_TICKS = 20;

/** Round tick values between min and max; counted by index, so a step below float precision cannot loop forever. */
export function linearTicks(min: number, max: number, target = 5): number[] {
  // Halves first: max - min overflows to Infinity for values near the largest double.
  const rawStep = ((max / 2 - min / 2) / target) * 2;
  if (!Number.isFinite(rawStep) || rawStep <= 0) return [];
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rawStep) ?? 10 * magnitude;
  const first = Math.ceil(min / step);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last && ticks.length < MAX_TICKS; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** A value range that is never empty, padded a little so lines do not touch the frame. */
function paddedRange(values: number[], pad: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  if (min === max) {
    const half = min === 0 ? 1 : Math.abs(min) * 0.1;
    return [Math.max(-Number.MAX_VALUE, min - half), Math.min(Number.MAX_VALUE, max + half)];
  }
  const extra = (max / 2 - min / 2) * 2 * pad;
  return [Math.max(-Number.MAX_VALUE, min - extra), Math.min(Number.MAX_VALUE, max + extra)];
}

export function makeScale(values: number[], pixelFrom: number, pixelTo: number, mode: 'linear' | 'log' | 'log10-values', pad: number): Scale {
  const transform = mode === 'log' ? Math.log10 : (v: number) => v;
  const [min, max] = paddedRange(values.map(transform), pad);
  const toPixel = (value: number) => pixelFrom + ((transform(value) / 2 - min / 2) / (max / 2 - min / 2)) * (pixelTo - pixelFrom);
  if (mode === 'linear') {
    return { toPixel, ticks: linearTicks(min, max).map((value) => ({ value, label: formatNumber(value, 3) })), isLog: false };
  }
  // Log axes tick at powers of ten (whole decades); a narrow range falls back to fractional exponents.
  let exponents: number[] = [];
  for (let e = Math.ceil(min); e <= Math.floor(max); e++) exponents.push(e);
  if (exponents.length < 2) exponents = linearTicks(min, max, 4);
  const stride = Math.ceil(exponents.length / 8);
  const ticks = exponents
    .filter((_, i) => i % stride === 0)
    .map((e) => {
      const value = mode === 'log' ? 10 ** e : e;
      return { value, label: formatNumber(10 ** e, 3) };
    });
  return { toPixel, ticks, isLog: true };
}
