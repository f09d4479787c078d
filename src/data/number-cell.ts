// Turning the bytes of one cell into a number without creating a string for the common case.

export const CELL_NUMBER = 0;
export const CELL_EMPTY = 1;
export const CELL_TEXT = 2;
export type CellKind = typeof CELL_NUMBER | typeof CELL_EMPTY | typeof CELL_TEXT;

/** The value of the last cell parsed as CELL_NUMBER (a shared slot avoids allocating a result per cell). */
export const parsedCell = { value: 0 };

// Clinger's fast path: an integer mantissa below 2^53 scaled by an exact power of ten is correctly rounded.
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const MAX_FAST_DIGITS = 15;
const MAX_EXACT_MANTISSA = 2 ** 53;

/** Spellings of "no value" that pandas reads as missing; they count as empty cells, not text. */
const MISSING_WORDS = new Set(['na', 'n/a', '#n/a', '#na', 'null', 'none', '<na>']);
const NAN_WORDS = new Set(['nan', '+nan', '-nan', '1.#qnan', '-1.#qnan', '1.#ind', '-1.#ind']);
const POSITIVE_INF_WORDS = new Set(['inf', '+inf', 'infinity', '+infinity']);
const NEGATIVE_INF_WORDS = new Set(['-inf', '-infinity']);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d;
}

/** Classify bytes [start, end) of `bytes`; for numbers the value is left in `parsedCell.value`. */
export function parseCell(bytes: Uint8Array, start: number, end: number): CellKind {
  while (start < end && isBlank(bytes[start])) start++;
  while (end > start && isBlank(bytes[end - 1])) end--;
  if (start === end) return CELL_EMPTY;
  let i = start;
  let negative = false;
  let c = bytes[i];
  if (c === 0x2d) {
    negative = true;
    i++;
  } else if (c === 0x2b) i++;
  let mantissa = 0;
  let digits = 0;
  let exponent = 0;
  let sawDigit = false;
  while (i < end && (c = bytes[i] - 0x30) >= 0 && c <= 9) {
    sawDigit = true;
    if (digits > 0 || c !== 0) digits++;
    mantissa = mantissa * 10 + c;
    i++;
  }
  if (i < end && bytes[i] === 0x2e) {
    i++;
    while (i < end && (c = bytes[i] - 0x30) >= 0 && c <= 9) {
      sawDigit = true;
      if (digits > 0 || c !== 0) digits++;
      mantissa = mantissa * 10 + c;
      exponent--;
      i++;
    }
  }
  if (sawDigit && i < end && (bytes[i] | 0x20) === 0x65) {
    i++;
    let exponentNegative = false;
    if (i < end && (bytes[i] === 0x2d || bytes[i] === 0x2b)) exponentNegative = bytes[i++] === 0x2d;
    let written = 0;
    let writtenDigits = 0;
    while (i < end && (c = bytes[i] - 0x30) >= 0 && c <= 9 && writtenDigits < 6) {
      written = written * 10 + c;
      writtenDigits++;
      i++;
    }
    if (writtenDigits === 0) return parseOddCell(bytes, start, end);
    exponent += exponentNegative ? -written : written;
  }
  if (!sawDigit || i !== end || digits > MAX_FAST_DIGITS || exponent < -22 || exponent > 22) {
    return parseOddCell(bytes, start, end);
  }
  const magnitude = exponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-exponent] : mantissa * EXACT_POWERS_OF_TEN[exponent];
  parsedCell.value = negative ? -magnitude : magnitude;
  return CELL_NUMBER;
}

/**
 * The CSV hot path: reads a plain decimal (`-12.5`, `3`, `1e-3`) starting at `start` that ends at
 * `delimiter`, a line end or `length`. Returns where it ended, with the value in `parsedCell.value`,
 * or -1 for anything else (empty, quoted, text, long mantissas), which the caller handles slowly.
 * `bytes[length]` must be a byte that is neither a digit nor a sign, point or exponent letter (the
 * scanner keeps a 0 there), so that the digit loops need no bounds check.
 */
export function scanPlainNumber(bytes: Uint8Array, start: number, length: number, delimiter: number): number {
  let i = start;
  let c = bytes[i];
  const negative = c === 0x2d;
  if (negative) c = bytes[++i];
  let mantissa = 0;
  const firstDigit = i;
  while (c >= 0x30 && c <= 0x39) {
    mantissa = mantissa * 10 + (c - 0x30);
    c = bytes[++i];
  }
  let exponent = 0;
  let sawDigit = i > firstDigit;
  if (c === 0x2e) {
    c = bytes[++i];
    const fractionStart = i;
    while (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      c = bytes[++i];
    }
    exponent = fractionStart - i;
    sawDigit = sawDigit || i > fractionStart;
  }
  // beyond 2^53 the running mantissa is no longer exact; the slow path reads such cells
  if (!sawDigit || mantissa > MAX_EXACT_MANTISSA) return -1;
  if (c === 0x65 || c === 0x45) {
    c = bytes[++i];
    let exponentNegative = false;
    if (c === 0x2d || c === 0x2b) {
      exponentNegative = c === 0x2d;
      c = bytes[++i];
    }
    const exponentStart = i;
    let written = 0;
    while (c >= 0x30 && c <= 0x39 && i - exponentStart < 4) {
      written = written * 10 + (c - 0x30);
      c = bytes[++i];
    }
    if (i === exponentStart) return -1;
    exponent += exponentNegative ? -written : written;
  }
  if (i > length || (i < length && c !== delimiter && c !== 0x0a && c !== 0x0d)) return -1;
  if (exponent < -22 || exponent > 22) return -1;
  const magnitude = exponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-exponent] : mantissa * EXACT_POWERS_OF_TEN[exponent];
  parsedCell.value = negative ? -magnitude : magnitude;
  return i;
}

/** Long mantissas, large exponents, nan/inf spellings and missing markers: rare, so a string is fine. */
function parseOddCell(bytes: Uint8Array, start: number, end: number): CellKind {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  return parseCellText(text);
}

/** The same classification for a cell that is already a string (quoted cells with escapes, JSON strings). */
export function parseCellText(raw: string): CellKind {
  const text = raw.trim();
  if (text.length === 0) return CELL_EMPTY;
  if (text.length < 400 && DECIMAL.test(text)) {
    parsedCell.value = Number(text);
    return CELL_NUMBER;
  }
  if (text.length > 12) return CELL_TEXT;
  const lower = text.toLowerCase();
  if (NAN_WORDS.has(lower)) {
    parsedCell.value = NaN;
    return CELL_NUMBER;
  }
  if (POSITIVE_INF_WORDS.has(lower)) {
    parsedCell.value = Infinity;
    return CELL_NUMBER;
  }
  if (NEGATIVE_INF_WORDS.has(lower)) {
    parsedCell.value = -Infinity;
    return CELL_NUMBER;
  }
  if (MISSING_WORDS.has(lower)) return CELL_EMPTY;
  return CELL_TEXT;
}
