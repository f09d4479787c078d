// CSV and TSV straight from bytes: RFC 4180 quoting, header row, blank lines skipped, ragged rows refused.
import type { FileHandle } from 'node:fs/promises';
import { scanFile, type Progress } from './chunks.ts';
import type { DecimalMark, Delimiter } from './dialect.ts';
import { parsedCell, scanPlainNumber } from './number-cell.ts';
import { fail } from './problem.ts';
import { TableBuilder, type ColumnChoice, type TableResult } from './table.ts';
import type { DataLimits } from './types.ts';

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const QUOTED = 1;
const ESCAPED = 2;
const TRAILING = 4;
/** the cell was read as a plain number while scanning; its value is in `values` */
const NUMBER = 8;

export interface DelimitedOptions extends ColumnChoice {
  delimiter: Delimiter;
  /** ',' reads `1,5` as 1.5 (European exports with `;` delimiters) */
  decimal?: DecimalMark;
  sample: number;
  seed: number;
  limits: DataLimits;
}

/**
 * Cells are located first (offsets only) and handed over once their record is complete, so a record
 * cut by a chunk boundary is never half-counted: the scanner hands the incomplete tail back to
 * `scanFile`, which prepends it to the next chunk.
 */
export async function readDelimited(handle: FileHandle, size: number, options: DelimitedOptions, progress: Progress): Promise<TableResult> {
  const delimiter = options.delimiter.charCodeAt(0);
  const decimalComma = options.decimal === ',' && options.delimiter !== ',';
  let starts = new Int32Array(64);
  let ends = new Int32Array(64);
  let trailingEnds = new Int32Array(64);
  let flags = new Uint8Array(64);
  let values = new Float64Array(64);
  let builder: TableBuilder | undefined;
  let line = 1;
  let firstChunk = true;

  const grow = () => {
    const more = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    starts = more(starts);
    ends = more(ends);
    trailingEnds = more(trailingEnds);
    const f = new Uint8Array(flags.length * 2);
    f.set(flags);
    flags = f;
    const v = new Float64Array(values.length * 2);
    v.set(values);
    values = v;
  };

  const cellString = (data: Buffer, c: number): string => {
    let text = data.toString('utf8', starts[c], ends[c]);
    if (flags[c] & ESCAPED) text = text.replaceAll('""', '"');
    if (flags[c] & TRAILING) text += data.toString('utf8', ends[c] + 1, trailingEnds[c]);
    return text;
  };

  const emitRecord = (data: Buffer, cells: number, recordLine: number) => {
    if (cells === 1 && flags[0] === 0) {
      const length = ends[0] - starts[0];
      if (length === 0 || (length === 1 && data[starts[0]] === RETURN)) return;
    }
    if (builder === undefined) {
      const names: string[] = [];
      for (let c = 0; c < cells; c++) names.push(cellString(data, c).trim());
      builder = new TableBuilder(uniqueNames(names), options, options.sample, options.seed, options.limits);
      return;
    }
    const columns = builder.names.length;
    if (cells !== columns) {
      fail(`line ${recordLine} has ${cells} field${cells === 1 ? '' : 's'} but the header has ${columns}`, { line: recordLine });
    }
    builder.beginRow(recordLine);
    for (let c = 0; c < cells; c++) {
      const cellFlags = flags[c];
      if (cellFlags === NUMBER) builder.cellNumber(c, values[c]);
      else if (decimalComma && data.subarray(starts[c], ends[c]).includes(COMMA)) builder.cellText(c, withDecimalPoint(cellString(data, c)));
      else if (cellFlags === 0 || cellFlags === QUOTED) builder.cellBytes(c, data, starts[c], ends[c]);
      else builder.cellText(c, cellString(data, c));
    }
  };

  const consume = (data: Buffer, length: number, final: boolean): number => {
    let pos = 0;
    if (firstChunk) {
      firstChunk = false;
      if (length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
    }
    while (pos < length) {
      const recordStart = pos;
      const recordLine = line;
      let newlines = 0;
      let cells = 0;
      let numberEnd = -1;
      for (;;) {
        if (cells === starts.length) {
          // a record far wider than the header would otherwise grow these arrays with the file
          const allowed = builder === undefined ? options.limits.maxColumns : builder.names.length;
          if (cells > allowed) fail(`line ${recordLine} has more than ${allowed} fields`, { line: recordLine });
          grow();
        }
        if (pos < length && data[pos] === QUOTE) {
          let p = pos + 1;
          let closing = -1;
          let cellFlags = QUOTED;
          while (p < length) {
            const c = data[p];
            if (c === QUOTE) {
              if (p + 1 >= length && !final) break;
              if (data[p + 1] === QUOTE) {
                cellFlags |= ESCAPED;
                p += 2;
                continue;
              }
              closing = p;
              break;
            }
            if (c === NEWLINE) newlines++;
            p++;
          }
          if (closing < 0) {
            if (final) fail(`line ${recordLine}: a quoted field is never closed`, { line: recordLine });
            return recordStart;
          }
          starts[cells] = pos + 1;
          ends[cells] = closing;
          p = closing + 1;
          if (p < length && data[p] !== delimiter && data[p] !== NEWLINE && data[p] !== RETURN) {
            // text after the closing quote (`"a"b`): kept as part of the cell, as pandas does
            cellFlags |= TRAILING;
            while (p < length && data[p] !== delimiter && data[p] !== NEWLINE) p++;
            trailingEnds[cells] = p;
          } else if (p < length && data[p] === RETURN) p++;
          flags[cells] = cellFlags;
          pos = p;
        } else if ((numberEnd = scanPlainNumber(data, pos, length, delimiter)) >= 0) {
          starts[cells] = pos;
          ends[cells] = numberEnd;
          values[cells] = parsedCell.value;
          flags[cells] = NUMBER;
          pos = numberEnd;
          if (pos < length && data[pos] === RETURN) pos++;
        } else {
          let p = pos;
          while (p < length) {
            const c = data[p];
            if (c === delimiter || c === NEWLINE) break;
            p++;
          }
          starts[cells] = pos;
          ends[cells] = p;
          flags[cells] = 0;
          pos = p;
        }
        cells++;
        if (pos >= length) {
          if (!final) return recordStart;
          break;
        }
        if (data[pos] === delimiter) {
          pos++;
          continue;
        }
        newlines++;
        pos++;
        break;
      }
      line += newlines;
      emitRecord(data, cells, recordLine);
    }
    return pos;
  };

  await scanFile(handle, 0, size, progress, consume);
  if (builder === undefined) fail('the file is empty: expected a header row and data rows', { line: 1 });
  if (builder.rows === 0) fail('the file has a header but no data rows', { line: 2 });
  return builder.finish();
}

/** `1,5` -> `1.5` when the cell is a number written with a decimal comma; any other text stays as it is. */
function withDecimalPoint(cell: string): string {
  const trimmed = cell.trim();
  return /^[+-]?\d*,\d+([eE][+-]?\d+)?$/.test(trimmed) ? trimmed.replace(',', '.') : cell;
}

/** Repeated or blank header names get a suffix, as pandas does, so that every column can be named. */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw === '' ? `column ${i}` : raw;
    const times = seen.get(name) ?? 0;
    seen.set(name, times + 1);
    return times === 0 ? name : `${name}.${times}`;
  });
}
