// Just enough of the zip format to find the arrays of an .npz: the central directory, without ZIP64.
import type { FileHandle } from 'node:fs/promises';
import { readExactly } from './chunks.ts';
import { fail } from './problem.ts';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_MARK = 0xffffffff;

export async function readZipDirectory(handle: FileHandle, size: number): Promise<ZipEntry[]> {
  if (size < END_RECORD_BYTES) fail(`the file is too short (${size} bytes) to be a zip (.npz) archive`, { byte: size });
  const tailLength = Math.min(size, END_RECORD_BYTES + MAX_COMMENT_BYTES);
  const tail = await readExactly(handle, size - tailLength, tailLength, 'zip end record');
  let end = -1;
  for (let i = tail.length - END_RECORD_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) fail('not a complete zip (.npz) archive: the end-of-directory record is missing (truncated file?)', { byte: size });
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  const endByte = size - tailLength + end;
  if (count === 0xffff || directorySize === ZIP64_MARK || directoryOffset === ZIP64_MARK) {
    fail('ZIP64 .npz archives (over 4 GiB or 65535 entries) are not supported', { byte: endByte });
  }
  if (directoryOffset + directorySize > endByte) fail('the zip directory points past the end of the file (truncated archive?)', { byte: directoryOffset });
  const directory = await readExactly(handle, directoryOffset, directorySize, 'zip directory');
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== DIRECTORY_ENTRY)
      fail(`zip directory entry ${i + 1} is damaged`, { byte: directoryOffset + at });
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const entry: ZipEntry = {
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
    };
    if (entry.compressedSize === ZIP64_MARK || entry.uncompressedSize === ZIP64_MARK || entry.localHeaderOffset === ZIP64_MARK) {
      fail(`zip entry ${entry.name} uses ZIP64 sizes, which are not supported`, { byte: directoryOffset + at });
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
