// Which delimiter and decimal mark a delimited text file uses, read from its first lines, the way a
// person opening it would tell: the delimiter that splits the header and every following record into
// the same number (> 1) of fields, quotes respected.
import type { FileHandle } from 'node:fs/promises';

export type Delimiter = ',' | ';' | '\t' | '|';
export type DecimalMark = '.' | ',';

export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];
/** Bytes read for sniffing: enough for dozens of records of a wide file, small enough to be free. */
const SNIFF_BYTES = 64 * 1024;
const SNIFF_RECORDS = 50;

export interface Dialect {
  delimiter: Delimiter;
  decimal: DecimalMark;
  /** set when the file's own lines could not settle a choice: said in the report, never silent */
  note?: string;
}

export interface DialectRequest {
  /** forced by `data.delimiter` */
  delimiter?: Delimiter;
  /** forced by `data.decimal` */
  decimal?: DecimalMark;
  /** the extension's usual delimiter (`.tsv` -> tab), preferred when several fit */
  usual: Delimiter;
}

export async function sniffDialect(handle: FileHandle, size: number, request: DialectRequest): Promise<Dialect> {
  const length = Math.min(size, SNIFF_BYTES);
  const buffer = Buffer.alloc(length);
  if (length > 0) await handle.read(buffer, 0, length, 0);
  return dialectOf(buffer.toString('utf8'), length < size, request);
}

/** `truncated`: the text is the start of a longer file, so its last line may be cut and is ignored. */
export function dialectOf(text: string, truncated: boolean, request: DialectRequest): Dialect {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const show = (d: Delimiter) => (d === '\t' ? 'tab' : `"${d}"`);
  let delimiter: Delimiter;
  let note: string | undefined;
  if (request.delimiter !== undefined) delimiter = request.delimiter;
  else {
    const fitting = DELIMITERS.filter((d) => {
      const counts = fieldCounts(body, d, truncated);
      return counts.length > 0 && counts[0] > 1 && counts.every((n) => n === counts[0]);
    });
    if (fitting.length === 1) delimiter = fitting[0];
    else if (fitting.includes(request.usual) && fitting.length > 0) {
      delimiter = request.usual;
      note = `the first lines split evenly on ${fitting.map(show).join(' and on ')}; read with ${show(delimiter)}, the usual delimiter for this extension. Set \`data.delimiter\` to choose another`;
    } else {
      delimiter = request.usual;
      note =
        fitting.length === 0
          ? `no delimiter among ${DELIMITERS.map(show).join(', ')} splits the first lines into the same number of fields (two or more); read with ${show(delimiter)}. Set \`data.delimiter\` if the file uses another`
          : `the first lines split evenly on ${fitting.map(show).join(' and on ')}; read with ${show(delimiter)}. Set \`data.delimiter\` to choose`;
    }
  }
  let decimal: DecimalMark = request.decimal ?? '.';
  if (request.decimal === undefined && delimiter !== ',') {
    const cells = firstCells(body, delimiter, truncated);
    const commaDecimals = cells.filter((c) => COMMA_DECIMAL.test(c));
    if (commaDecimals.length > 0 && !cells.some((c) => DOT_DECIMAL.test(c))) {
      decimal = ',';
      const examples = [...new Set(commaDecimals)]
        .slice(0, 3)
        .map((c) => `"${c}"`)
        .join(', ');
      const said = `numbers are written with a decimal comma (${examples}) and were read as such, as \`pandas.read_csv(..., sep=${JSON.stringify(delimiter)}, decimal=",")\` would. Set \`data.decimal\` to "." to read them as text instead`;
      note = note ? `${note}; ${said}` : said;
    }
  }
  return { delimiter, decimal, ...(note ? { note } : {}) };
}

const COMMA_DECIMAL = /^[+-]?\d*,\d+$/;
const DOT_DECIMAL = /^[+-]?\d*\.\d+([eE][+-]?\d+)?$/;

/** Fields per record over the first records, quotes respected (a delimiter inside quotes does not split). */
function fieldCounts(text: string, delimiter: string, truncated: boolean): number[] {
  return records(text, delimiter, truncated).map((r) => r.length);
}

function firstCells(text: string, delimiter: string, truncated: boolean): string[] {
  // the header names columns; only data cells show how numbers are written
  return records(text, delimiter, truncated)
    .slice(1)
    .flat()
    .map((c) => c.trim());
}

function records(text: string, delimiter: string, truncated: boolean): string[][] {
  const out: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length && out.length < SNIFF_RECORDS; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
      if (!(fields.length === 1 && fields[0] === '')) out.push(fields);
      fields = [];
      field = '';
    } else field += c;
  }
  // the last line counts when the whole file was read and it is complete
  if (i >= text.length && !truncated && !quoted && (fields.length > 0 || field !== '')) {
    fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    if (!(fields.length === 1 && fields[0] === '')) out.push(fields);
  }
  return out;
}
