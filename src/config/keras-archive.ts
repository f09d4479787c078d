// Keras 3 `.keras` archives: a zip holding `config.json` (the model, with its compile_config),
// `metadata.json` and `model.weights.h5`. Entries are read with the zip directory reader the .npz
// loader uses; every size is checked against its limit before a byte is allocated or inflated.
import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { readExactly } from '../data/chunks.ts';
import { DataError } from '../data/problem.ts';
import { readZipDirectory, type ZipEntry } from '../data/zip.ts';

/** The first bytes of every zip file (a local file header). */
const ZIP_MAGIC = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;

export interface ArchiveLimits {
  /** largest config.json / metadata.json, uncompressed */
  maxJsonBytes: number;
  /** largest model.weights.h5, uncompressed */
  maxWeightBytes: number;
}

export interface KerasArchive {
  config: unknown;
  metadata?: unknown;
  /** the bytes of model.weights.h5, when the archive holds one */
  weights?: Uint8Array;
}

export type ArchiveResult = { ok: true; archive: KerasArchive } | { ok: false; message: string };

/** True when the file starts like a zip archive (a `.keras` file), rather than a JSON model file. */
export async function looksLikeZip(absolute: string): Promise<boolean> {
  const handle = await open(absolute, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === ZIP_MAGIC;
  } finally {
    await handle.close();
  }
}

export async function readKerasArchive(absolute: string, limits: ArchiveLimits): Promise<ArchiveResult> {
  const handle = await open(absolute, 'r');
  try {
    const size = (await handle.stat()).size;
    const maxArchive = limits.maxJsonBytes * 2 + limits.maxWeightBytes;
    if (size > maxArchive) return { ok: false, message: `the .keras archive is ${size} bytes; the limit is ${maxArchive}` };
    const entries = await readZipDirectory(handle, size);
    const find = (name: string) => entries.find((e) => e.name === name);
    const configEntry = find('config.json');
    if (!configEntry) {
      const names =
        entries
          .slice(0, 10)
          .map((e) => e.name)
          .join(', ') || 'nothing';
      return { ok: false, message: `the .keras archive has no config.json (it holds: ${names}); save the model with \`model.save("model.keras")\`` };
    }
    const configText = (await readEntry(handle, size, configEntry, limits.maxJsonBytes)).toString('utf8');
    let config: unknown;
    try {
      config = JSON.parse(configText);
    } catch (error) {
      return { ok: false, message: `config.json in the .keras archive is not valid JSON: ${(error as Error).message}` };
    }
    const archive: KerasArchive = { config };
    const metadataEntry = find('metadata.json');
    if (metadataEntry) {
      try {
        archive.metadata = JSON.parse((await readEntry(handle, size, metadataEntry, limits.maxJsonBytes)).toString('utf8'));
      } catch (error) {
        if (error instanceof DataError) throw error;
        return { ok: false, message: `metadata.json in the .keras archive is not valid JSON: ${(error as Error).message}` };
      }
    }
    const weightsEntry = find('model.weights.h5');
    if (weightsEntry) archive.weights = await readEntry(handle, size, weightsEntry, limits.maxWeightBytes);
    return { ok: true, archive };
  } catch (error) {
    if (error instanceof DataError) return { ok: false, message: `the .keras archive is damaged: ${error.message.replace(/ \(\.npz\)/g, '')}` };
    throw error;
  } finally {
    await handle.close();
  }
}

/** One stored or deflated entry, refused before allocation when its declared size passes `maxBytes`. */
async function readEntry(handle: Parameters<typeof readZipDirectory>[0], fileSize: number, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  const damaged = (why: string): never => {
    throw new DataError({ message: `${entry.name}: ${why}` });
  };
  if (entry.uncompressedSize > maxBytes) damaged(`it holds ${entry.uncompressedSize} bytes; the limit is ${maxBytes}`);
  if (entry.localHeaderOffset + LOCAL_HEADER_BYTES > fileSize) damaged('its header lies past the end of the file');
  const local = await readExactly(handle, entry.localHeaderOffset, LOCAL_HEADER_BYTES, 'zip local header');
  if (local.readUInt32LE(0) !== ZIP_MAGIC) damaged('the zip local header is missing');
  const dataStart = entry.localHeaderOffset + LOCAL_HEADER_BYTES + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (dataStart + entry.compressedSize > fileSize) damaged('its data runs past the end of the file (truncated archive?)');
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.uncompressedSize) damaged('a stored entry whose two sizes differ');
    return readExactly(handle, dataStart, entry.compressedSize, entry.name);
  }
  if (entry.method !== 8) damaged(`zip compression method ${entry.method}; only stored and deflated entries are read`);
  // Deflate expands at most about 1032:1, so a compressed size that large for the declared output is a lie.
  if (entry.compressedSize > maxBytes) damaged(`${entry.compressedSize} compressed bytes; the limit is ${maxBytes}`);
  const compressed = await readExactly(handle, dataStart, entry.compressedSize, entry.name);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    return damaged(`the compressed data is corrupt or larger than declared (${(error as Error).message})`);
  }
  if (inflated.length !== entry.uncompressedSize) damaged(`it inflates to ${inflated.length} bytes, not the ${entry.uncompressedSize} its header declares`);
  return inflated;
}
