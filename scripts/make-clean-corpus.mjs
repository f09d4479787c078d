// Writes test/clean-corpus/: correct training setups written from documented good practice (Keras
// guides and examples, scikit-learn/TF tutorials), each a preflight.yml plus small data generated with
// a fixed seed. Every setup must draw no warning and no error (test/clean-corpus*.test.ts).
// Run: node scripts/make-clean-corpus.mjs   (rewrites the folder; the output is committed)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'clean-corpus');

/** mulberry32: small, seeded, the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

const r6 = (v) => Number(v.toFixed(6));

function csv(file, header, rows) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, [header.join(','), ...rows.map((row) => row.map(r6).join(','))].join('\n') + '\n');
}

/** NPY v1.0, little-endian float32 or int32, C order. */
function npy(file, shape, values, dtype = '<f4') {
  mkdirSync(path.dirname(file), { recursive: true });
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = dtype === '<i4' ? Buffer.from(Int32Array.from(values).buffer) : Buffer.from(Float32Array.from(values).buffer);
  writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

function setup(name, yml, write) {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'preflight.yml'), `version: 1\nname: ${name}\n${yml.trim()}\n`);
  write?.(dir);
}

// ---------- data makers ----------

/** Features ~ N(mean_j, scale_j); regression target = weighted sum + a smooth nonlinearity + noise. */
function regressionRows(seed, rows, features, { scales, targetScale = 1, targetShift = 0, outputs = 1, noise = 0.1, split = 0 } = {}) {
  const w = rng(seed);
  const weights = Array.from({ length: outputs }, () => Array.from({ length: features }, () => w.normal()));
  // the same function for every split; each split draws its own rows
  const g = rng(seed * 7919 + 1 + split);
  return Array.from({ length: rows }, () => {
    const z = Array.from({ length: features }, () => g.normal());
    const x = z.map((v, j) => v * (scales?.[j] ?? 1) + (scales ? (scales[j] ?? 1) * 2 : 0));
    const ys = weights.map((w) => (w.reduce((s, wj, j) => s + wj * z[j], 0) + 0.5 * Math.sin(2 * z[0]) + noise * g.normal()) * targetScale + targetShift);
    return [...x, ...ys];
  });
}

/** Gaussian blobs: class c centred at a fixed random point, features ~ N(centre, 1). */
function blobRows(seed, rows, features, classes, { spread = 1.2, weights, split = 0 } = {}) {
  const w = rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => w.normal() * 2.5));
  const g = rng(seed * 7919 + 1 + split);
  const cumulative = [];
  let acc = 0;
  for (let c = 0; c < classes; c++) cumulative.push((acc += weights?.[c] ?? 1 / classes));
  return Array.from({ length: rows }, () => {
    const u = g.next() * acc;
    const c = cumulative.findIndex((v) => u < v);
    const label = c < 0 ? classes - 1 : c;
    return [...centres[label].map((m) => m + spread * g.normal()), label];
  });
}

const names = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function regressionCsv(dir, file, seed, rows, features, options = {}) {
  const outputs = options.outputs ?? 1;
  csv(path.join(dir, 'data', file), [...names('x', features), ...(outputs === 1 ? ['y'] : names('y', outputs))], regressionRows(seed, rows, features, options));
}

function blobCsv(dir, file, seed, rows, features, classes, options = {}) {
  csv(path.join(dir, 'data', file), [...names('x', features), 'label'], blobRows(seed, rows, features, classes, options));
}

function multiLabelCsv(dir, file, seed, rows, features, labels, split = 0) {
  const wg = rng(seed);
  const w = Array.from({ length: labels }, () => Array.from({ length: features }, () => wg.normal()));
  const g = rng(seed * 7919 + 1 + split);
  csv(
    path.join(dir, 'data', file),
    [...names('x', features), ...names('tag', labels)],
    Array.from({ length: rows }, () => {
      const x = Array.from({ length: features }, () => g.normal());
      return [...x, ...w.map((wl) => (wl.reduce((s, v, j) => s + v * x[j], 0) + 0.3 * g.normal() > 0 ? 1 : 0))];
    }),
  );
}

function oneHotColumnsCsv(dir, file, seed, rows, features, classes) {
  const blob = blobRows(seed, rows, features, classes);
  csv(
    path.join(dir, 'data', file),
    [...names('x', features), ...names('class', classes)],
    blob.map((row) => {
      const label = row[row.length - 1];
      return [...row.slice(0, -1), ...Array.from({ length: classes }, (_, c) => (c === label ? 1 : 0))];
    }),
  );
}

/** Small greyscale or RGB images: class c is a bright bar at a class-specific position, plus noise; bytes 0..255. */
function imageArrays(seed, rows, size, channels, classes) {
  const g = rng(seed);
  const x = [];
  const y = [];
  for (let r = 0; r < rows; r++) {
    const label = r % classes;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        for (let c = 0; c < channels; c++) {
          const bar = label % 2 === 0 ? Math.floor(i / (size / classes)) === label : Math.floor(j / (size / classes)) === label;
          x.push(Math.max(0, Math.min(255, Math.round((bar ? 180 : 40) + 30 * g.normal()))));
        }
      }
    }
    y.push(label);
  }
  return { x, y };
}

/** Token sequences: class 1 sequences contain more tokens from the upper half of the vocabulary. */
function tokenSequences(seed, rows, length, vocabulary) {
  const g = rng(seed);
  const x = [];
  const y = [];
  for (let r = 0; r < rows; r++) {
    const label = r % 2;
    for (let t = 0; t < length; t++) {
      const upper = g.next() < (label === 1 ? 0.75 : 0.25);
      x.push(1 + Math.floor(g.next() * (vocabulary / 2 - 1)) + (upper ? Math.floor(vocabulary / 2) - 1 : 0));
    }
    y.push(label);
  }
  return { x, y };
}

/** Noisy sine windows: predict the next value (standardized scale). */
function sineWindows(seed, rows, length) {
  const g = rng(seed);
  const x = [];
  const y = [];
  for (let r = 0; r < rows; r++) {
    const phase = g.next() * 2 * Math.PI;
    const freq = 0.2 + 0.3 * g.next();
    for (let t = 0; t < length; t++) x.push(Math.sin(phase + freq * t) + 0.05 * g.normal());
    y.push(Math.sin(phase + freq * length));
  }
  return { x, y };
}

function kerasSequential(layers, compile) {
  let input = true;
  const body = layers.map(([cls, config]) => {
    const entry = { class_name: cls, config: { name: config.name, trainable: true, dtype: 'float32', ...config } };
    if (input && config.units !== undefined) {
      entry.config.batch_input_shape = [null, config.input_dim];
      delete entry.config.input_dim;
      input = false;
    }
    return entry;
  });
  return JSON.stringify({
    class_name: 'Sequential',
    config: { name: 'sequential', layers: body },
    keras_version: '2.15.0',
    backend: 'tensorflow',
    ...(compile ? { training_config: compile } : {}),
  });
}

const denseK = (name, units, activation, extra = {}) => [
  'Dense',
  {
    name,
    units,
    activation,
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    ...extra,
  },
];

// ---------- the setups ----------

rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });

const tabular = (train, targets, { validation, features } = {}) =>
  `data:\n  train: ${train}\n${validation ? `  validation: ${validation}\n` : ''}${features ? `  features: [${features.join(', ')}]\n` : ''}  targets: [${targets.join(', ')}]`;

// --- tabular regression (Keras "Basic regression" tutorial: normalize inputs, MSE, Adam) ---
setup(
  'regression-adam-standardized',
  `
${tabular('data/train.csv', ['y'], { validation: 'data/val.csv' })}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.001, batch_size: 32, epochs: 100, early_stopping: true}
`,
  (d) => {
    regressionCsv(d, 'train.csv', 1, 480, 6, { scales: [1, 10, 100, 0.1, 5, 50] });
    regressionCsv(d, 'val.csv', 1, 120, 6, { scales: [1, 10, 100, 0.1, 5, 50], split: 1 });
  },
);

setup(
  'regression-minmax-inputs',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: minmax, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu, kernel_initializer: he_normal}
    - {type: dense, units: 1}
training: {loss: mean_squared_error, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 3, 400, 5),
);

setup(
  'regression-large-targets-standardized',
  `
${tabular('data/train.csv', ['price'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => csv(path.join(d, 'data', 'train.csv'), [...names('x', 4), 'price'], regressionRows(4, 400, 4, { targetScale: 50000, targetShift: 250000 })),
);

setup(
  'regression-two-outputs',
  `
${tabular('data/train.csv', ['y0', 'y1'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 2}
training: {loss: mse, optimizer: adam, learning_rate: 0.002, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 5, 400, 5, { outputs: 2 }),
);

setup(
  'regression-sgd-momentum',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu, kernel_initializer: he_normal}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: {name: sgd, momentum: 0.9}, learning_rate: 0.01, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 6, 400, 5),
);

setup(
  'regression-sgd-nesterov',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: tanh}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: {name: sgd, momentum: 0.9, nesterov: true}, learning_rate: 0.01, batch_size: 16}
`,
  (d) => regressionCsv(d, 'train.csv', 7, 400, 4),
);

setup(
  'regression-rmsprop',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: rmsprop, learning_rate: 0.001, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 8, 400, 6),
);

setup(
  'regression-huber',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 1}
training: {loss: huber, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 9, 400, 5, { noise: 0.3 }),
);

setup(
  'regression-mae',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 1}
training: {loss: mae, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 10, 400, 5),
);

setup(
  'regression-dropout-l2',
  `
${tabular('data/train.csv', ['y'], { validation: 'data/val.csv' })}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 64, activation: relu, kernel_regularizer: {l2: 0.0001}}
    - {type: dropout, rate: 0.2}
    - {type: dense, units: 32, activation: relu, kernel_regularizer: {l2: 0.0001}}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => {
    regressionCsv(d, 'train.csv', 11, 400, 6);
    regressionCsv(d, 'val.csv', 11, 100, 6, { split: 1 });
  },
);

setup(
  'regression-batchnorm',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 64, use_bias: false}
    - {type: batch_normalization}
    - {type: activation, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 13, 400, 6),
);

setup(
  'regression-small-dataset',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.01, batch_size: 8, early_stopping: true}
`,
  (d) => regressionCsv(d, 'train.csv', 14, 80, 3),
);

setup(
  'regression-high-lr-clipnorm',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: tanh}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: {name: sgd, momentum: 0.9, clipnorm: 1.0}, learning_rate: 0.1, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 15, 400, 5),
);

setup(
  'regression-adam-global-clipnorm',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: {name: adam, global_clipnorm: 1.0}, learning_rate: 0.01, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 16, 400, 5),
);

setup(
  'regression-adam-weight-decay',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: {name: adam, weight_decay: 0.004}, learning_rate: 0.003, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 17, 400, 6),
);

setup(
  'regression-elu-glorot',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: elu}
    - {type: dense, units: 32, activation: elu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 18, 400, 5),
);

setup(
  'regression-sgd-decay',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu, kernel_initializer: he_uniform}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: {name: sgd, momentum: 0.9, decay: 0.001}, learning_rate: 0.02, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 19, 400, 5),
);

setup(
  'regression-prescaled-inputs',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: none, targets: none}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 20, 400, 5),
);

// --- binary classification (Keras "Classification on imbalanced data", "Structured data") ---
setup(
  'binary-sigmoid-bce',
  `
${tabular('data/train.csv', ['label'], { validation: 'data/val.csv' })}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dropout, rate: 0.2}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => {
    blobCsv(d, 'train.csv', 21, 400, 6, 2);
    blobCsv(d, 'val.csv', 21, 100, 6, 2, { split: 1 });
  },
);

setup(
  'binary-logits',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 1}
training: {loss: binary_crossentropy, from_logits: true, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 22, 400, 5, 2),
);

setup(
  'binary-imbalanced',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dropout, rate: 0.3}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 64}
`,
  (d) => blobCsv(d, 'train.csv', 23, 600, 6, 2, { weights: [0.85, 0.15] }),
);

// Keras "Imbalanced classification: credit card fraud": class_weight ~ 1 / frequency
setup(
  'binary-imbalanced-class-weight',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dropout, rate: 0.2}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 64, class_weight: {0: 1, 1: 19}}
`,
  (d) => blobCsv(d, 'train.csv', 27, 800, 6, 2, { weights: [0.95, 0.05] }),
);

setup(
  'binary-sgd-momentum',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu, kernel_initializer: he_normal}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: {name: sgd, momentum: 0.9}, learning_rate: 0.01, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 24, 400, 5, 2),
);

setup(
  'binary-two-softmax-units',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 2, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 25, 400, 5, 2),
);

setup(
  'binary-small-dataset',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 8, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.01, batch_size: 8}
`,
  (d) => blobCsv(d, 'train.csv', 26, 60, 3, 2),
);

// --- multiclass ---
setup(
  'multiclass-sparse-softmax',
  `
${tabular('data/train.csv', ['label'], { validation: 'data/val.csv' })}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 64, activation: relu}
    - {type: dropout, rate: 0.1}
    - {type: dense, units: 5, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => {
    blobCsv(d, 'train.csv', 31, 500, 8, 5);
    blobCsv(d, 'val.csv', 31, 100, 8, 5, { split: 1 });
  },
);

setup(
  'multiclass-one-hot-softmax',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize, targets: one_hot}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 4, activation: softmax}
training: {loss: categorical_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 32, 400, 6, 4),
);

setup(
  'multiclass-one-hot-sigmoid-bce',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize, targets: one_hot}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 4, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 33, 400, 6, 4),
);

setup(
  'multiclass-one-hot-columns',
  `
${tabular('data/train.csv', ['class0', 'class1', 'class2'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 3, activation: softmax}
training: {loss: categorical_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => oneHotColumnsCsv(d, 'train.csv', 34, 400, 5, 3),
);

setup(
  'multiclass-logits',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 6}
training: {loss: sparse_categorical_crossentropy, from_logits: true, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 35, 480, 6, 6),
);

setup(
  'multiclass-rmsprop',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 4, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: rmsprop, learning_rate: 0.001, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 36, 400, 6, 4),
);

setup(
  'multiclass-adamax',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 3, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adamax, learning_rate: 0.002, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 37, 360, 5, 3),
);

setup(
  'multiclass-small-dataset',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 3, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adam, learning_rate: 0.01, batch_size: 16}
`,
  (d) => blobCsv(d, 'train.csv', 38, 90, 4, 3),
);

setup(
  'multiclass-linear-mse-one-hot',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize, targets: one_hot}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 3}
training: {loss: mse, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 39, 360, 5, 3),
);

// --- multilabel ---
setup(
  'multilabel-sigmoid-bce',
  `
${tabular('data/train.csv', ['tag0', 'tag1', 'tag2', 'tag3'])}
task: multilabel
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 4, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => multiLabelCsv(d, 'train.csv', 41, 400, 6, 4),
);

setup(
  'multilabel-with-validation',
  `
${tabular('data/train.csv', ['tag0', 'tag1', 'tag2'], { validation: 'data/val.csv' })}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dropout, rate: 0.2}
    - {type: dense, units: 3, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => {
    multiLabelCsv(d, 'train.csv', 42, 400, 5, 3);
    multiLabelCsv(d, 'val.csv', 42, 100, 5, 3, 1);
  },
);

// --- images (Keras "Simple MNIST convnet": scale to [0, 1], conv + pool + dense, sparse CE) ---
setup(
  'images-conv2d-npy',
  `
data:
  train: {x: data/x.npy, y: data/y.npy}
preprocessing: {inputs: {scale: 0.00392156862745098}}
model:
  layers:
    - {type: conv2d, filters: 8, kernel_size: 3, activation: relu, padding: same}
    - {type: max_pooling2d, pool_size: 2}
    - {type: flatten}
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 4, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => {
    const { x, y } = imageArrays(51, 256, 8, 1, 4);
    npy(path.join(d, 'data', 'x.npy'), [256, 8, 8, 1], x);
    npy(path.join(d, 'data', 'y.npy'), [256], y);
  },
);

setup(
  'images-rgb-centered',
  `
data:
  train: {x: data/x.npy, y: data/y.npy}
preprocessing: {inputs: {scale: 0.0078125, shift: -1}}
model:
  layers:
    - {type: conv2d, filters: 8, kernel_size: 3, activation: relu}
    - {type: global_average_pooling2d}
    - {type: dense, units: 2, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => {
    const { x, y } = imageArrays(52, 256, 8, 3, 2);
    npy(path.join(d, 'data', 'x.npy'), [256, 8, 8, 3], x);
    npy(path.join(d, 'data', 'y.npy'), [256], y);
  },
);

setup(
  'images-dense-flatten',
  `
data:
  train: {x: data/x.npy, y: data/y.npy}
preprocessing: {inputs: {scale: 0.00392156862745098}}
model:
  layers:
    - {type: flatten}
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 4, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 32}
`,
  (d) => {
    const { x, y } = imageArrays(53, 256, 8, 1, 4);
    npy(path.join(d, 'data', 'x.npy'), [256, 8, 8, 1], x);
    npy(path.join(d, 'data', 'y.npy'), [256], y);
  },
);

setup(
  'images-png-folder',
  `
data:
  train: data/images/
preprocessing: {inputs: {scale: 0.00392156862745098}}
model:
  layers:
    - {type: conv2d, filters: 8, kernel_size: 3, activation: relu}
    - {type: max_pooling2d, pool_size: 2}
    - {type: flatten}
    - {type: dense, units: 2, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adam, learning_rate: 0.001, batch_size: 16}
`,
  (d) => {
    const { x, y } = imageArrays(54, 96, 8, 1, 2);
    y.forEach((label, r) => {
      const png = new PNG({ width: 8, height: 8, colorType: 0 });
      for (let p = 0; p < 64; p++) {
        const v = x[r * 64 + p];
        png.data[p * 4] = png.data[p * 4 + 1] = png.data[p * 4 + 2] = v;
        png.data[p * 4 + 3] = 255;
      }
      const folder = path.join(d, 'data', 'images', label === 0 ? 'horizontal' : 'vertical');
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `${String(r).padStart(3, '0')}.png`), PNG.sync.write(png, { colorType: 0 }));
    });
  },
);

// --- sequences (Keras "Text classification from scratch", "Timeseries forecasting") ---
setup(
  'sequence-embedding-lstm',
  `
data:
  train: {x: data/x.npy, y: data/y.npy}
model:
  layers:
    - {type: embedding, input_dim: 50, output_dim: 8}
    - {type: lstm, units: 16}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => {
    const { x, y } = tokenSequences(61, 256, 10, 50);
    npy(path.join(d, 'data', 'x.npy'), [256, 10], x, '<i4');
    npy(path.join(d, 'data', 'y.npy'), [256], y, '<i4');
  },
);

setup(
  'sequence-embedding-gru-multiclass',
  `
data:
  train: {x: data/x.npy, y: data/y.npy}
model:
  layers:
    - {type: embedding, input_dim: 50, output_dim: 8}
    - {type: gru, units: 16}
    - {type: dense, units: 2, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: rmsprop, learning_rate: 0.003, batch_size: 32}
`,
  (d) => {
    const { x, y } = tokenSequences(62, 256, 10, 50);
    npy(path.join(d, 'data', 'x.npy'), [256, 10], x, '<i4');
    npy(path.join(d, 'data', 'y.npy'), [256], y, '<i4');
  },
);

setup(
  'sequence-lstm-forecast',
  `
data:
  train: {x: data/x.npy, y: data/y.npy}
model:
  input_shape: [12, 1]
  layers:
    - {type: lstm, units: 16}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => {
    const { x, y } = sineWindows(63, 256, 12);
    npy(path.join(d, 'data', 'x.npy'), [256, 12, 1], x);
    npy(path.join(d, 'data', 'y.npy'), [256, 1], y);
  },
);

setup(
  'sequence-conv1d',
  `
data:
  train: {x: data/x.npy, y: data/y.npy}
model:
  input_shape: [16, 1]
  layers:
    - {type: conv1d, filters: 8, kernel_size: 3, activation: relu}
    - {type: max_pooling1d, pool_size: 2}
    - {type: flatten}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adam, learning_rate: 0.003, batch_size: 32}
`,
  (d) => {
    const { x, y } = sineWindows(64, 256, 16);
    npy(path.join(d, 'data', 'x.npy'), [256, 16, 1], x);
    npy(path.join(d, 'data', 'y.npy'), [256, 1], y);
  },
);

// --- Keras model files (model.to_json() with its training_config) ---
setup(
  'keras-file-regression',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  keras: model.json
`,
  (d) => {
    regressionCsv(d, 'train.csv', 71, 400, 5);
    writeFileSync(
      path.join(d, 'model.json'),
      kerasSequential([denseK('dense', 32, 'relu', { input_dim: 5 }), denseK('dense_1', 1, 'linear')], {
        loss: 'mean_squared_error',
        optimizer_config: {
          class_name: 'Adam',
          config: {
            name: 'Adam',
            learning_rate: 0.001,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
            amsgrad: false,
            jit_compile: true,
            is_legacy_optimizer: false,
          },
        },
      }),
    );
  },
);

setup(
  'keras-file-classifier',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  keras: model.json
`,
  (d) => {
    blobCsv(d, 'train.csv', 72, 400, 6, 3);
    writeFileSync(
      path.join(d, 'model.json'),
      kerasSequential([denseK('dense', 32, 'relu', { input_dim: 6 }), ['Dropout', { name: 'dropout', rate: 0.2 }], denseK('dense_1', 3, 'softmax')], {
        loss: 'sparse_categorical_crossentropy',
        optimizer_config: { class_name: 'RMSprop', config: { name: 'RMSprop', learning_rate: 0.001, rho: 0.9, momentum: 0.0, epsilon: 1e-7, centered: false } },
      }),
    );
  },
);

setup(
  'keras-file-sgd-clipnorm',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  keras: model.json
`,
  (d) => {
    blobCsv(d, 'train.csv', 73, 400, 5, 2);
    writeFileSync(
      path.join(d, 'model.json'),
      kerasSequential([denseK('dense', 16, 'relu', { input_dim: 5 }), denseK('dense_1', 1, 'sigmoid')], {
        loss: 'binary_crossentropy',
        optimizer_config: { class_name: 'SGD', config: { name: 'SGD', learning_rate: 0.05, momentum: 0.9, nesterov: false, clipnorm: 1.0 } },
      }),
    );
  },
);

// --- other optimizers (Keras defaults documented for each) ---
setup(
  'regression-adagrad',
  `
${tabular('data/train.csv', ['y'])}
preprocessing: {inputs: standardize, targets: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 1}
training: {loss: mse, optimizer: adagrad, learning_rate: 0.05, batch_size: 32}
`,
  (d) => regressionCsv(d, 'train.csv', 81, 400, 5),
);

setup(
  'multiclass-adadelta',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 3, activation: softmax}
training: {loss: sparse_categorical_crossentropy, optimizer: adadelta, learning_rate: 1.0, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 82, 360, 5, 3),
);

setup(
  'binary-adam-amsgrad',
  `
${tabular('data/train.csv', ['label'])}
preprocessing: {inputs: standardize}
model:
  layers:
    - {type: dense, units: 32, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
training: {loss: binary_crossentropy, optimizer: {name: adam, amsgrad: true}, learning_rate: 0.001, batch_size: 32}
`,
  (d) => blobCsv(d, 'train.csv', 83, 400, 5, 2),
);

console.log(`wrote ${root}`);
