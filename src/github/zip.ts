// Reads one file out of a zip archive (GitHub serves workflow artifacts as zips). The archive comes
// from an untrusted run, so sizes are capped before anything is inflated.
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const MAX_ZIP_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;

export class ZipError extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export function listZipEntries(archive: Buffer): ZipEntry[] {
  const searchFrom = Math.max(0, archive.length - 22 - MAX_ZIP_COMMENT);
  let end = -1;
  for (let at = archive.length - 22; at >= searchFrom; at--) {
    if (archive.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new ZipError('not a zip archive (no end of central directory)');
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > archive.length || archive.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) {
      throw new ZipError('corrupt zip archive (bad central directory)');
    }
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    entries.push({
      method: archive.readUInt16LE(offset + 10),
      compressedSize: archive.readUInt32LE(offset + 20),
      size: archive.readUInt32LE(offset + 24),
      localHeaderOffset: archive.readUInt32LE(offset + 42),
      name: archive.subarray(offset + 46, offset + 46 + nameLength).toString('utf8'),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The contents of the entry whose base name is `fileName` (shallowest first), or undefined. */
export function readZipFile(archive: Buffer, fileName: string, maxBytes: number): Buffer | undefined {
  const entries = listZipEntries(archive)
    .filter((entry) => entry.name === fileName || entry.name.endsWith(`/${fileName}`))
    .sort((a, b) => a.name.split('/').length - b.name.split('/').length);
  const entry = entries[0];
  if (!entry) return undefined;
  if (entry.size > maxBytes || entry.compressedSize > maxBytes) {
    throw new ZipError(`${entry.name} is ${entry.size} bytes; at most ${maxBytes} are accepted`);
  }
  const local = entry.localHeaderOffset;
  if (local + 30 > archive.length || archive.readUInt32LE(local) !== LOCAL_FILE_HEADER) throw new ZipError('corrupt zip archive (bad local header)');
  const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
  const data = archive.subarray(start, start + entry.compressedSize);
  if (entry.method === STORED) return Buffer.from(data);
  if (entry.method === DEFLATED) {
    try {
      return inflateRawSync(data, { maxOutputLength: maxBytes });
    } catch (error) {
      throw new ZipError(`cannot inflate ${entry.name}: ${(error as Error).message}`);
    }
  }
  throw new ZipError(`${entry.name} uses compression method ${entry.method}; only stored and deflate are read`);
}
