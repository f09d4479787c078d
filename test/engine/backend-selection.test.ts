// Backend selection: a backend that cannot run is never selected, and a requested one that cannot run
// is reported (not swapped for another). The native package is replaced by loaders the tests control.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { initBackend, nativeBackendBlocker, NATIVE_MAX_NODE_MAJOR } from '../../src/engine/backend.ts';
import { runSmoke } from '../../src/engine/smoke.ts';
import { BACKEND_SKIP_PREFIX } from '../../src/engine/types.ts';
import { dense, makeEvidence, makeTable } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { configSmokeOptions } from './fixtures.ts';

/** A loader that registers a 'tensorflow' backend with no kernels: it loads, then fails at the first op, as tfjs-node 4.22 does on Node 23+. */
function brokenNativeLoader(): () => Promise<void> {
  return async () => {
    tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
  };
}

function removeFakeNative(): void {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow');
}

after(removeFakeNative);

test('tfjs-node is blocked on Node 23 and later, tried on 20 and 22', () => {
  assert.equal(NATIVE_MAX_NODE_MAJOR, 22);
  assert.equal(nativeBackendBlocker('20.20.2'), undefined);
  assert.equal(nativeBackendBlocker('22.11.0'), undefined);
  assert.match(nativeBackendBlocker('23.0.0') ?? '', /Node 23.*util\.isNullOrUndefined/);
  assert.match(nativeBackendBlocker('v24.11.1') ?? '', /Node 24/);
});

test('--backend node on Node 24 is refused with the reason, without loading the package', async () => {
  let loaded = false;
  await assert.rejects(
    initBackend('node', {
      nodeVersion: '24.11.1',
      loadNative: async () => {
        loaded = true;
      },
    }),
    (error: Error) => {
      assert.match(error.message, /backend 'node' is unusable here/);
      assert.match(error.message, /Node 24/);
      return true;
    },
  );
  assert.equal(loaded, false);
});

test('auto on Node 24 does not try the native backend, notes why, and lands on wasm', async () => {
  let loaded = false;
  const engine = await initBackend('auto', {
    nodeVersion: '24.11.1',
    loadNative: async () => {
      loaded = true;
    },
  });
  assert.equal(loaded, false);
  assert.equal(engine.backend, 'wasm');
  assert.match(engine.notes[0], /native backend not tried: .*Node 24/);
});

test('a native backend that loads but fails a training step is not selected: node rejects, auto falls back with a note', async () => {
  try {
    await assert.rejects(initBackend('node', { nodeVersion: '22.0.0', loadNative: brokenNativeLoader() }), (error: Error) => {
      assert.match(error.message, /backend 'node' failed a trial training step/);
      return true;
    });
    removeFakeNative();
    const engine = await initBackend('auto', { nodeVersion: '22.0.0', loadNative: brokenNativeLoader() });
    assert.equal(engine.backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(engine.notes[0], /native backend unavailable, falling back to wasm: backend 'node' failed a trial training step/);
  } finally {
    removeFakeNative();
  }
});

test('a native backend that loads and works is selected under auto', async () => {
  try {
    const engine = await initBackend('auto', {
      nodeVersion: '22.0.0',
      // A working stand-in: the cpu backend's kernels registered under the native backend's name.
      loadNative: async () => {
        tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
        for (const kernel of tf.getKernelsForBackend('cpu')) {
          if (!tf.getKernel(kernel.kernelName, 'tensorflow')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
        }
      },
    });
    assert.equal(engine.backend, 'tensorflow');
    assert.deepEqual(engine.notes, []);
  } finally {
    for (const kernel of tf.getKernelsForBackend('tensorflow')) tf.unregisterKernel(kernel.kernelName, 'tensorflow');
    removeFakeNative();
    await initBackend('wasm');
  }
});

test('a smoke run asked for an unusable backend is skipped with the reason, not run on another backend', async () => {
  const table = makeTable({ rows: 64, features: 3 });
  const evidence = makeEvidence({ ...table, layers: [dense(4, 'relu'), dense(1)], steps: 5 });
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const nativeInstalled = await import('@tensorflow/tfjs-node' as string).then(
    () => true,
    () => false,
  );
  if (nodeMajor <= NATIVE_MAX_NODE_MAJOR && nativeInstalled) return;
  const trace = await runSmoke(smokeInputOf(evidence), { ...configSmokeOptions(evidence), backend: 'node', controls: false });
  assert.equal(trace.backend, 'none');
  assert.equal(trace.steps, 0);
  const skip = trace.skipped.find((s) => s.what.startsWith(BACKEND_SKIP_PREFIX));
  assert.ok(skip, JSON.stringify(trace.skipped));
  assert.match(skip.what, /'node'/);
  assert.match(skip.reason, /backend 'node'/);
});

test('check with --backend node where it cannot run: a smoke-skipped warning naming the backend, no smoke numbers', async (t) => {
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const nativeInstalled = await import('@tensorflow/tfjs-node' as string).then(
    () => true,
    () => false,
  );
  if (nodeMajor <= NATIVE_MAX_NODE_MAJOR && nativeInstalled) return t.skip('tfjs-node works here');
  const { runOneConfig } = await import('../../src/pipeline.ts');
  const { SHARED_CASES_DIR } = await import('../shared-dir.ts');
  const config = `${SHARED_CASES_DIR}/regression-clean/preflight.yml`;
  const run = await runOneConfig(config, {
    root: `${SHARED_CASES_DIR}/regression-clean`,
    configs: [config],
    smoke: true,
    backend: 'node',
    failOn: 'never',
    steps: 5,
  });
  const skipped = run.result.findings.filter((f) => f.id === 'smoke-skipped');
  assert.equal(skipped.length, 1, JSON.stringify(skipped));
  assert.equal(skipped[0].severity, 'warning');
  assert.match(skipped[0].message, /backend 'node' did not run/);
  assert.equal(run.evidence?.smoke?.steps ?? 0, 0);
});
