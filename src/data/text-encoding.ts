// Text tables are read as UTF-8 with LF or CRLF line endings. A file saved as UTF-16 (Excel's "Unicode
// text") or with old Mac CR-only line endings would otherwise fail with a puzzling message about its
// columns or rows; looking at its first bytes lets the finding say what is wrong with the file itself.
import type { FileHandle } from 'node:fs/promises';
import { readExactly } from './chunks.ts';
import { fail } from './problem.ts';

const SNIFF_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** Refuses a UTF-16 or CR-only text file with a hint on how to save it; anything else passes. */
export async function checkTextEncoding(handle: FileHandle, size: number, file: string): Promise<void> {
  if (size === 0) return;
  const head = await readExactly(handle, 0, Math.min(size, SNIFF_BYTES), 'the start of the file');
  const problem = encodingProblem(head);
  if (problem) fail(`"${file}" ${problem}`, { file, byte: 0 });
}

export function encodingProblem(head: Uint8Array): string | undefined {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return `is UTF-16 encoded (it starts with a UTF-16 byte-order mark); nn-preflight reads UTF-8 text. Save it as UTF-8 (in Excel: "CSV UTF-8").`;
  }
  const nul = head.indexOf(0);
  if (nul >= 0 && nul < 4) {
    return 'holds NUL bytes in its first characters, as UTF-16 text without a byte-order mark does; nn-preflight reads UTF-8 text. Save it as UTF-8.';
  }
  const firstNewline = head.indexOf(NEWLINE);
  for (let i = 0; i < head.length - 1 && (firstNewline < 0 || i < firstNewline); i++) {
    if (head[i] === RETURN && head[i + 1] !== NEWLINE) {
      return 'ends its lines with a carriage return alone (CR, old Mac line endings), so it reads as one long line; save it with LF or CRLF line endings.';
    }
  }
  return undefined;
}
