// ONNX models exported by real PyTorch (test/fixtures/onnx/export.py, torch 1.13): each maps to the right
// layers and parameter counts, its initializers load as the starting weights, and the built TF.js model
// computes what PyTorch computed at export time. Broken files are config-errors, never crashes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_CONFIG_LIMITS } from '../../src/config/problems.ts';
import { loadOnnxModel } from '../../src/config/onnx/load.ts';
import type { ModelSpec } from '../../src/config/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { buildModelWithLayers } from '../../src/engine/build-model.ts';
import { summarizeModel } from '../../src/model/summarize.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/onnx');
const scratch = mkdtempSync(path.join(tmpdir(), 'preflight-onnx-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(async () => {
  await initBackend('cpu');
});

interface Expected {
  trainable_params: number;
  buffer_params: number;
  input_shape: number[];
  input: number[];
  output_shape: number[];
  output: number[];
  training_mode: boolean;
  opset: number;
}

function expected(name: string): Expected {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;
}

function fixture(name: string): ModelSpec {
  const result = loadOnnxModel(`${name}.onnx`, {
    configPath: path.join(FIXTURES, 'x.preflight.yml'),
    root: FIXTURES,
    displayPath: 'x.preflight.yml',
    limits: DEFAULT_CONFIG_LIMITS,
  });
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.model;
}

const types = (model: ModelSpec) => model.layers.map((l) => l.type);

/** Expected layer types, and the activation of each weighted layer where one was folded in. */
const MAPPINGS: Record<string, { types: string[]; activations?: (string | undefined)[]; layout: 'nchw' | 'nhwc'; input: number[] }> = {
  mlp_regression: { types: ['dense', 'dense', 'dense'], activations: ['relu', 'relu', 'linear'], layout: 'nhwc', input: [6] },
  classifier_logits: { types: ['dense', 'dense'], activations: ['relu', 'linear'], layout: 'nhwc', input: [4] },
  classifier_softmax: { types: ['dense', 'dense'], activations: ['relu', 'softmax'], layout: 'nhwc', input: [4] },
  cnn_train: { types: ['conv2d', 'batch_normalization', 'activation', 'max_pooling2d', 'dropout', 'flatten', 'dense'], layout: 'nchw', input: [8, 8, 1] },
  cnn_depthwise: {
    types: ['conv2d', 'depthwise_conv2d', 'average_pooling2d', 'flatten', 'dense'],
    activations: ['elu', 'sigmoid', undefined, undefined, 'log_softmax'],
    layout: 'nchw',
    input: [8, 8, 3],
  },
  conv1d: { types: ['conv1d', 'max_pooling1d', 'flatten', 'dense'], activations: ['tanh'], layout: 'nchw', input: [10, 2] },
  mlp_norm: {
    types: ['dense', 'layer_normalization', 'activation', 'dense', 'dense', 'dense'],
    activations: ['linear', undefined, 'leaky_relu', 'selu', 'softplus', 'hard_sigmoid'],
    layout: 'nhwc',
    input: [5],
  },
  mlp_bn1d: { types: ['dense', 'batch_normalization', 'activation', 'dense'], layout: 'nhwc', input: [3] },
  lstm: { types: ['lstm', 'dense'], activations: ['tanh'], layout: 'nhwc', input: [5, 3] },
  gru: { types: ['gru', 'dense'], activations: ['tanh'], layout: 'nhwc', input: [5, 3] },
  rnn: { types: ['simple_rnn', 'dense'], layout: 'nhwc', input: [5, 3] },
  embedding: { types: ['embedding', 'flatten', 'dense'], layout: 'nhwc', input: [5] },
  lstm_sequence: { types: ['lstm', 'dense', 'flatten', 'dense'], activations: ['tanh', 'relu'], layout: 'nhwc', input: [5, 3] },
  mlp_gelu: { types: ['dense', 'dense'], activations: ['gelu', 'linear'], layout: 'nhwc', input: [4] },
  residual: {
    types: ['conv2d', 'conv2d', 'add', 'activation', 'global_average_pooling2d', 'dense'],
    activations: ['relu', 'linear'],
    layout: 'nchw',
    input: [6, 6, 4],
  },
  concat: { types: ['dense', 'dense', 'concatenate', 'dense'], activations: ['relu', 'tanh'], layout: 'nhwc', input: [4] },
};

describe('ONNX exports of PyTorch models map to layers', () => {
  for (const [name, want] of Object.entries(MAPPINGS)) {
    it(`${name}: layers, input shape, layout and PyTorch's parameter count`, () => {
      const model = fixture(name);
      const exp = expected(name);
      assert.deepEqual(types(model), want.types);
      want.activations?.forEach((activation, i) => {
        if (activation !== undefined) assert.equal(model.layers[i].activation, activation, `layer ${i} activation`);
      });
      assert.deepEqual(model.input_shape, want.input);
      assert.equal(model.origin.kind, 'onnx');
      if (model.origin.kind !== 'onnx') return;
      assert.equal(model.origin.layout, want.layout);
      assert.equal(model.origin.training_mode, exp.training_mode);
      assert.equal(model.origin.opset, exp.opset);
      assert.deepEqual(model.origin.producer, { name: 'pytorch', version: '1.13.0' });
      const summary = summarizeModel(model, model.input_shape!);
      // Keras counts BatchNormalization's moving statistics as (non-trainable) parameters; PyTorch calls them buffers.
      assert.equal(summary.trainableParams, exp.trainable_params);
      assert.equal(summary.totalParams, exp.trainable_params + exp.buffer_params);
      assert.deepEqual(summary.layers[summary.layers.length - 1].outputShape, exp.output_shape.slice(1));
    });
  }

  it('a training-mode export keeps Dropout with its rate; an evaluation-mode export has none', () => {
    const train = fixture('cnn_train');
    assert.equal(train.layers.find((l) => l.type === 'dropout')?.rate, 0.25);
    const evaluation = fixture('mlp_bn1d');
    assert.equal(
      evaluation.layers.some((l) => l.type === 'dropout'),
      false,
    );
    assert.equal(evaluation.origin.kind === 'onnx' && evaluation.origin.training_mode, false);
  });

  it('a residual Add and a Concat become add / concatenate layers wired by `inbound`; a plain stack has no wiring', () => {
    const residual = fixture('residual');
    assert.deepEqual(residual.unsupported, []);
    assert.deepEqual(
      residual.layers.map((l) => l.inbound),
      [[-1], [0], [1, -1], [2], [3], [4]],
    );
    const concat = fixture('concat');
    assert.deepEqual(
      concat.layers.map((l) => l.inbound),
      [[-1], [-1], [0, 1], [2]],
    );
    assert.equal(
      fixture('mlp_regression').layers.some((l) => l.inbound !== undefined),
      false,
    );
  });

  it('an LSTM whose whole sequence goes on returns sequences; the per-step Linear is a MatMul with its Add folded in as the bias', () => {
    const model = fixture('lstm_sequence');
    assert.equal(model.layers[0].return_sequences, true);
    assert.equal(model.layers[1].use_bias, true);
    assert.equal(fixture('lstm').layers[0].return_sequences, false);
  });

  it('layers keep PyTorch module names, or the Sequential index', () => {
    assert.deepEqual(
      fixture('lstm').layers.map((l) => l.name),
      ['rnn', 'head'],
    );
    assert.deepEqual(
      fixture('mlp_regression').layers.map((l) => l.name),
      ['dense_0', 'dense_2', 'dense_4'],
    );
  });

  it('the initializers the checks see are the exported weights: PyTorch default init is U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
    const first = fixture('mlp_regression').layers[0];
    assert.equal(first.kernel_initializer?.name, 'from_onnx');
    const expectedStd = 1 / Math.sqrt(3 * 6);
    assert.ok(Math.abs(first.kernel_initializer!.stddev! / expectedStd - 1) < 0.15, `kernel std ${first.kernel_initializer!.stddev}`);
    assert.ok(Math.abs(first.kernel_initializer!.mean!) < 0.05);
    assert.equal(first.bias_initializer?.name, 'from_onnx');
  });

  it('a PyTorch GRU says where the smoke run differs (TF.js has no reset_after)', () => {
    const model = fixture('gru');
    assert.equal(model.layers[0].extra?.reset_after, true);
    assert.match(model.origin.kind === 'onnx' ? model.origin.notes.join(' ') : '', /linear_before_reset/);
  });
});

/** NCHW (or NCL) -> NHWC (NLC), as the smoke run feeds channels-first data. */
function toChannelsLast(values: number[], shape: number[]): tf.Tensor {
  const x = tf.tensor(values, shape);
  if (shape.length < 3) return x;
  const perm = [0, ...shape.slice(2).map((_, i) => i + 2), 1];
  return tf.transpose(x, perm);
}

// float32 through a few layers: PyTorch and TF.js agree to about 1e-6; the bound leaves room for sums of 64 terms.
const TOLERANCE = 1e-4;

describe('the built TF.js model computes what PyTorch computed at export time', () => {
  // The GRU is left out: TF.js builds no reset_after GRU (see the notes test above).
  const exact = Object.keys(MAPPINGS).filter((name) => name !== 'gru');
  for (const name of exact) {
    it(`${name}: the initializers load and the forward pass matches within ${TOLERANCE}`, () => {
      const model = fixture(name);
      const exp = expected(name);
      const built = buildModelWithLayers(tf, model, model.input_shape!, 0);
      assert.match(built.notes.join(' '), /^loaded \d+ Keras weight arrays$/);
      const input =
        model.origin.kind === 'onnx' && model.origin.layout === 'nchw' ? toChannelsLast(exp.input, exp.input_shape) : tf.tensor(exp.input, exp.input_shape);
      const output = built.model.predict(input) as tf.Tensor;
      assert.deepEqual(output.shape, exp.output_shape);
      const got = Array.from(output.dataSync());
      const worst = Math.max(...got.map((v, i) => Math.abs(v - exp.output[i]) / Math.max(1, Math.abs(exp.output[i]))));
      assert.ok(worst < TOLERANCE, `${name}: largest difference ${worst}\n got ${got.slice(0, 6)}\nwant ${exp.output.slice(0, 6)}`);
      tf.dispose([input, output]);
      built.model.dispose();
    });
  }

  it('the comparison can fail: a transposed kernel (the [out, in] layout left as it is) does not match', () => {
    const model = fixture('classifier_logits');
    const exp = expected('classifier_logits');
    const kernel = model.weights!.tensors[0];
    const [inputs, units] = kernel.shape;
    const wrong = new Float32Array(kernel.values.length);
    for (let i = 0; i < inputs; i++) for (let o = 0; o < units; o++) wrong[i * units + o] = kernel.values[(o * inputs + i) % kernel.values.length];
    kernel.values = wrong;
    const built = buildModelWithLayers(tf, model, model.input_shape!, 0);
    const output = built.model.predict(tf.tensor(exp.input, exp.input_shape)) as tf.Tensor;
    const got = Array.from(output.dataSync());
    assert.ok(got.some((v, i) => Math.abs(v - exp.output[i]) > 1e-3));
    built.model.dispose();
  });
});

describe('ONNX files that are broken or not allowed are config-errors naming the file', () => {
  let counter = 0;
  function repoWith(files: Record<string, string | Buffer>): string {
    const root = path.join(scratch, `repo${counter++}`);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), content);
    }
    return root;
  }
  const config = (onnxPath: string, extra = '') =>
    `version: 1\ndata:\n  train: train.csv\n  targets: [y]\nmodel:\n  onnx: ${onnxPath}\n${extra}training:\n  loss: mse\n`;
  async function problemsFor(files: Record<string, string | Buffer>, onnxPath = 'model.onnx', extra = '') {
    const root = repoWith({ 'p.preflight.yml': config(onnxPath, extra), 'train.csv': 'a,y\n1,2\n', ...files });
    const result = await loadConfig(path.join(root, 'p.preflight.yml'), { root, displayPath: 'p.preflight.yml' });
    assert.equal(result.ok, false);
    return result.ok ? [] : result.problems;
  }
  const good = readFileSync(path.join(FIXTURES, 'mlp_regression.onnx'));

  it('loads a good file through the config', async () => {
    const root = repoWith({ 'p.preflight.yml': config('model.onnx'), 'train.csv': 'a,y\n1,2\n', 'model.onnx': good });
    const result = await loadConfig(path.join(root, 'p.preflight.yml'), { root, displayPath: 'p.preflight.yml' });
    assert.ok(result.ok);
    assert.equal(result.config.model.origin.kind, 'onnx');
    assert.equal(result.config.model.layers.length, 3);
  });

  for (const [what, bytes] of [
    ['a truncated file', good.subarray(0, Math.floor(good.length / 2))],
    ['random bytes', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 256))],
    ['an empty file', Buffer.alloc(0)],
    ['a Keras JSON file', Buffer.from('{"class_name": "Sequential", "config": {"layers": []}}')],
  ] as const) {
    it(`${what}`, async () => {
      const problems = await problemsFor({ 'model.onnx': bytes });
      assert.equal(problems.length, 1);
      assert.equal(problems[0].key, 'model.onnx');
      assert.match(problems[0].message, /model\.onnx/);
      assert.equal(problems[0].line, 6);
    });
  }

  it('a tensor whose data is shorter than its dimensions say', async () => {
    // Cut the last initializer's raw bytes by editing its declared size: flip the [1] bias dims to [9].
    const broken = Buffer.from(good);
    const at = broken.lastIndexOf(Buffer.from('4.bias'));
    assert.ok(at > 0);
    const dimsTag = broken.indexOf(Buffer.from([0x08, 0x01]), at - 8);
    assert.ok(dimsTag >= 0 && dimsTag < at);
    broken[dimsTag + 1] = 9;
    const problems = await problemsFor({ 'model.onnx': broken });
    assert.match(problems[0].message, /holds 4 bytes of data for 9 elements/);
  });

  it('a path that leaves the repository, and a missing file', async () => {
    assert.match((await problemsFor({}, '../outside.onnx'))[0].message, /leaves the repository/);
    assert.match((await problemsFor({}, 'missing.onnx'))[0].message, /does not exist/);
  });

  it('a file above the size limit is refused before it is read', () => {
    const root = repoWith({ 'model.onnx': good });
    const result = loadOnnxModel('model.onnx', {
      configPath: path.join(root, 'p.preflight.yml'),
      root,
      displayPath: 'p.preflight.yml',
      limits: DEFAULT_CONFIG_LIMITS,
      maxFileBytes: 1000,
    });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /is \d+ bytes; the limit is 1000/);
  });

  it('`onnx` together with `layers` asks for exactly one', async () => {
    const problems = await problemsFor({ 'model.onnx': good }, 'model.onnx', '  layers:\n    - {type: dense, units: 1}\n');
    assert.match(problems[0].message, /has both `layers` and `onnx`; give exactly one/);
  });
});

// tf2onnx writes Keras models as MatMul by [in, out] weights plus Add, and wraps convolutions in
// NHWC <-> NCHW transposes. No tf2onnx here, so the graph is written with onnx-proto's own encoder.
describe('tf2onnx-style graphs', () => {
  const { onnx } = onnxProto;
  const floats = (name: string, dims: number[], values: number[]) => ({ name, dims, dataType: 1, rawData: new Uint8Array(new Float32Array(values).buffer) });
  const ints = (name: string, values: number[]) => ({
    name,
    dims: [values.length],
    dataType: 7,
    rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer),
  });
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
    opType,
    name: `${opType}_${output[0]}`,
    input,
    output,
    attribute,
  });
  const valueInfo = (name: string, dims: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  function encode(graph: object): Buffer {
    const model = { irVersion: 7, producerName: 'tf2onnx', producerVersion: '1.16.1', opsetImport: [{ domain: '', version: 15 }], graph };
    return Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish());
  }
  function mapBytes(bytes: Buffer): ReturnType<typeof loadOnnxModel> {
    const root = path.join(scratch, `tf2onnx${Math.random().toString(36).slice(2)}`);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'model.onnx'), bytes);
    return loadOnnxModel('model.onnx', { configPath: path.join(root, 'p.preflight.yml'), root, displayPath: 'p.preflight.yml', limits: DEFAULT_CONFIG_LIMITS });
  }

  it('MatMul + Add keeps the [in, out] kernel as it is; the softmax folds into the dense', () => {
    const w = [1, 2, 3, 4, 5, 6]; // [3, 2]
    const bytes = encode({
      node: [node('MatMul', ['x', 'w'], ['mm']), node('Add', ['mm', 'b'], ['logits']), node('Softmax', ['logits'], ['y'], [{ name: 'axis', type: 2, i: -1 }])],
      initializer: [floats('w', [3, 2], w), floats('b', [2], [0.5, -0.5])],
      input: [valueInfo('x', ['unk__0', 3])],
      output: [valueInfo('y', ['unk__0', 2])],
    });
    const result = mapBytes(bytes);
    assert.ok(result.ok, result.ok ? '' : result.message);
    const model = result.model;
    assert.deepEqual(types(model), ['dense']);
    assert.equal(model.layers[0].activation, 'softmax');
    assert.deepEqual(Array.from(model.weights!.tensors[0].values), w);
    assert.deepEqual(Array.from(model.weights!.tensors[1].values), [0.5, -0.5]);
    assert.deepEqual(model.origin.kind === 'onnx' && model.origin.producer, { name: 'tf2onnx', version: '1.16.1' });
  });

  it('an NHWC input transposed around a convolution stays channels-last: no reordering at the Reshape', () => {
    const conv = Array.from({ length: 2 * 1 * 3 * 3 }, (_, i) => i / 10); // OIHW [2, 1, 3, 3]
    const dense = Array.from({ length: 8 * 8 * 2 }, (_, i) => i); // [128, 1]
    const bytes = encode({
      node: [
        node('Transpose', ['x'], ['x_nchw'], [{ name: 'perm', type: 7, ints: [0, 3, 1, 2] }]),
        node(
          'Conv',
          ['x_nchw', 'k'],
          ['c'],
          [
            { name: 'pads', type: 7, ints: [1, 1, 1, 1] },
            { name: 'kernel_shape', type: 7, ints: [3, 3] },
          ],
        ),
        node('Relu', ['c'], ['r']),
        node('Transpose', ['r'], ['r_nhwc'], [{ name: 'perm', type: 7, ints: [0, 2, 3, 1] }]),
        node('Reshape', ['r_nhwc', 'shape'], ['flat']),
        node('MatMul', ['flat', 'w'], ['y']),
      ],
      initializer: [floats('k', [2, 1, 3, 3], conv), ints('shape', [-1, 128]), floats('w', [128, 1], dense)],
      input: [valueInfo('x', ['N', 8, 8, 1])],
      output: [valueInfo('y', ['N', 1])],
    });
    const result = mapBytes(bytes);
    assert.ok(result.ok, result.ok ? '' : result.message);
    const model = result.model;
    assert.deepEqual(types(model), ['conv2d', 'flatten', 'dense']);
    assert.deepEqual(model.unsupported, []);
    assert.deepEqual(model.input_shape, [8, 8, 1]);
    assert.equal(model.origin.kind === 'onnx' && model.origin.layout, 'nhwc');
    assert.equal(model.layers[0].padding, 'same');
    assert.equal(model.layers[0].activation, 'relu');
    const kernel = model.weights!.tensors.find((t) => t.name.endsWith('/kernel') && t.shape.length === 2)!;
    assert.deepEqual(Array.from(kernel.values), dense);
  });

  it('a tensor declaring more elements than the limit is refused before anything is allocated', () => {
    const bytes = encode({
      node: [node('MatMul', ['x', 'w'], ['y'])],
      initializer: [{ name: 'w', dims: [100_000, 100_000], dataType: 1 }],
      input: [valueInfo('x', ['N', 100_000])],
      output: [valueInfo('y', ['N', 100_000])],
    });
    const result = mapBytes(bytes);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.message, /tensor "w" has 10000000000 elements; the limit is/);
  });

  it('a dynamic feature axis asks for a fixed export size', () => {
    const bytes = encode({
      node: [node('Relu', ['x'], ['y'])],
      input: [valueInfo('x', ['N', 'features'])],
      output: [valueInfo('y', ['N', 'features'])],
    });
    const result = mapBytes(bytes);
    assert.match(result.ok ? '' : result.message, /dynamic dimension at axis 1 \("features"\)/);
  });
});

describe('damaged ONNX files never crash the loader', () => {
  it('seeded byte flips and truncations of every fixture end as a model or a message', () => {
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const root = path.join(scratch, 'damaged');
    mkdirSync(root, { recursive: true });
    let refused = 0;
    let loaded = 0;
    for (const name of Object.keys(MAPPINGS)) {
      const original = readFileSync(path.join(FIXTURES, `${name}.onnx`));
      for (let round = 0; round < 40; round++) {
        const bytes = Buffer.from(original);
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        const cut = round % 3 === 0 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
        writeFileSync(path.join(root, 'model.onnx'), cut);
        const result = loadOnnxModel('model.onnx', {
          configPath: path.join(root, 'p.preflight.yml'),
          root,
          displayPath: 'p.preflight.yml',
          limits: DEFAULT_CONFIG_LIMITS,
        });
        if (result.ok) loaded++;
        else {
          refused++;
          assert.match(result.message, /model\.onnx/);
          // The mapper's catch-all names an unexpected exception: none should reach it.
          assert.doesNotMatch(result.message, /could not be read as a chain of layers/);
        }
      }
    }
    assert.ok(refused > 0 && loaded > 0, `refused ${refused}, loaded ${loaded}`);
  });
});
