// The loader's one error type: plain data that names the file, line and key, never an exception.

export interface ConfigProblem {
  message: string;
  key?: string;
  line?: number;
  column?: number;
  file?: string;
  expected?: string;
  received?: string;
}

export interface ConfigLimits {
  maxAliases: number;
  maxDepth: number;
  maxLayers: number;
  /** largest units/filters/embedding size one layer may ask for */
  maxUnits: number;
  /** largest config file, in bytes */
  maxBytes: number;
  /** most keys and list items the YAML may hold (default DEFAULT_MAX_NODES in yaml-source.ts) */
  maxNodes?: number;
  /** most characters of keys and values the YAML may hold with its aliases expanded */
  maxExpandedChars?: number;
}

/**
 * Characters the config may hold once every alias is expanded: twice the largest config file. The alias
 * limit counts aliases, not what they copy, so one 900 KB string reused 99 times would otherwise become
 * 89 MB of values for the schema, the messages and the report.
 */
export const DEFAULT_MAX_EXPANDED_CHARS = 2 * 1024 * 1024;

export const DEFAULT_CONFIG_LIMITS: ConfigLimits = {
  maxAliases: 100,
  maxDepth: 64,
  maxLayers: 1000,
  maxUnits: 1_000_000,
  maxBytes: 1024 * 1024,
  maxExpandedChars: DEFAULT_MAX_EXPANDED_CHARS,
};

/** Levenshtein distance, for "did you mean" hints on misspelt keys and names. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** Longer words get no "did you mean": at a third of their length in edits, no candidate could match. */
export const MAX_HINT_WORD_CHARS = 64;

/** The closest candidate when it is close enough to be a plausible typo. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  // No name is anywhere near this long, and the edit distance costs length x length: a 900 KB value
  // would take seconds per candidate.
  if (word.length > MAX_HINT_WORD_CHARS) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}
