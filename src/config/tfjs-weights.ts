// Weights of a TF.js layers model (`weightsManifest` + .bin shards). They are optional: when the
// shards are absent the model is still checked, just from fresh initial weights.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileKind, resolveInsideRoot } from '../data/paths.ts';
import { quoteShort } from '../quote.ts';
import type { ConfigProblem } from './problems.ts';
import { ownEntry } from '../own-entry.ts';
import type { KerasWeights } from './types.ts';

/** Refuse weight files beyond this: the smoke run is a check, not a place for large pretrained models. */
export const MAX_WEIGHT_BYTES = 256 * 1024 * 1024;
/**
 * Most values all weights of one model file may hold together: the model parameter limit
 * (DEFAULT_MODEL_LIMITS.maxParams), as 80 MB of float32. Checked on the shapes' products before any
 * Float32Array is made, so a claimed [1e9] or [100000, 100000] costs nothing.
 */
export const MAX_WEIGHT_VALUES = 20_000_000;

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
const BYTES_PER_QUANTIZED: Record<string, number> = { uint8: 1, uint16: 2 };

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** Most weight shards one manifest may list (TF.js writes 4 MB shards: this is gigabytes). */
const MAX_SHARDS = 1_000;

/**
 * The weight shard paths `modelJson.weightsManifest` lists, as written (relative to the model file), in
 * order: what the loader reads, and what changed-file matching and the base copy must know about.
 */
export function weightShardPaths(modelJson: unknown): string[] {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return [];
  const shards: string[] = [];
  for (const group of manifest) {
    const paths = (group as { paths?: unknown } | null)?.paths;
    if (!Array.isArray(paths)) continue;
    for (const shard of paths) if (typeof shard === 'string' && shard !== '' && shards.length < MAX_SHARDS) shards.push(shard);
  }
  return shards;
}

/** `missingShard`: a shard the manifest lists that does not exist, so no weights were read (a warning, not a failure). */
export type WeightsResult = { ok: true; weights?: KerasWeights; missingShard?: string } | { ok: false; problems: ConfigProblem[] };

/**
 * Read the shards listed in `modelJson.weightsManifest`, resolved next to `modelFile` and inside `root`.
 * Returns no weights (and no problem) when the manifest is absent, and names the shard when one is missing.
 */
export function loadTfjsWeights(modelJson: unknown, modelFile: string, root: string, displayFile: string): WeightsResult {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) return { ok: true };
  const fail = (message: string): WeightsResult => ({ ok: false, problems: [{ message, file: displayFile, key: 'model.keras' }] });
  const baseDir = path.dirname(modelFile);
  const tensors: KerasWeights['tensors'] = [];
  let totalBytes = 0;
  for (const group of manifest) {
    const paths = (group as { paths?: unknown } | null)?.paths;
    const entries = (group as { weights?: unknown } | null)?.weights;
    if (!Array.isArray(paths) || !Array.isArray(entries)) return fail('the TF.js weightsManifest has a group without `paths` and `weights`');
    const buffers: Buffer[] = [];
    for (const shard of paths) {
      const resolved = resolveInsideRoot(root, baseDir, String(shard));
      if (!resolved.ok) {
        if (resolved.reason.endsWith('does not exist')) return { ok: true, missingShard: String(shard) };
        return fail(`weight shard refused: ${resolved.reason}`);
      }
      if (fileKind(resolved.absolute) !== 'file') return fail(`weight shard "${String(shard)}" is not a regular file`);
      totalBytes += statSync(resolved.absolute).size;
      if (totalBytes > MAX_WEIGHT_BYTES) return fail(`the weight files exceed ${MAX_WEIGHT_BYTES / 1024 / 1024} MiB`);
      buffers.push(readFileSync(resolved.absolute));
    }
    const data = Buffer.concat(buffers);
    // Every entry is checked against the shard bytes before a single value is decoded: the shapes are
    // untrusted, and a Float32Array sized from them is the allocation an attacker wants.
    const planned = planEntries(entries, data.length);
    if (typeof planned === 'string') return fail(planned);
    let offset = 0;
    for (const { entry: raw, size } of planned) {
      const decoded = decodeTensor(data, offset, size, raw);
      if (typeof decoded === 'string') return fail(decoded);
      tensors.push({ name: raw.name, shape: raw.shape, values: decoded.values });
      offset = decoded.end;
    }
    if (offset !== data.length) return fail(`the weight shards hold ${data.length} bytes but the manifest describes ${offset}`);
  }
  return { ok: true, weights: { tensors } };
}

/** Bytes per stored value of an entry, or why it cannot be read. */
function storedWidth(entry: ManifestEntry): number | string {
  if (entry.quantization !== undefined) {
    const qdtype = (entry.quantization as { dtype?: unknown } | null)?.dtype;
    const width = typeof qdtype === 'string' && Object.hasOwn(BYTES_PER_QUANTIZED, qdtype) ? BYTES_PER_QUANTIZED[qdtype] : undefined;
    return width ?? `weight "${quoteShort(entry.name)}" uses ${quoteShort(String(qdtype))} quantization, which nn-preflight does not read`;
  }
  const dtype = entry.dtype ?? 'float32';
  const width = typeof dtype === 'string' && Object.hasOwn(BYTES_PER_DTYPE, dtype) ? BYTES_PER_DTYPE[dtype] : undefined;
  return width ?? `weight "${quoteShort(entry.name)}" has dtype ${quoteShort(String(dtype))}, which nn-preflight does not read`;
}

/**
 * Each entry's value count, after checking every dimension is a non-negative whole number, the product
 * stays within MAX_WEIGHT_VALUES, and the entries together describe exactly the shard bytes.
 */
function planEntries(entries: unknown[], shardBytes: number): { entry: ManifestEntry; size: number }[] | string {
  const planned: { entry: ManifestEntry; size: number }[] = [];
  let bytes = 0;
  let values = 0;
  for (const [index, item] of entries.entries()) {
    const entry = item as ManifestEntry | null;
    if (entry === null || typeof entry !== 'object' || typeof entry.name !== 'string') return `the TF.js weightsManifest entry ${index} has no name`;
    const name = quoteShort(entry.name);
    if (!Array.isArray(entry.shape)) return `weight "${name}" has no shape`;
    if (entry.shape.length > 8) return `weight "${name}" has ${entry.shape.length} dimensions; a weight has at most 8`;
    let size = 1;
    for (const dim of entry.shape as unknown[]) {
      if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) {
        return `weight "${name}" has shape ${quoteShort(JSON.stringify(entry.shape))}; every dimension must be a whole number of at least 0`;
      }
      size *= dim;
    }
    values += size;
    if (values > MAX_WEIGHT_VALUES)
      return `weight "${name}" has shape [${entry.shape.join(', ')}] (${size.toLocaleString('en-US')} values), which takes the model's weights past ${MAX_WEIGHT_VALUES.toLocaleString('en-US')} values, the parameter limit`;
    const width = storedWidth(entry);
    if (typeof width === 'string') return width;
    bytes += size * width;
    if (bytes > shardBytes)
      return `weight "${name}" (shape [${entry.shape.join(', ')}]) needs bytes beyond the end of the weight shards, which hold ${shardBytes} bytes`;
    planned.push({ entry, size });
  }
  if (bytes !== shardBytes) return `the weight shards hold ${shardBytes} bytes but the manifest describes ${bytes}`;
  return planned;
}

function decodeTensor(data: Buffer, offset: number, size: number, entry: ManifestEntry): { values: Float32Array; end: number } | string {
  const values = new Float32Array(size);
  const quantization = entry.quantization;
  if (quantization) {
    const width = typeof quantization.dtype === 'string' ? ownEntry(BYTES_PER_QUANTIZED, quantization.dtype) : undefined;
    if (!width) return `weight "${entry.name}" uses ${quantization.dtype} quantization, which nn-preflight does not read`;
    const end = offset + size * width;
    if (end > data.length) return `the weight shards end before weight "${entry.name}"`;
    const scale = quantization.scale ?? 1;
    const min = quantization.min ?? 0;
    for (let i = 0; i < size; i++) {
      const q = width === 1 ? data.readUInt8(offset + i) : data.readUInt16LE(offset + 2 * i);
      values[i] = q * scale + min;
    }
    return { values, end };
  }
  const dtype = entry.dtype ?? 'float32';
  const width = typeof dtype === 'string' ? ownEntry(BYTES_PER_DTYPE, dtype) : undefined;
  if (!width) return `weight "${entry.name}" has dtype ${dtype}, which nn-preflight does not read`;
  const end = offset + size * width;
  if (end > data.length) return `the weight shards end before weight "${entry.name}"`;
  for (let i = 0; i < size; i++) {
    const at = offset + i * width;
    values[i] = dtype === 'float32' ? data.readFloatLE(at) : dtype === 'int32' ? data.readInt32LE(at) : data.readUInt8(at);
  }
  return { values, end };
}
