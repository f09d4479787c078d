// A column declared one_hot becomes one 0/1 column per category seen in the training data, in the
// statistics (exactly, from the whole-file category counts) and in the sample, before any check reads
// the data: the checks then judge what the model really receives.
import { indicatorName } from '../config/column-preprocessing.ts';
import type { ColumnStats, LoadedSplit, OneHotColumn } from './types.ts';

/**
 * Replaces each one_hot feature column of `split` by its indicator columns. `trainCategories` are the
 * training split's categories (for the training split itself, its own).
 */
export function expandOneHot(split: LoadedSplit, columns: string[], trainCategories: Record<string, string[]>): LoadedSplit {
  const categories = split.categories ?? {};
  const positions = new Map(columns.map((c) => [split.featureNames.indexOf(c), c] as const).filter(([at]) => at >= 0));
  if (positions.size === 0) return split;
  const featureNames: string[] = [];
  const features: ColumnStats[] = [];
  const summaries: OneHotColumn[] = [];
  /** per original feature: where its first output column goes, and the map from its category ids to train ids */
  const layout: { at: number; remap?: Int32Array }[] = [];
  split.featureNames.forEach((name, f) => {
    const column = positions.get(f);
    if (column === undefined) {
      layout.push({ at: featureNames.length });
      featureNames.push(name);
      features.push(split.features[f]);
      return;
    }
    const own = categories[column] ?? { names: [], counts: [], missing: split.features[f].empty + split.features[f].nan };
    const train = trainCategories[column] ?? own.names;
    const trainIndex = new Map(train.map((n, i) => [n, i]));
    const remap = Int32Array.from(own.names, (n) => trainIndex.get(n) ?? -1);
    const countOf = new Array<number>(train.length).fill(0);
    const unseen: string[] = [];
    let unseenCells = 0;
    own.names.forEach((n, i) => {
      if (remap[i] >= 0) countOf[remap[i]] = own.counts[i];
      else {
        unseen.push(n);
        unseenCells += own.counts[i];
      }
    });
    const total = split.features[f].count;
    layout.push({ at: featureNames.length, remap });
    train.forEach((category, k) => {
      featureNames.push(indicatorName(column, category));
      features.push(indicatorStats(indicatorName(column, category), countOf[k], total));
    });
    let unseenRows = 0;
    if (unseen.length > 0) {
      const width = split.featureNames.length;
      for (let r = 0; r < split.sample.rows; r++) {
        const id = split.sample.x[r * width + f];
        if (Number.isInteger(id) && id >= 0 && remap[id] < 0) unseenRows++;
      }
    }
    summaries.push({
      column,
      categories: train,
      missing: own.missing,
      ...(unseen.length > 0 ? { unseen: { cells: unseenCells, rows: unseenRows, examples: unseen.slice(0, 5) } } : {}),
    });
  });
  const width = split.featureNames.length;
  const outWidth = featureNames.length;
  const x = new Float32Array(split.sample.rows * outWidth);
  for (let r = 0; r < split.sample.rows; r++) {
    for (let f = 0; f < width; f++) {
      const value = split.sample.x[r * width + f];
      const { at, remap } = layout[f];
      if (remap === undefined) x[r * outWidth + at] = value;
      else if (Number.isInteger(value) && value >= 0 && remap[value] >= 0) x[r * outWidth + at + remap[value]] = 1;
    }
  }
  const { categories: _read, ...rest } = split;
  return { ...rest, featureNames, features, sample: { ...split.sample, x, featureShape: [outWidth] }, oneHot: summaries };
}

/** Exact statistics of a 0/1 column with `ones` ones among `total` cells. */
function indicatorStats(name: string, ones: number, total: number): ColumnStats {
  const p = total > 0 ? ones / total : 0;
  const values = [
    { value: 0, count: total - ones },
    { value: 1, count: ones },
  ].filter((v) => v.count > 0);
  return {
    name,
    count: total,
    numeric: total,
    empty: 0,
    nan: 0,
    inf: 0,
    text: 0,
    textExamples: [],
    mean: p,
    std: Math.sqrt(p * (1 - p)),
    min: ones === total ? 1 : 0,
    max: ones > 0 ? 1 : 0,
    integer: true,
    distinct: values.length,
    values,
  };
}
