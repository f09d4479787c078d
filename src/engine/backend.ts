// Chooses and initializes the TensorFlow.js backend for the smoke run.
// Every fallback is recorded in `notes` so the report can say which engine produced the numbers.

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerWasmTrainingKernels } from './kernels/index.ts';

export type BackendChoice = 'auto' | 'node' | 'wasm' | 'cpu';

export interface EngineHandle {
  tf: typeof import('@tensorflow/tfjs');
  backend: 'tensorflow' | 'wasm' | 'cpu';
  notes: string[];
}

/** The binaries the WASM backend may load; the build script copies these next to the bundle. */
export const WASM_BINARY_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

// A variable specifier keeps bundlers from trying to inline the optional native package.
const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

let wasmPathsConfigured: string | undefined;

export async function initBackend(choice: BackendChoice): Promise<EngineHandle> {
  const notes: string[] = [];
  // Production mode only silences tfjs console output (the cpu backend's "install tfjs-node"
  // banner), which would otherwise land in the action log.
  tf.env().set('PROD', true);
  if (choice === 'node') return { tf, backend: await activateNode(), notes };
  if (choice === 'wasm') return { tf, backend: await activateWasm(notes), notes };
  if (choice === 'cpu') return { tf, backend: await activateCpu(), notes };

  try {
    return { tf, backend: await activateNode(), notes };
  } catch (error) {
    notes.push(`native backend unavailable, falling back to wasm: ${describe(error)}`);
  }
  try {
    return { tf, backend: await activateWasm(notes), notes };
  } catch (error) {
    notes.push(`wasm backend unavailable, falling back to cpu: ${describe(error)}`);
  }
  return { tf, backend: await activateCpu(), notes };
}

async function activateNode(): Promise<'tensorflow'> {
  try {
    await import(TFJS_NODE_PACKAGE);
  } catch (error) {
    throw new Error(`backend 'node' failed: cannot load ${TFJS_NODE_PACKAGE} (${describe(error)})`);
  }
  await switchTo('tensorflow', 'node');
  return 'tensorflow';
}

async function activateWasm(notes: string[]): Promise<'wasm'> {
  const candidates = wasmDirectoryCandidates();
  const directory = findWasmDirectory(candidates);
  if (directory === undefined) {
    throw new Error(`backend 'wasm' failed: none of ${candidates.join(', ')} holds ${WASM_BINARY_NAMES.join(', ')}`);
  }
  configureWasmPaths(directory);
  registerWasmTrainingKernels();
  await switchTo('wasm', 'wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  notes.push(`wasm binaries from ${directory}; SIMD ${simd ? 'on' : 'off'}; ${threads ? 'multi' : 'single'}-threaded`);
  return 'wasm';
}

async function activateCpu(): Promise<'cpu'> {
  await switchTo('cpu', 'cpu');
  return 'cpu';
}

/** `tf.setBackend` reports failure by resolving to false, so the return value is the only signal. */
async function switchTo(backendName: string, choice: BackendChoice): Promise<void> {
  let switched: boolean;
  try {
    switched = await tf.setBackend(backendName);
  } catch (error) {
    throw new Error(`backend '${choice}' failed: ${describe(error)}`);
  }
  if (!switched || tf.getBackend() !== backendName) {
    throw new Error(`backend '${choice}' failed: TensorFlow.js could not initialize the '${backendName}' backend`);
  }
  await tf.ready();
}

/** Where to look for the binaries: the bundle's own directory first (the build copies them there), then the installed package. */
export function wasmDirectoryCandidates(): string[] {
  const candidates = [fileURLToPath(new URL('.', import.meta.url))];
  try {
    const manifest = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    candidates.push(join(dirname(manifest), 'dist'));
  } catch {
    // the package is not resolvable from here; the bundle directory is the only candidate
  }
  return candidates;
}

/** The first candidate holding every binary the WASM backend may ask for. */
export function findWasmDirectory(candidates: string[] = wasmDirectoryCandidates()): string | undefined {
  return candidates.find((directory) => WASM_BINARY_NAMES.every((name) => existsSync(join(directory, name))));
}

// setWasmPaths throws once the module has loaded, so it is set once per process.
function configureWasmPaths(directory: string): void {
  if (wasmPathsConfigured !== undefined) return;
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  setWasmPaths(prefix);
  wasmPathsConfigured = prefix;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0];
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
