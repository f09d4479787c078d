// Training speed of a small MLP on each backend, where its time goes, and what the explicit-transpose
// BatchMatMul wrapper (src/engine/kernels/BatchMatMul.ts) changes. Times are CPU time of this process,
// which stays meaningful when other work shares the machine.
// Run: node --import tsx bench/kernels.ts [steps]

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend.ts';

const STEPS = Number(process.argv[2] ?? 200);
const BATCH = 32;
const LAYER_SIZES = [6, 64, 32, 1];
const ROUNDS = 5;

// Captured before initBackend wraps it.
const builtInBatchMatMul = getKernel('BatchMatMul', 'wasm');

function cpuMicroseconds(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mlp(): tf.Sequential {
  const model = tf.sequential();
  for (let i = 1; i < LAYER_SIZES.length; i++) {
    const last = i === LAYER_SIZES.length - 1;
    model.add(tf.layers.dense({ units: LAYER_SIZES[i], activation: last ? 'linear' : 'relu', inputShape: i === 1 ? [LAYER_SIZES[0]] : undefined }));
  }
  return model;
}

/** One optimizer step per batch, reading the loss back each step as a smoke run does. */
function trainingStepper(): { step: () => void; dispose: () => void } {
  const model = mlp();
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, LAYER_SIZES[0]], 0, 1, 'float32', 1);
  const y = tf.randomNormal([BATCH, 1], 0, 1, 'float32', 2);
  return {
    step: () => {
      const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor) as tf.Scalar, true);
      loss?.dataSync();
      loss?.dispose();
    },
    dispose: () => {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

function stepsPerSecond(): { wall: number; cpu: number } {
  const { step, dispose } = trainingStepper();
  for (let i = 0; i < 10; i++) step();
  const start = performance.now();
  const cpu = cpuMicroseconds(() => {
    for (let i = 0; i < STEPS; i++) step();
  });
  const wall = (performance.now() - start) / 1000;
  dispose();
  return { wall: STEPS / wall, cpu: STEPS / (cpu / 1e6) };
}

async function kernelTimes(): Promise<{ kernel: string; ms: number; count: number }[]> {
  const { step, dispose } = trainingStepper();
  const profiledSteps = 20;
  const profile = await tf.profile(() => {
    for (let i = 0; i < profiledSteps; i++) step();
  });
  const byKernel = new Map<string, { ms: number; count: number }>();
  for (const kernel of profile.kernels) {
    const entry = byKernel.get(kernel.name) ?? { ms: 0, count: 0 };
    entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    entry.count += 1;
    byKernel.set(kernel.name, entry);
  }
  dispose();
  return [...byKernel].map(([kernel, v]) => ({ kernel, ms: v.ms / profiledSteps, count: v.count / profiledSteps })).sort((a, b) => b.ms - a.ms);
}

/** The products one backward pass of the MLP asks for, plus one large pair. */
const MATMUL_CASES: [string, number[], number[], boolean, boolean][] = [
  ['forward [32,64]x[64,32]', [32, 64], [64, 32], false, false],
  ['dW1 [32,6]^T x [32,64]', [32, 6], [32, 64], true, false],
  ['dW2 [32,64]^T x [32,32]', [32, 64], [32, 32], true, false],
  ['dX2 [32,32] x [64,32]^T', [32, 32], [64, 32], false, true],
  ['dW3 [32,32]^T x [32,1]', [32, 32], [32, 1], true, false],
  ['[256,256]^T x [256,256]', [256, 256], [256, 256], true, false],
  ['[256,256] x [256,256]^T', [256, 256], [256, 256], false, true],
];

function matMulMicroseconds(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): number {
  const a = tf.randomNormal(aShape);
  const b = tf.randomNormal(bShape);
  const repeats = aShape[0] >= 256 ? 10 : 300;
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    samples.push(
      cpuMicroseconds(() => {
        for (let i = 0; i < repeats; i++) tf.matMul(a, b, transposeA, transposeB).dispose();
      }) / repeats,
    );
  }
  tf.dispose([a, b]);
  return median(samples);
}

/** A small image classifier: the conv gradient kernels dominate its step. */
function cnnCpuMsPerStep(steps: number): number {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, 28, 28, 1], 0, 1, 'float32', 3);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: BATCH }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor) as tf.Scalar, true);
    loss?.dataSync();
    loss?.dispose();
  };
  step();
  const micros = cpuMicroseconds(() => {
    for (let i = 0; i < steps; i++) step();
  });
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return micros / 1000 / steps;
}

function useBatchMatMul(config: KernelConfig): void {
  unregisterKernel('BatchMatMul', 'wasm');
  registerKernel(config);
}

for (const choice of ['wasm', 'cpu'] as const) {
  const engine = await initBackend(choice);
  console.log(`\n== ${engine.backend} ${engine.notes.join('; ')}`);
  const speed = stepsPerSecond();
  console.log(
    `MLP ${LAYER_SIZES.join('->')} adam batch ${BATCH}, ${STEPS} steps: ${speed.wall.toFixed(0)} steps/s wall, ${speed.cpu.toFixed(0)} steps per CPU-second`,
  );
  const kernels = await kernelTimes();
  const total = kernels.reduce((sum, k) => sum + k.ms, 0);
  const launches = kernels.reduce((sum, k) => sum + k.count, 0);
  console.log(`inside kernels: ${total.toFixed(2)} ms per step over ${launches.toFixed(0)} kernel calls; top:`);
  for (const k of kernels.slice(0, 6)) console.log(`  ${k.kernel.padEnd(20)} ${k.ms.toFixed(3)} ms  x${k.count}`);
  // The cpu backend needs seconds per CNN step, so it gets one.
  console.log(`CNN 28x28x1 conv16-pool-conv32-pool-dense10 adam batch ${BATCH}: ${cnnCpuMsPerStep(choice === 'wasm' ? 10 : 1).toFixed(0)} CPU ms/step`);
  if (choice !== 'wasm' || builtInBatchMatMul === undefined) continue;
  const wrapped = getKernel('BatchMatMul', 'wasm')!;
  console.log('matMul, median CPU us per call: built-in | with explicit transpose');
  for (const [name, aShape, bShape, transposeA, transposeB] of MATMUL_CASES) {
    useBatchMatMul(builtInBatchMatMul);
    const before = matMulMicroseconds(aShape, bShape, transposeA, transposeB);
    useBatchMatMul(wrapped);
    const after = matMulMicroseconds(aShape, bShape, transposeA, transposeB);
    console.log(`  ${name.padEnd(26)} ${before.toFixed(1).padStart(9)} | ${after.toFixed(1).padStart(9)}`);
  }
  const stepSamples: Record<string, number[]> = { builtIn: [], wrapped: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, config] of [
      ['builtIn', builtInBatchMatMul],
      ['wrapped', wrapped],
    ] as const) {
      useBatchMatMul(config);
      const { step, dispose } = trainingStepper();
      for (let i = 0; i < 5; i++) step();
      stepSamples[label].push(
        60 /
          (cpuMicroseconds(() => {
            for (let i = 0; i < 60; i++) step();
          }) /
            1e6),
      );
      dispose();
    }
  }
  useBatchMatMul(wrapped);
  console.log(
    `MLP steps per CPU-second (median of ${ROUNDS}): built-in ${median(stepSamples.builtIn).toFixed(0)}, with explicit transpose ${median(stepSamples.wrapped).toFixed(0)}`,
  );
}
