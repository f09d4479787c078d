import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { findWasmDirectory, initBackend, WASM_BINARY_NAMES, wasmDirectoryCandidates } from '../../src/engine/backend.ts';
import { WASM_TRAINING_KERNELS } from '../../src/engine/kernels/index.ts';

async function nativeBackendLoads(): Promise<boolean> {
  const specifier = '@tensorflow/tfjs-node';
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

test('cpu is always available and becomes the active backend', async () => {
  const engine = await initBackend('cpu');
  assert.equal(engine.backend, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.deepEqual(Array.from(engine.tf.add(tf.tensor([1, 2]), 3).dataSync()), [4, 5]);
});

test('wasm initializes with SIMD, single-threaded, and the training kernels registered', async () => {
  const engine = await initBackend('wasm');
  assert.equal(engine.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  assert.equal(simd, true, 'Node 20 supports WASM SIMD');
  assert.ok(
    engine.notes.some((note) => note.includes('SIMD on') && note.includes('single-threaded')),
    engine.notes.join('; '),
  );
  for (const config of WASM_TRAINING_KERNELS) assert.ok(tf.getKernel(config.kernelName, 'wasm'), config.kernelName);
  assert.deepEqual(Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()), [11]);
});

test('switching between wasm and cpu repeatedly keeps working', async () => {
  for (const choice of ['wasm', 'cpu', 'wasm'] as const) {
    const engine = await initBackend(choice);
    assert.equal(engine.backend, choice);
    assert.equal(tf.getBackend(), choice);
  }
});

test('node either loads tfjs-node or throws an error that names it', async () => {
  if (await nativeBackendLoads()) {
    assert.equal((await initBackend('node')).backend, 'tensorflow');
    return;
  }
  await assert.rejects(initBackend('node'), (error: Error) => {
    // On Node 20/22 the load itself fails here (no libtensorflow); on Node 23+ it is not even tried.
    assert.match(error.message, /backend 'node' (failed|is unusable here)/);
    assert.match(error.message, /@tensorflow\/tfjs-node/);
    return true;
  });
});

test('auto falls back from a missing native backend to wasm and says so', async () => {
  const engine = await initBackend('auto');
  if (await nativeBackendLoads()) {
    assert.equal(engine.backend, 'tensorflow');
    return;
  }
  assert.equal(engine.backend, 'wasm');
  // Node 23+ does not try tfjs-node at all; older Node tries it and notes why it could not load.
  assert.match(engine.notes[0], /native backend (unavailable, falling back to wasm|not tried)/);
});

test('the installed package holds every wasm binary the build must copy', () => {
  const directory = findWasmDirectory();
  assert.ok(directory, `searched ${wasmDirectoryCandidates().join(', ')}`);
  assert.equal(WASM_BINARY_NAMES.length, 3);
});

test('findWasmDirectory takes the first directory holding all binaries and skips partial ones', () => {
  const root = mkdtempSync(join(tmpdir(), 'nnp-wasm-'));
  try {
    const partial = join(root, 'partial');
    const complete = join(root, 'complete');
    const filesByDirectory = [
      [partial, WASM_BINARY_NAMES.slice(0, 2)],
      [complete, WASM_BINARY_NAMES],
    ] as const;
    for (const [directory, names] of filesByDirectory) {
      mkdirSync(directory);
      for (const name of names) writeFileSync(join(directory, name), '');
    }
    assert.equal(findWasmDirectory([join(root, 'missing'), partial, complete]), complete);
    assert.equal(findWasmDirectory([partial]), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
