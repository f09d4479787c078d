// Chooses and initializes the TensorFlow.js backend for the smoke run.
// Every fallback is recorded in `notes` so the report can say which engine produced the numbers.

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerWasmTrainingKernels } from './kernels/index.ts';
import type { BackendChoice } from './types.ts';

export interface EngineHandle {
  tf: typeof import('@tensorflow/tfjs');
  backend: 'tensorflow' | 'wasm' | 'cpu';
  notes: string[];
}

/** The binaries the WASM backend may load; the build script copies these next to the bundle. */
export const WASM_BINARY_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

// A variable specifier keeps bundlers from trying to inline the optional native package.
const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

/**
 * @tensorflow/tfjs-node 4.22 calls `util.isNullOrUndefined`, which Node 23 removed: on Node 23 and later
 * it loads and then fails in the middle of a run. It is not tried there (the action runs on node24).
 */
export const NATIVE_MAX_NODE_MAJOR = 22;

/** Why the native backend cannot be used under this Node version, or undefined when it may be tried. */
export function nativeBackendBlocker(nodeVersion: string = process.versions.node): string | undefined {
  const major = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  if (Number.isFinite(major) && major > NATIVE_MAX_NODE_MAJOR) {
    return `${TFJS_NODE_PACKAGE} 4.22 does not work on Node ${major} (it calls util.isNullOrUndefined, which Node 23 removed); it runs on Node 20 and 22 only`;
  }
  return undefined;
}

/** What backend selection may be told about its surroundings; tests replace them. */
export interface BackendEnvironment {
  /** Node's version (process.versions.node) */
  nodeVersion?: string;
  /** loads the native package, registering the 'tensorflow' backend */
  loadNative?: () => Promise<unknown>;
}

let wasmPathsConfigured: string | undefined;

/**
 * Activates the requested backend, or throws when it cannot be used: a requested backend that does not
 * work is reported, never swapped for another. `auto` takes the first that works (native, wasm, cpu)
 * and notes every one it passed over. A backend is selected only after a trial training step ran on it,
 * so a backend that loads and then fails in the middle of a run is never selected.
 */
export async function initBackend(choice: BackendChoice, environment: BackendEnvironment = {}): Promise<EngineHandle> {
  const notes: string[] = [];
  // Production mode only silences tfjs console output (the cpu backend's "install tfjs-node"
  // banner), which would otherwise land in the action log.
  tf.env().set('PROD', true);
  if (choice === 'node') return { tf, backend: await activateNode(environment), notes };
  if (choice === 'wasm') return { tf, backend: await activateWasm(notes), notes };
  if (choice === 'cpu') return { tf, backend: await activateCpu(), notes };

  const blocker = nativeBackendBlocker(environment.nodeVersion);
  if (blocker !== undefined) {
    notes.push(`native backend not tried: ${blocker}`);
  } else {
    try {
      return { tf, backend: await activateNode(environment), notes };
    } catch (error) {
      notes.push(`native backend unavailable, falling back to wasm: ${describe(error)}`);
    }
  }
  try {
    return { tf, backend: await activateWasm(notes), notes };
  } catch (error) {
    notes.push(`wasm backend unavailable, falling back to cpu: ${describe(error)}`);
  }
  return { tf, backend: await activateCpu(), notes };
}

async function activateNode(environment: BackendEnvironment): Promise<'tensorflow'> {
  const blocker = nativeBackendBlocker(environment.nodeVersion);
  if (blocker !== undefined) throw new Error(`backend 'node' is unusable here: ${blocker}`);
  try {
    await (environment.loadNative ?? (() => import(TFJS_NODE_PACKAGE)))();
  } catch (error) {
    throw new Error(`backend 'node' failed: cannot load ${TFJS_NODE_PACKAGE} (${describe(error)})`);
  }
  await switchTo('tensorflow', 'node');
  trialStep('node');
  return 'tensorflow';
}

/**
 * One tiny training step (forward, gradient, update, read-back) on the active backend: the operations
 * a smoke run needs. A backend that fails here would have failed in the middle of the run.
 */
function trialStep(choice: BackendChoice): void {
  try {
    tf.tidy(() => {
      const weights = tf.variable(tf.tensor2d([[0.5], [-0.25]]), true, `nn_preflight_trial_${Date.now()}`);
      try {
        const x = tf.tensor2d([
          [1, 2],
          [3, 4],
        ]);
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.matMul(x, weights), 1))) as tf.Scalar, [weights]);
        weights.assign(tf.sub(weights, tf.mul(grads[weights.name], 0.1)));
        const read = value.dataSync()[0];
        if (!Number.isFinite(read)) throw new Error(`the trial loss came back as ${read}`);
      } finally {
        weights.dispose();
      }
    });
  } catch (error) {
    throw new Error(`backend '${choice}' failed a trial training step: ${describe(error)}`);
  }
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
