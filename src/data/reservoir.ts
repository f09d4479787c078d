// A uniform sample of at most `capacity` rows from a stream of unknown length, reproducible from a seed.

/** mulberry32: tiny, fast and good enough for sampling; the same seed always gives the same stream. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Algorithm L (Li, 1994): decides for each row index, in order, whether it enters the sample and in
 * which slot. It draws random numbers only for accepted rows, so skipping a row costs one comparison,
 * which keeps the sampler out of the hot path of a multi-gigabyte pass.
 */
export class Reservoir {
  readonly capacity: number;
  /** file row held by each slot, -1 while empty */
  readonly slotRow: Int32Array;
  private readonly random: () => number;
  private weight = 0;
  /** the next row past the first `capacity` that enters the sample */
  nextAccepted = 0;
  filled = 0;

  constructor(capacity: number, seed: number) {
    this.capacity = Math.max(0, Math.floor(capacity));
    this.slotRow = new Int32Array(this.capacity).fill(-1);
    this.random = mulberry32(seed);
    if (this.capacity > 0) {
      this.weight = Math.exp(Math.log(this.openUnit()) / this.capacity);
      this.nextAccepted = this.capacity + this.skip();
    }
  }

  /** Rows must be offered in increasing order, each once. Returns the slot to overwrite, or -1. */
  offer(row: number): number {
    if (this.capacity === 0) return -1;
    if (row < this.capacity) {
      this.slotRow[row] = row;
      this.filled = row + 1;
      return row;
    }
    if (row !== this.nextAccepted) return -1;
    const slot = Math.floor(this.random() * this.capacity);
    this.slotRow[slot] = row;
    this.weight *= Math.exp(Math.log(this.openUnit()) / this.capacity);
    this.nextAccepted = row + 1 + this.skip();
    return slot;
  }

  /** Slots ordered by the file row they hold, so that the sample reads in file order. */
  slotsInFileOrder(): number[] {
    const slots: number[] = [];
    for (let s = 0; s < this.filled; s++) slots.push(s);
    return slots.sort((a, b) => this.slotRow[a] - this.slotRow[b]);
  }

  private skip(): number {
    const gap = Math.floor(Math.log(this.openUnit()) / Math.log(1 - this.weight));
    // weight can round to 1 for a tiny capacity; then no later row would ever be taken, which is wrong
    return Number.isFinite(gap) && gap >= 0 ? Math.min(gap, 2 ** 31) : 0;
  }

  /** uniform in (0, 1): log(0) would break the skip formula */
  private openUnit(): number {
    let u = this.random();
    while (u === 0) u = this.random();
    return u;
  }
}

/**
 * For sources whose row count is known before reading (NumPy arrays, image folders): the sorted
 * file rows that the reservoir would keep. The same seed gives the same rows as streaming would.
 */
export function sampledRows(totalRows: number, capacity: number, seed: number): Int32Array {
  const reservoir = new Reservoir(Math.min(capacity, totalRows), seed);
  for (let row = 0; row < totalRows; ) {
    reservoir.offer(row);
    row = row + 1 < reservoir.capacity ? row + 1 : Math.max(row + 1, reservoir.nextAccepted);
  }
  const rows = Int32Array.from(reservoir.slotRow.subarray(0, reservoir.filled));
  return rows.sort();
}
