// The bar a fixed variant must clear to be called verified; reports import the words without the engine.

/**
 * A fix is verified when its final loss is at most this share of the original's. Five seeds of one
 * setup (100 steps) end up to 1.74x apart (regression-clean; multiclass-clean 1.26x, binary-clean
 * 1.14x, regression-raw-units 1.12x), so a change that only reshuffles the run could pass a smaller bar.
 */
export const VERIFIED_MAX_RATIO = 0.5;
/** The original run diverged (its final is not finite; null once read back from JSON), so the bar is the fixed run's start. */
export function originalDiverged(before: number | null | undefined): boolean {
  return typeof before !== 'number' || !Number.isFinite(before);
}

/** `, from a start of X` when the original diverged (the number the bar then stands on), else nothing. */
export function fromStartWords(check: { before: number | null | undefined; afterStart?: number | null }, format: (n: number) => string): string {
  return originalDiverged(check.before) && typeof check.afterStart === 'number' ? `, from a start of ${format(check.afterStart)}` : '';
}

/** The bar in words, for reports: a fix that helps but stays above it is "not verified", and says why. */
export function verifiedBarWords(originalDiverged: boolean): string {
  return originalDiverged
    ? 'as the original diverged, a verified fix must take its own loss to half its start'
    : 'a verified fix needs at most half the original final loss';
}
