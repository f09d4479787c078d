// Parquet through hyparquet (pure JS), one row group at a time, into the same exact column statistics and
// seeded reservoir sample as CSV. Every bound is checked from the footer metadata before a row is read.
import type { FileHandle } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import type { Progress } from './chunks.ts';
import { readExactly } from './chunks.ts';
import { fail, listNames } from './problem.ts';
import { TableBuilder, chooseColumns, type ColumnChoice, type TableResult } from './table.ts';
import type { DataLimits } from './types.ts';

/** The footer (schema and row-group index) is read whole; a real one is kilobytes, so more is refused. */
export const MAX_FOOTER_BYTES = 64 * 1024 * 1024;
/** A row group is decoded whole, so its decoded size bounds memory; writers default to 64-128 MiB. */
export const MAX_ROW_GROUP_BYTES = 1024 * 1024 * 1024;

/** hyparquet decodes SNAPPY itself; GZIP and BROTLI come from Node's zlib, capped at the page's declared size. */
const COMPRESSORS: Compressors = {
  GZIP: (input, outputLength) => new Uint8Array(gunzipSync(input, { maxOutputLength: Math.max(1, outputLength) })),
  BROTLI: (input, outputLength) => new Uint8Array(brotliDecompressSync(input, { maxOutputLength: Math.max(1, outputLength) })),
};
const READABLE_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI']);

export interface ParquetOptions extends ColumnChoice {
  sample: number;
  seed: number;
  limits: DataLimits;
}

export async function readParquet(handle: FileHandle, size: number, options: ParquetOptions, progress: Progress): Promise<TableResult> {
  if (size < 12) fail(`the file is ${size} bytes, too short to be Parquet (a Parquet file starts and ends with "PAR1")`, { byte: 0 });
  const head = await readExactly(handle, 0, 4, 'Parquet header');
  const tail = await readExactly(handle, size - 8, 8, 'Parquet footer');
  if (head.toString('latin1') !== 'PAR1' || tail.toString('latin1', 4) !== 'PAR1') {
    fail('not a Parquet file: it does not start and end with "PAR1" (an encrypted "PARE" file or another format)', {
      byte: head.toString('latin1') !== 'PAR1' ? 0 : size - 4,
    });
  }
  const footerBytes = tail.readUInt32LE(0);
  if (footerBytes > size - 12 || footerBytes > MAX_FOOTER_BYTES) {
    fail(
      `the footer claims ${footerBytes} bytes${footerBytes > size - 12 ? `, more than the file holds (${size} bytes)` : `, more than the limit of ${MAX_FOOTER_BYTES}`}`,
      { byte: size - 8 },
    );
  }
  const file = fileBuffer(handle, size, progress);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file, { initialFetchSize: footerBytes + 8 });
  } catch (error) {
    fail(`the Parquet footer cannot be read: ${file.problem ?? (error as Error)?.message ?? String(error)}`, { byte: size - 8 - footerBytes });
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  if (names.length > options.limits.maxColumns) fail(`the file has ${names.length} columns, more than the limit of ${options.limits.maxColumns}`);
  const rows = Number(metadata.num_rows);
  if (rows > options.limits.maxRows) fail(`the file has ${rows} rows, more than the limit of ${options.limits.maxRows}`);
  if (rows === 0) fail('the file has a schema but no data rows');
  const chosen = chooseColumns(names, options);
  const wanted = [...chosen.features, ...chosen.targets].map((i) => names[i]);
  checkRowGroups(metadata, new Set(wanted));

  const builder = new TableBuilder(names, options, options.sample, options.seed, options.limits);
  const columnIndex = wanted.map((name) => names.indexOf(name));
  let rowStart = 0;
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const groupRows = Number(rowGroup.num_rows);
    if (groupRows === 0) continue;
    let records: Record<string, unknown>[];
    try {
      records = await parquetReadObjects({ file, metadata, columns: wanted, rowStart, rowEnd: rowStart + groupRows, compressors: COMPRESSORS });
    } catch (error) {
      fail(
        `row group ${group} (rows ${rowStart + 1} to ${rowStart + groupRows}) cannot be decoded: ${file.problem ?? (error as Error)?.message ?? String(error)}`,
      );
    }
    if (file.problem !== undefined) fail(`row group ${group} (rows ${rowStart + 1} to ${rowStart + groupRows}) cannot be read: ${file.problem}`);
    if (records.length !== groupRows) fail(`row group ${group} declares ${groupRows} rows but holds ${records.length}`);
    for (const record of records) {
      builder.beginRow(undefined);
      for (let c = 0; c < wanted.length; c++) builder.cellJson(columnIndex[c], cellValue(record[wanted[c]]));
    }
    rowStart += groupRows;
  }
  if (builder.rows !== rows) fail(`the footer declares ${rows} rows but the row groups hold ${builder.rows}`);
  return builder.finish();
}

/** Codecs and row-group sizes, from the footer alone, so that nothing unreadable or oversized is fetched. */
function checkRowGroups(metadata: FileMetaData, wanted: Set<string>): void {
  const codecs = new Map<string, string[]>();
  metadata.row_groups.forEach((rowGroup, group) => {
    let decoded = 0;
    for (const chunk of rowGroup.columns) {
      const meta = chunk.meta_data;
      if (meta === undefined) fail(`row group ${group} has a column chunk without metadata (an external or encrypted column), which is not read`);
      const top = meta.path_in_schema[0];
      if (!wanted.has(top)) continue;
      decoded += Number(meta.total_uncompressed_size);
      if (!READABLE_CODECS.has(meta.codec))
        codecs.set(
          meta.codec,
          [...(codecs.get(meta.codec) ?? []), top].filter((v, i, a) => a.indexOf(v) === i),
        );
    }
    if (decoded > MAX_ROW_GROUP_BYTES) {
      fail(
        `row group ${group} holds ${decoded} bytes of the chosen columns once decoded, more than the limit of ${MAX_ROW_GROUP_BYTES}; write smaller row groups (pyarrow: row_group_size=)`,
      );
    }
  });
  for (const [codec, columns] of codecs) {
    fail(
      `column ${listNames(columns)} is compressed with ${codec}, which nn-preflight does not decode (it reads UNCOMPRESSED, SNAPPY, GZIP and BROTLI); ` +
        'rewrite the file with snappy, e.g. `df.to_parquet(path, compression="snappy")` or `pyarrow.parquet.write_table(table, path, compression="snappy")`',
    );
  }
}

/** Parquet values as the table builder takes JSON values: INT64 arrives as bigint, dates and binaries as objects. */
function cellValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

/**
 * hyparquet starts some reads without awaiting them, so a rejected slice would be an unhandled rejection
 * that ends the process. A slice therefore never rejects: a read it refuses or cannot make is remembered,
 * returns no bytes (which hyparquet then fails to decode, in a call we await), and is reported first.
 */
interface FileBuffer extends AsyncBuffer {
  problem?: string;
}

function fileBuffer(handle: FileHandle, size: number, progress: Progress): FileBuffer {
  const buffer: FileBuffer = {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? size;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(stop) || start < 0 || stop > size || stop < start) {
        buffer.problem ??= `the metadata points at bytes ${start} to ${stop}, outside the file's ${size} bytes`;
        return new ArrayBuffer(0);
      }
      if (stop - start > MAX_ROW_GROUP_BYTES) {
        buffer.problem ??= `the metadata asks for ${stop - start} bytes at once, more than the limit of ${MAX_ROW_GROUP_BYTES}`;
        return new ArrayBuffer(0);
      }
      if (stop === start) return new ArrayBuffer(0);
      try {
        const bytes = await readExactly(handle, start, stop - start, 'Parquet data');
        progress.done = Math.min(progress.total, progress.done + bytes.length);
        progress.report?.(progress.done, progress.total);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      } catch (error) {
        buffer.problem ??= (error as Error)?.message ?? String(error);
        return new ArrayBuffer(0);
      }
    },
  };
  return buffer;
}
