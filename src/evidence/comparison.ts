// What comparing a config with its version at the pull request's base finds: plain numbers and
// strings only, so the same value feeds the checks (through Evidence) and the reports (through JSON).

/** One config key whose value differs between base and head, with its measured share of the change. */
export interface KeyChange {
  /** key path as in the YAML (`training.learning_rate`, `model.layers[1].units`) */
  key: string;
  /** the value at the base, as short text; absent when the key is new */
  base?: string;
  /** the value at the head, as short text; absent when the key was removed */
  head?: string;
  /**
   * final loss of the head with only this key set back to its base value (same seed and steps);
   * absent when it was not measured (a structural change, or out of time)
   */
  revertedFinal?: number;
}

/** One side (base or head) of the comparison. */
export interface ComparisonSide {
  /** final loss of each seed, in the comparison's metric; Infinity when the run diverged */
  finals: number[];
  /** mean of `finals` (Infinity when any seed diverged) */
  meanFinal: number;
  /**
   * training loss per step of the first seed over the full smoke run, for the chart, in the head's
   * loss units (when the units differ, the base is rescaled by the ratio of the two baselines)
   */
  curve: number[];
}

/** Where the base version was read: the checkout's git history, or GitHub's API when the checkout lacks it. */
export type BaseSource = 'git' | 'github-api';

export type ComparisonVerdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

export interface BaseComparison {
  /** the git ref compared against, as given */
  ref: string;
  /** whether both sides could be compared */
  status: 'compared' | 'unchanged' | 'new-config' | 'unavailable';
  /** where the base version came from; absent when it was not read */
  source?: BaseSource;
  /** the config's path at the base when the pull request renamed it (repository-relative) */
  renamedFrom?: string;
  /** why not compared, in plain words */
  reason?: string;
  /** 'loss' when both sides use the same loss on the same target scale, else 'loss / baseline' */
  metric?: 'loss' | 'loss / baseline';
  steps?: number;
  seeds?: number[];
  base?: ComparisonSide;
  head?: ComparisonSide;
  /**
   * how the sides were compared: 'log' (the usual case, every final above zero) compares the mean of
   * ln(final), since seeds scatter a loss by a factor; 'linear' compares the raw means
   */
  scale?: 'log' | 'linear';
  /** head mean final minus base mean final, in the metric */
  difference?: number;
  /** on the log scale, when no seed diverged: the head's geometric-mean final over the base's (2 = twice the loss) */
  ratio?: number;
  /** pooled standard deviation of the per-seed finals on both sides; of ln(final) on the log scale */
  seedNoise?: number;
  /**
   * what the head must differ by to count, in seedNoise's units: max(3 x seedNoise, ln 1.05) on the log
   * scale (so the ratio must pass exp(threshold)), max(3 x seedNoise, 5% of the base mean) on the linear
   */
  threshold?: number;
  verdict?: ComparisonVerdict;
  changes: KeyChange[];
  /** data or model files the config names whose contents differ from the base */
  changedFiles: string[];
  /** what was cut or simplified (time budget, seeds that failed) */
  notes: string[];
}

/** The bar a comparison measured against, in words: the ratio or the difference, the seed noise, and the threshold. */
export function describeBar(
  c: { scale?: 'log' | 'linear'; ratio?: number; difference?: number; seedNoise?: number; threshold?: number },
  format: (n: number | undefined) => string,
): string {
  if (c.scale === 'log') {
    const factor = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '?' : `x${format(Math.exp(n))}`);
    return (
      (c.ratio === undefined ? '' : `head/base x${format(c.ratio)} (geometric means over seeds); `) +
      `seed noise ${factor(c.seedNoise)} (pooled std of ln loss ${format(c.seedNoise)}); ` +
      `a change counts beyond ${factor(c.threshold)} either way = exp(max(3 x noise, ln 1.05))`
    );
  }
  return `difference ${format(c.difference)}; seed noise (pooled std) ${format(c.seedNoise)}; a change counts beyond ${format(c.threshold)} = max(3 x noise, 5% of the base mean)`;
}
