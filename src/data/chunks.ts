// Reading a file in large chunks with a hard byte cap and a progress callback.
import type { FileHandle } from 'node:fs/promises';
import { fail } from './problem.ts';

export const CHUNK_BYTES = 1024 * 1024;
/** A single CSV record or JSON line longer than this is refused rather than buffered without end. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface Progress {
  done: number;
  total: number;
  report?: (bytesRead: number, totalBytes: number) => void;
  /** called after each chunk; throws a DataError when the config's data budget is spent */
  check?: () => void;
}

/**
 * Streams `[start, end)` of a file to `consume(data, length, final)`, which returns how many bytes of
 * `data` it used; the unused tail (an incomplete record) is kept and handed back with the next chunk.
 * One buffer is reused throughout, so memory stays at a chunk plus the longest record.
 * `data[length]` is always 0, a sentinel that lets byte loops stop without a bounds check.
 */
export async function scanFile(
  handle: FileHandle,
  start: number,
  end: number,
  progress: Progress,
  consume: (data: Buffer, length: number, final: boolean) => number,
): Promise<void> {
  // one spare byte past the data always holds a 0 sentinel (see scanPlainNumber)
  let work = Buffer.allocUnsafe(CHUNK_BYTES * 2 + 1);
  let kept = 0;
  let position = start;
  for (;;) {
    if (work.length - 1 - kept < CHUNK_BYTES) {
      if (kept > MAX_RECORD_BYTES) fail(`a single record is longer than ${MAX_RECORD_BYTES} bytes`, { byte: position - kept });
      const bigger = Buffer.allocUnsafe(kept + CHUNK_BYTES * 2 + 1);
      work.copy(bigger, 0, 0, kept);
      work = bigger;
    }
    const want = Math.min(work.length - 1 - kept, end - position);
    const { bytesRead } = want > 0 ? await handle.read(work, kept, want, position) : { bytesRead: 0 };
    position += bytesRead;
    progress.done += bytesRead;
    progress.report?.(progress.done, progress.total);
    progress.check?.();
    const length = kept + bytesRead;
    work[length] = 0;
    const final = bytesRead === 0 || position >= end;
    const used = consume(work, length, final);
    if (final) return;
    kept = length - used;
    if (kept > 0 && used > 0) work.copy(work, 0, used, length);
  }
}

/** Reads exactly `[start, start + length)`, or fails naming the byte where the file ends. */
export async function readExactly(handle: FileHandle, start: number, length: number, what: string): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, start + got);
    if (bytesRead === 0) fail(`the file ends inside the ${what} (expected ${length} bytes at byte ${start})`, { byte: start + got });
    got += bytesRead;
  }
  return buffer;
}
