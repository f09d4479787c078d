// Exact per-column statistics over a whole file, in constant memory per column.
import { DISTINCT_CAP, type ColumnStats } from './types.ts';

const TEXT_EXAMPLES = 5;

/**
 * Welford's update keeps mean and variance stable over hundreds of millions of cells, where a
 * plain sum of squares loses every digit when the mean is large relative to the spread.
 */
export class ColumnAccumulator {
  count = 0;
  numeric = 0;
  empty = 0;
  nan = 0;
  inf = 0;
  text = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private integer = true;
  private distinct: Map<number, number> | null = new Map();
  readonly textExamples: string[] = [];

  constructor(readonly name: string) {}

  addNumber(value: number): void {
    this.count++;
    if (value - value !== 0) {
      // NaN or ±Infinity: both fail x - x === 0, and one test keeps the finite path short
      if (value !== value) this.nan++;
      else this.inf++;
      return;
    }
    const n = ++this.numeric;
    const delta = value - this.mean;
    this.mean += delta / n;
    this.m2 += delta * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.integer && Math.floor(value) !== value) this.integer = false;
    const distinct = this.distinct;
    if (distinct !== null) {
      const seen = distinct.get(value);
      if (seen !== undefined) distinct.set(value, seen + 1);
      else if (distinct.size < DISTINCT_CAP) distinct.set(value, 1);
      else this.distinct = null;
    }
  }

  /** `addNumber(value)` `times` times over, in one step: image pixels arrive as per-value counts. */
  addRepeated(value: number, times: number): void {
    if (times <= 0) return;
    if (value - value !== 0) {
      for (let i = 0; i < times; i++) this.addNumber(value);
      return;
    }
    this.count += times;
    const n = this.numeric + times;
    const delta = value - this.mean;
    this.mean += (delta * times) / n;
    this.m2 += (delta * delta * this.numeric * times) / n;
    this.numeric = n;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.integer && Math.floor(value) !== value) this.integer = false;
    const distinct = this.distinct;
    if (distinct !== null) {
      const seen = distinct.get(value);
      if (seen !== undefined) distinct.set(value, seen + times);
      else if (distinct.size < DISTINCT_CAP) distinct.set(value, times);
      else this.distinct = null;
    }
  }

  addEmpty(): void {
    this.count++;
    this.empty++;
  }

  /** `example` is asked for only while examples are still wanted, so text columns stay cheap. */
  addText(example: () => string): void {
    this.count++;
    this.text++;
    if (this.textExamples.length < TEXT_EXAMPLES) {
      const value = example();
      if (!this.textExamples.includes(value)) this.textExamples.push(value);
    }
  }

  wantsTextExample(): boolean {
    return this.textExamples.length < TEXT_EXAMPLES;
  }

  /** Adds `other` (same column, another part of the data) into this one (Chan et al. pairwise update). */
  merge(other: ColumnAccumulator): void {
    this.count += other.count;
    this.empty += other.empty;
    this.nan += other.nan;
    this.inf += other.inf;
    this.text += other.text;
    for (const example of other.textExamples) {
      if (this.textExamples.length < TEXT_EXAMPLES && !this.textExamples.includes(example)) this.textExamples.push(example);
    }
    if (other.numeric > 0) {
      const n = this.numeric + other.numeric;
      const delta = other.mean - this.mean;
      this.mean += (delta * other.numeric) / n;
      this.m2 += other.m2 + (delta * delta * this.numeric * other.numeric) / n;
      this.numeric = n;
      this.min = Math.min(this.min, other.min);
      this.max = Math.max(this.max, other.max);
      this.integer = this.integer && other.integer;
    }
    if (this.distinct !== null) {
      if (other.distinct === null) this.distinct = null;
      else {
        for (const [value, count] of other.distinct) this.distinct.set(value, (this.distinct.get(value) ?? 0) + count);
        if (this.distinct.size > DISTINCT_CAP) this.distinct = null;
      }
    }
  }

  finish(): ColumnStats {
    const hasNumbers = this.numeric > 0;
    const stats: ColumnStats = {
      name: this.name,
      count: this.count,
      numeric: this.numeric,
      empty: this.empty,
      nan: this.nan,
      inf: this.inf,
      text: this.text,
      textExamples: [...this.textExamples],
      mean: hasNumbers ? this.mean : NaN,
      std: hasNumbers ? Math.sqrt(Math.max(0, this.m2 / this.numeric)) : NaN,
      min: hasNumbers ? this.min : NaN,
      max: hasNumbers ? this.max : NaN,
      integer: hasNumbers && this.integer,
      distinct: this.distinct === null ? null : this.distinct.size,
    };
    if (this.distinct !== null) {
      stats.values = [...this.distinct.entries()].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count }));
    }
    return stats;
  }
}
