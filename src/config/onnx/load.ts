// `model: {onnx: path}` -> ModelSpec: the file is resolved inside the repository, size-checked, decoded by
// onnx-proto and mapped by graph.ts. Every failure is a problem on the `model.onnx` key naming the file.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileKind, resolveInsideRoot } from '../../data/paths.ts';
import type { ConfigLimits } from '../problems.ts';
import type { ModelSpec } from '../types.ts';
import { mapOnnxGraph } from './graph.ts';
import { decodeOnnx, MAX_ONNX_FILE_BYTES } from './read.ts';

/** The most elements one tensor may declare: more than the smoke run's parameter ceiling is never needed. */
export const MAX_ONNX_TENSOR_ELEMENTS = 64 * 1024 * 1024;

export type OnnxLoadResult = { ok: true; model: ModelSpec } | { ok: false; message: string };

export function loadOnnxModel(
  relative: string,
  opts: { configPath: string; root: string; displayPath: string; limits: ConfigLimits; maxFileBytes?: number },
): OnnxLoadResult {
  const resolved = resolveInsideRoot(opts.root, path.dirname(opts.configPath), relative);
  if (!resolved.ok) return { ok: false, message: `cannot read the ONNX model file: ${resolved.reason}` };
  if (fileKind(resolved.absolute) !== 'file') return { ok: false, message: `the ONNX model path "${relative}" is not a regular file` };
  const display = path.join(path.dirname(opts.displayPath), relative);
  const limit = opts.maxFileBytes ?? MAX_ONNX_FILE_BYTES;
  let bytes: Buffer;
  try {
    const size = statSync(resolved.absolute).size;
    if (size > limit) return { ok: false, message: `the ONNX model file ${display} is ${size} bytes; the limit is ${limit}` };
    bytes = readFileSync(resolved.absolute);
  } catch (error) {
    return { ok: false, message: `could not read the ONNX model file ${display}: ${(error as Error).message}` };
  }
  const decoded = decodeOnnx(bytes);
  if (!decoded.ok) return { ok: false, message: `${display}: ${decoded.message}` };
  const mapped = mapOnnxGraph(decoded.model, display, MAX_ONNX_TENSOR_ELEMENTS);
  if (!mapped.ok) return { ok: false, message: `${display}: ${mapped.message}` };
  if (mapped.model.layers.length > opts.limits.maxLayers) {
    return { ok: false, message: `${display}: the ONNX model has ${mapped.model.layers.length} layers; the limit is ${opts.limits.maxLayers}` };
  }
  return { ok: true, model: mapped.model };
}
