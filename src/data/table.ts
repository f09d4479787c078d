// Rows of named columns (CSV, TSV, JSON records) -> exact column statistics and a reservoir sample.
import { SAMPLE_BYTE_BUDGET } from './arrays.ts';
import { Reservoir } from './reservoir.ts';
import { ColumnAccumulator } from './stats.ts';
import { CELL_EMPTY, CELL_NUMBER, parseCell, parseCellText, parsedCell } from './number-cell.ts';
import { fail, listNames } from './problem.ts';
import { DISTINCT_CAP, type CategoryCounts, type ColumnStats, type DataLimits, type SplitContent } from './types.ts';

const ROLE_IGNORED = 0;
const ROLE_FEATURE = 1;
const ROLE_TARGET = 2;

export interface ColumnChoice {
  features?: string[];
  targets?: string[];
  /** feature columns read as categories (declared one_hot): every cell's text is its category */
  categorical?: string[];
  /**
   * `nn-preflight init` only, when no target is given: the first of these names present (any case)
   * is the target, else the last column
   */
  guessTarget?: string[];
}

export type TableResult = SplitContent;

/** Which file columns feed x and y, checked against the header so that a typo names the real columns. */
export function chooseColumns(names: string[], choice: ColumnChoice): { features: number[]; targets: number[] } {
  const index = new Map(names.map((name, i) => [name, i]));
  const guessed =
    choice.guessTarget && (choice.targets ?? []).length === 0 && names.length > 1
      ? [names.find((n) => choice.guessTarget!.includes(n.toLowerCase())) ?? names[names.length - 1]]
      : undefined;
  const targets = guessed ?? choice.targets ?? [];
  if (targets.length === 0) {
    fail(`tabular data needs \`targets\`: name the column(s) to predict; the columns are ${listNames(names)}`, { key: 'data.targets' });
  }
  const unknownTargets = targets.filter((t) => !index.has(t));
  if (unknownTargets.length > 0) {
    fail(`target column ${listNames(unknownTargets)} is not in the file; the columns are ${listNames(names)}`, { key: 'data.targets', line: 1 });
  }
  const unknownFeatures = (choice.features ?? []).filter((f) => !index.has(f));
  if (unknownFeatures.length > 0) {
    fail(`feature column ${listNames(unknownFeatures)} is not in the file; the columns are ${listNames(names)}`, { key: 'data.features', line: 1 });
  }
  const features = choice.features ?? names.filter((n) => !targets.includes(n));
  if (features.length === 0)
    fail(`no feature columns are left once the targets are set aside; the columns are ${listNames(names)}`, { key: 'data.features', line: 1 });
  return { features: features.map((f) => index.get(f)!), targets: targets.map((t) => index.get(t)!) };
}

/** Per target column: class names seen as text, with counts, up to DISTINCT_CAP names. */
class ClassNames {
  readonly ids = new Map<string, number>();
  readonly counts: number[] = [];
  overflow = false;

  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      if (this.ids.size >= DISTINCT_CAP) {
        this.overflow = true;
        return -1;
      }
      id = this.ids.size;
      this.ids.set(name, id);
      this.counts.push(0);
    }
    this.counts[id]++;
    return id;
  }
}

export class TableBuilder {
  private readonly role: Int8Array;
  private readonly position: Int32Array;
  private readonly columnStats: (ColumnAccumulator | null)[];
  private readonly classNames: (ClassNames | null)[];
  private readonly reservoir: Reservoir;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  /** provisional class id of each sampled target cell that was text, -1 otherwise */
  private readonly yText: Int32Array;
  /** per feature column read as categories: names seen, in first-seen order */
  private readonly categories: (ClassNames | null)[];
  private readonly featureColumns: number[];
  private readonly targetColumns: number[];
  private slot = -1;
  rows = 0;

  constructor(
    readonly names: string[],
    choice: ColumnChoice,
    sampleSize: number,
    seed: number,
    private readonly limits: DataLimits,
  ) {
    if (names.length > limits.maxColumns) fail(`the file has ${names.length} columns, more than the limit of ${limits.maxColumns}`, { line: 1 });
    const chosen = chooseColumns(names, choice);
    this.featureColumns = chosen.features;
    this.targetColumns = chosen.targets;
    this.role = new Int8Array(names.length);
    this.position = new Int32Array(names.length);
    this.columnStats = names.map(() => null);
    this.classNames = names.map(() => null);
    chosen.features.forEach((column, i) => {
      this.role[column] = ROLE_FEATURE;
      this.position[column] = i;
      this.columnStats[column] = new ColumnAccumulator(names[column]);
    });
    this.categories = names.map(() => null);
    for (const name of choice.categorical ?? []) {
      const column = names.indexOf(name);
      if (column >= 0 && this.role[column] === ROLE_FEATURE) this.categories[column] = new ClassNames();
    }
    chosen.targets.forEach((column, i) => {
      this.role[column] = ROLE_TARGET;
      this.position[column] = i;
      this.columnStats[column] = new ColumnAccumulator(names[column]);
      this.classNames[column] = new ClassNames();
    });
    const rowFloats = Math.max(1, chosen.features.length + chosen.targets.length);
    this.reservoir = new Reservoir(Math.min(sampleSize, Math.floor(SAMPLE_BYTE_BUDGET / (rowFloats * 4))), seed);
    this.x = new Float32Array(this.reservoir.capacity * chosen.features.length);
    this.y = new Float32Array(this.reservoir.capacity * chosen.targets.length);
    this.yText = new Int32Array(this.reservoir.capacity * chosen.targets.length);
  }

  beginRow(line: number | undefined): void {
    if (this.rows >= this.limits.maxRows) fail(`the file has more than ${this.limits.maxRows} rows, the limit`, { line });
    this.slot = this.reservoir.offer(this.rows);
    this.rows++;
  }

  /** One cell as bytes (the CSV fast path: no string unless the cell is text). */
  cellBytes(column: number, bytes: Uint8Array, start: number, end: number): void {
    const role = this.role[column];
    if (role === ROLE_IGNORED) return;
    const stats = this.columnStats[column]!;
    const kind = parseCell(bytes, start, end);
    if (kind === CELL_NUMBER) return this.number(column, role, stats, parsedCell.value);
    if (kind === CELL_EMPTY) return this.missing(column, role, stats);
    this.text(column, role, stats, () =>
      Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start)
        .toString('utf8')
        .trim(),
    );
  }

  /** One cell already known to be a finite number (the CSV fast path). */
  cellNumber(column: number, value: number): void {
    const role = this.role[column];
    if (role !== ROLE_IGNORED) this.number(column, role, this.columnStats[column]!, value);
  }

  /** One cell already decoded to a string (quoted CSV cells with escapes, JSON strings). */
  cellText(column: number, value: string): void {
    const role = this.role[column];
    if (role === ROLE_IGNORED) return;
    const stats = this.columnStats[column]!;
    const kind = parseCellText(value);
    if (kind === CELL_NUMBER) return this.number(column, role, stats, parsedCell.value);
    if (kind === CELL_EMPTY) return this.missing(column, role, stats);
    this.text(column, role, stats, () => value.trim());
  }

  /** One JSON value: numbers and booleans are numbers, null is missing, strings are parsed like CSV cells. */
  cellJson(column: number, value: unknown): void {
    const role = this.role[column];
    if (role === ROLE_IGNORED) return;
    const stats = this.columnStats[column]!;
    if (typeof value === 'number') return this.number(column, role, stats, value);
    if (typeof value === 'boolean') return this.number(column, role, stats, value ? 1 : 0);
    if (value === null || value === undefined) return this.missing(column, role, stats);
    if (typeof value === 'string') return this.cellText(column, value);
    this.text(column, role, stats, () => JSON.stringify(value).slice(0, 60));
  }

  private number(column: number, role: number, stats: ColumnAccumulator, value: number): void {
    if (this.categories[column] !== null && Number.isFinite(value)) return this.category(column, stats, String(value), false);
    stats.addNumber(value);
    if (this.slot < 0) return;
    if (role === ROLE_FEATURE) this.x[this.slot * this.featureColumns.length + this.position[column]] = value;
    else this.setTarget(column, value, -1);
  }

  private missing(column: number, role: number, stats: ColumnAccumulator): void {
    stats.addEmpty();
    if (this.slot < 0) return;
    if (role === ROLE_FEATURE) this.x[this.slot * this.featureColumns.length + this.position[column]] = NaN;
    else this.setTarget(column, NaN, -1);
  }

  private text(column: number, role: number, stats: ColumnAccumulator, value: () => string): void {
    if (role === ROLE_TARGET) {
      const name = value();
      stats.addText(() => name);
      const id = this.classNames[column]!.idOf(name);
      if (this.slot >= 0) this.setTarget(column, NaN, id);
      return;
    }
    if (this.categories[column] !== null) return this.category(column, stats, value(), true);
    stats.addText(value);
    if (this.slot >= 0) this.x[this.slot * this.featureColumns.length + this.position[column]] = NaN;
  }

  /** A cell of a categorical column: counted by name, its provisional id kept in the sample (sorted ids in finish). */
  private category(column: number, stats: ColumnAccumulator, name: string, isText: boolean): void {
    if (isText) stats.addText(() => name);
    else stats.addNumber(Number(name));
    const id = this.categories[column]!.idOf(name);
    if (id < 0)
      fail(`one_hot column "${this.names[column]}" has more than ${DISTINCT_CAP} categories; use an embedding for a column with this many values`, {
        key: 'preprocessing.inputs.one_hot',
      });
    if (this.slot >= 0) this.x[this.slot * this.featureColumns.length + this.position[column]] = id;
  }

  private setTarget(column: number, value: number, textId: number): void {
    const at = this.slot * this.targetColumns.length + this.position[column];
    this.y[at] = value;
    this.yText[at] = textId;
  }

  finish(): TableResult {
    const order = this.reservoir.slotsInFileOrder();
    const nf = this.featureColumns.length;
    const nt = this.targetColumns.length;
    const x = new Float32Array(order.length * nf);
    const y = new Float32Array(order.length * nt);
    const rowIndex = new Int32Array(order.length);
    order.forEach((slot, i) => {
      x.set(this.x.subarray(slot * nf, slot * nf + nf), i * nf);
      y.set(this.y.subarray(slot * nt, slot * nt + nt), i * nt);
      rowIndex[i] = this.reservoir.slotRow[slot];
    });
    const categories: Record<string, CategoryCounts> = {};
    this.featureColumns.forEach((column, f) => {
      const seen = this.categories[column];
      if (seen === null) return;
      const sorted = [...seen.ids.keys()].sort();
      const idOfProvisional = new Int32Array(sorted.length);
      sorted.forEach((name, id) => (idOfProvisional[seen.ids.get(name)!] = id));
      for (let r = 0; r < order.length; r++) {
        const at = r * nf + f;
        if (Number.isInteger(x[at]) && x[at] >= 0) x[at] = idOfProvisional[x[at]];
      }
      const stats = this.columnStats[column]!;
      categories[this.names[column]] = { names: sorted, counts: sorted.map((name) => seen.counts[seen.ids.get(name)!]), missing: stats.empty + stats.nan };
    });
    const targets = this.targetColumns.map((c) => this.columnStats[c]!.finish());
    let classNames: string[] | undefined;
    this.targetColumns.forEach((column, t) => {
      const names = this.classNames[column]!;
      const stats = targets[t];
      // a target written as class names (no numbers at all) becomes class ids in sorted-name order
      if (stats.text === 0 || stats.numeric > 0 || stats.nan + stats.inf > 0 || names.overflow) return;
      const sorted = [...names.ids.keys()].sort();
      const idOfProvisional = new Int32Array(sorted.length);
      sorted.forEach((name, id) => (idOfProvisional[names.ids.get(name)!] = id));
      order.forEach((slot, i) => {
        const provisional = this.yText[slot * nt + t];
        if (provisional >= 0) y[i * nt + t] = idOfProvisional[provisional];
      });
      targets[t] = classIdStats(
        stats,
        sorted.map((name) => names.counts[names.ids.get(name)!]),
      );
      if (classNames === undefined) classNames = sorted;
    });
    return {
      rows: this.rows,
      featureNames: this.featureColumns.map((c) => this.names[c]),
      targetNames: this.targetColumns.map((c) => this.names[c]),
      features: this.featureColumns.map((c) => this.columnStats[c]!.finish()),
      targets,
      sample: { rows: order.length, x, featureShape: [nf], y, targetWidth: nt, rowIndex },
      ...(classNames ? { classNames } : {}),
      ...(Object.keys(categories).length > 0 ? { categories } : {}),
    };
  }
}

/** Statistics of a class-name column restated over class ids, exactly, from the per-name counts. */
function classIdStats(named: ColumnStats, countsById: number[]): ColumnStats {
  const total = countsById.reduce((a, b) => a + b, 0);
  const mean = countsById.reduce((sum, count, id) => sum + id * count, 0) / total;
  const variance = countsById.reduce((sum, count, id) => sum + count * (id - mean) ** 2, 0) / total;
  return {
    ...named,
    numeric: total,
    text: 0,
    mean,
    std: Math.sqrt(variance),
    min: 0,
    max: countsById.length - 1,
    integer: true,
    distinct: countsById.length,
    values: countsById.map((count, value) => ({ value, count })),
  };
}
