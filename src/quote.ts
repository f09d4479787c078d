// One rule for quoting a value from a pull request's files in a message: at most a short prefix, so a
// 900 KB string (or one reused by YAML aliases) costs a few dozen bytes in every report, not megabytes.

/** Characters of an untrusted value a message quotes; the rest is replaced by a count. */
export const MAX_QUOTED_CHARS = 80;

/** `value` when short, else its first MAX_QUOTED_CHARS characters and how many more there were. */
export function quoteShort(value: string, max = MAX_QUOTED_CHARS): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}... (${value.length - max} more characters)`;
}
