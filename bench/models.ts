// The setups the training benchmark trains: the shared `regression-clean` MLP, a small CNN, an LSTM, and the
// shared `multiclass-no-regularization` stack of three 1024-unit layers (the widest model of the cases). Each is a real preflight config with its data, written to a temporary folder, so the benchmark
// goes through the same config and data loaders as `nn-preflight check`. torch_reference.py builds the
// same three networks in PyTorch from the `torch` description below.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../src/data/reservoir.ts';
import { SHARED_CASES_DIR } from '../test/shared-dir.ts';

export { SHARED_CASES_DIR };

export type BenchModelId = 'mlp' | 'cnn' | 'lstm' | 'wide';

export interface BenchModel {
  id: BenchModelId;
  label: string;
  /** what torch_reference.py needs to build the same network on the same data */
  torch: Record<string, unknown>;
  /** writes `<dir>/<id>/preflight.yml` and its data; returns the config path */
  write(dir: string): string;
}

const ROWS = 512;

/** A little-endian float32 .npy file (format 1.0). */
export function npyBytes(values: Float32Array, shape: number[]): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
}

function randomValues(count: number, seed: number, scale = 1): Float32Array {
  const random = mulberry32(seed);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (random() * 2 - 1) * scale;
  return values;
}

function writeCase(dir: string, id: string, yaml: string, files: Record<string, Buffer>): string {
  const folder = path.join(dir, id);
  mkdirSync(path.join(folder, 'data'), { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(folder, 'data', name), bytes);
  const config = path.join(folder, 'preflight.yml');
  writeFileSync(config, yaml);
  return config;
}

/** A shared case (its config and data/train.csv) copied to `<dir>/<id>/`; returns the config path. */
function copySharedCase(dir: string, id: string, sharedCase: string): string {
  const folder = path.join(dir, id);
  mkdirSync(path.join(folder, 'data'), { recursive: true });
  copyFileSync(path.join(SHARED_CASES_DIR, sharedCase, 'preflight.yml'), path.join(folder, 'preflight.yml'));
  copyFileSync(path.join(SHARED_CASES_DIR, sharedCase, 'data/train.csv'), path.join(folder, 'data/train.csv'));
  return path.join(folder, 'preflight.yml');
}

const mlp: BenchModel = {
  id: 'mlp',
  label: 'MLP (regression-clean: 64-32-1, dropout)',
  torch: { kind: 'mlp', rows: 800, inputs: 6, hidden: [64, 32], dropout: 0.1 },
  write: (dir) => copySharedCase(dir, 'mlp', 'regression-clean'),
};

/** The widest model of the shared cases: its products, not per-step overhead, set its speed. */
const wide: BenchModel = {
  id: 'wide',
  label: 'wide MLP (multiclass-no-regularization: 1024-1024-1024-4)',
  torch: { kind: 'wide', rows: 150, inputs: 6, hidden: [1024, 1024, 1024], classes: 4 },
  write: (dir) => copySharedCase(dir, 'wide', 'multiclass-no-regularization'),
};

const CNN_SIDE = 28;
const CNN_CLASSES = 10;
const cnn: BenchModel = {
  id: 'cnn',
  label: `CNN (${CNN_SIDE}x${CNN_SIDE}x1: conv16-pool-conv32-pool-dense${CNN_CLASSES})`,
  torch: { kind: 'cnn', rows: ROWS, side: CNN_SIDE, filters: [16, 32], classes: CNN_CLASSES },
  write(dir) {
    const x = randomValues(ROWS * CNN_SIDE * CNN_SIDE, 11);
    const labels = mulberry32(12);
    const y = Float32Array.from({ length: ROWS }, () => Math.floor(labels() * CNN_CLASSES));
    return writeCase(
      dir,
      'cnn',
      [
        'version: 1',
        'name: bench-cnn',
        'task: multiclass',
        'data:',
        '  train: {x: data/x.npy, y: data/y.npy}',
        'model:',
        `  input_shape: [${CNN_SIDE}, ${CNN_SIDE}, 1]`,
        '  layers:',
        '    - {type: conv2d, filters: 16, kernel_size: 3, activation: relu}',
        '    - {type: max_pooling2d, pool_size: 2}',
        '    - {type: conv2d, filters: 32, kernel_size: 3, activation: relu}',
        '    - {type: max_pooling2d, pool_size: 2}',
        '    - {type: flatten}',
        `    - {type: dense, units: ${CNN_CLASSES}, activation: softmax}`,
        'training:',
        '  loss: sparse_categorical_crossentropy',
        '  optimizer: adam',
        '  learning_rate: 0.001',
        '  batch_size: 32',
        '',
      ].join('\n'),
      { 'x.npy': npyBytes(x, [ROWS, CNN_SIDE, CNN_SIDE, 1]), 'y.npy': npyBytes(y, [ROWS]) },
    );
  },
};

const LSTM_STEPS = 20;
const LSTM_FEATURES = 8;
const LSTM_UNITS = 32;
const lstm: BenchModel = {
  id: 'lstm',
  label: `LSTM (${LSTM_STEPS} steps x ${LSTM_FEATURES} features: lstm${LSTM_UNITS}-dense1)`,
  torch: { kind: 'lstm', rows: ROWS, timesteps: LSTM_STEPS, features: LSTM_FEATURES, units: LSTM_UNITS },
  write(dir) {
    const x = randomValues(ROWS * LSTM_STEPS * LSTM_FEATURES, 21);
    // the target is the mean of the first feature over time: learnable, so the loss falls
    const y = Float32Array.from({ length: ROWS }, (_, r) => {
      let sum = 0;
      for (let t = 0; t < LSTM_STEPS; t++) sum += x[(r * LSTM_STEPS + t) * LSTM_FEATURES];
      return sum / LSTM_STEPS;
    });
    return writeCase(
      dir,
      'lstm',
      [
        'version: 1',
        'name: bench-lstm',
        'task: regression',
        'data:',
        '  train: {x: data/x.npy, y: data/y.npy}',
        'model:',
        `  input_shape: [${LSTM_STEPS}, ${LSTM_FEATURES}]`,
        '  layers:',
        `    - {type: lstm, units: ${LSTM_UNITS}}`,
        '    - {type: dense, units: 1, activation: linear}',
        'training:',
        '  loss: mse',
        '  optimizer: adam',
        '  learning_rate: 0.001',
        '  batch_size: 32',
        '',
      ].join('\n'),
      { 'x.npy': npyBytes(x, [ROWS, LSTM_STEPS, LSTM_FEATURES]), 'y.npy': npyBytes(y, [ROWS, 1]) },
    );
  },
};

export const BENCH_MODELS: BenchModel[] = [mlp, cnn, lstm, wide];
