// JSON Lines and JSON arrays of records, one record at a time; the first record names the columns.
import type { FileHandle } from 'node:fs/promises';
import { scanFile, type Progress } from './chunks.ts';
import { fail, listNames } from './problem.ts';
import { TableBuilder, type ColumnChoice, type TableResult } from './table.ts';
import type { DataLimits } from './types.ts';

const NEWLINE = 0x0a;

export interface RecordOptions extends ColumnChoice {
  sample: number;
  seed: number;
  limits: DataLimits;
}

/** Feeds parsed records to a TableBuilder; keys missing from a record are empty cells. */
class RecordSink {
  builder?: TableBuilder;
  private known = new Set<string>();

  constructor(private readonly options: RecordOptions) {}

  add(record: unknown, line: number): void {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      fail(`line ${line}: expected a JSON object (a record with one key per column), found ${describe(record)}`, { line });
    }
    const fields = record as Record<string, unknown>;
    if (this.builder === undefined) {
      const names = Object.keys(fields);
      if (names.length === 0) fail(`line ${line}: the first record has no keys`, { line });
      this.builder = new TableBuilder(names, this.options, this.options.sample, this.options.seed, this.options.limits);
      this.known = new Set(names);
    }
    const builder = this.builder;
    for (const key in fields) {
      if (!this.known.has(key)) {
        fail(`line ${line}: key ${JSON.stringify(key)} is not in the first record, whose keys are ${listNames(builder.names)}`, { line });
      }
    }
    builder.beginRow(line);
    const names = builder.names;
    for (let c = 0; c < names.length; c++) builder.cellJson(c, Object.hasOwn(fields, names[c]) ? fields[names[c]] : undefined);
  }

  finish(): TableResult {
    if (this.builder === undefined || this.builder.rows === 0) fail('the file holds no records');
    return this.builder.finish();
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

export async function readJsonLines(handle: FileHandle, size: number, options: RecordOptions, progress: Progress): Promise<TableResult> {
  const sink = new RecordSink(options);
  let line = 0;
  await scanFile(handle, 0, size, progress, (data, length, final) => {
    let pos = 0;
    while (pos < length) {
      let end = data.indexOf(NEWLINE, pos);
      if (end < 0 || end >= length) {
        if (!final) return pos;
        end = length;
      }
      line++;
      const text = data.toString('utf8', pos, end).trim();
      pos = end + 1;
      if (text.length === 0) continue;
      let record: unknown;
      try {
        record = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch (error) {
        fail(`line ${line} is not valid JSON: ${(error as Error).message}`, { line });
      }
      sink.add(record, line);
    }
    return Math.min(pos, length);
  });
  return sink.finish();
}

/**
 * A JSON array of records, streamed: the scanner finds where each element ends (tracking strings and
 * nesting) and parses just that element, so the file is never held whole.
 */
export async function readJsonArray(handle: FileHandle, size: number, options: RecordOptions, progress: Progress): Promise<TableResult> {
  const sink = new RecordSink(options);
  let line = 1;
  let state: 'before' | 'elements' | 'done' = 'before';
  let offset = 0;

  const skipSpace = (data: Buffer, pos: number, length: number): number => {
    for (; pos < length; pos++) {
      const c = data[pos];
      if (c === NEWLINE) line++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    }
    return pos;
  };

  await scanFile(handle, 0, size, progress, (data, length, final) => {
    let pos = 0;
    if (state === 'before') {
      if (length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
      pos = skipSpace(data, pos, length);
      if (pos >= length) {
        if (final) fail('the file is empty: expected a JSON array of records');
        offset += pos;
        return pos;
      }
      if (data[pos] !== 0x5b)
        fail(`expected a JSON array of records ("[{...}, ...]") but the file starts with ${JSON.stringify(String.fromCharCode(data[pos]))}`, {
          line,
          byte: offset + pos,
        });
      pos++;
      state = 'elements';
    }
    while (state === 'elements') {
      const elementLine = line;
      const save = pos;
      pos = skipSpace(data, pos, length);
      if (pos < length && data[pos] === 0x2c) pos = skipSpace(data, pos + 1, length);
      if (pos >= length) {
        if (final) fail('the JSON array is never closed (the file may be truncated)', { line, byte: offset + length });
        line = elementLine;
        offset += save;
        return save;
      }
      if (data[pos] === 0x5d) {
        state = 'done';
        pos++;
        break;
      }
      const startLine = line;
      const end = elementEnd(data, pos, length);
      if (end < 0) {
        if (final) fail(`the record starting on line ${startLine} is never closed (the file may be truncated)`, { line: startLine });
        line = elementLine;
        offset += save;
        return save;
      }
      for (let i = pos; i < end; i++) if (data[i] === NEWLINE) line++;
      let record: unknown;
      try {
        record = JSON.parse(data.toString('utf8', pos, end));
      } catch (error) {
        fail(`line ${startLine}: the record is not valid JSON: ${(error as Error).message}`, { line: startLine });
      }
      sink.add(record, startLine);
      pos = end;
    }
    if (state === 'done') {
      pos = skipSpace(data, pos, length);
      if (pos < length) fail('unexpected text after the closing "]" of the array', { line, byte: offset + pos });
    }
    offset += pos;
    return pos;
  });
  if ((state as string) !== 'done') fail('the JSON array is never closed (the file may be truncated)', { line });
  return sink.finish();
}

/** End (exclusive) of the JSON value starting at `start`, or -1 when it runs past `length`. */
function elementEnd(data: Buffer, start: number, length: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < length; i++) {
    const c = data[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) {
        inString = false;
        if (depth === 0) return i + 1;
      }
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) return i;
  }
  return -1;
}
