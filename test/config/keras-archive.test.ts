// Keras 3 `.keras` archives: model and compile config from config.json, starting weights from
// model.weights.h5 (read with h5wasm). The archives are synthesized (test/fixtures/keras/build.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { loadConfig, type ConfigLoadResult } from '../../src/config/load.ts';
import type { PreflightConfig } from '../../src/config/types.ts';
import { initBackend } from '../../src/engine/backend.ts';
import { buildModelWithLayers } from '../../src/engine/build-model.ts';
import { runCheckWithRuns } from '../../src/pipeline.ts';
import { loadH5, readKerasH5Weights } from '../../src/config/keras-h5.ts';
import { makeH5, makeKerasArchive, makeZip, METADATA } from '../fixtures/keras/build.ts';
import { EXAMPLE, LSTM, TINY } from '../fixtures/keras/make-fixtures.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/keras', name));
const scratch = mkdtempSync(path.join(tmpdir(), 'preflight-keras-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(async () => {
  await initBackend('cpu');
});

const CONFIG = `version: 1
data:
  train: data/train.csv
  targets: [y]
model:
  keras: model.keras
`;

let counter = 0;
async function loadWith(archive: Buffer | Uint8Array, yaml = CONFIG): Promise<ConfigLoadResult> {
  const root = path.join(scratch, `repo${counter++}`);
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'model.keras'), archive);
  writeFileSync(path.join(root, 'setup.preflight.yml'), yaml);
  return loadConfig(path.join(root, 'setup.preflight.yml'), { root, displayPath: 'setup.preflight.yml' });
}

async function loaded(archive: Buffer | Uint8Array): Promise<PreflightConfig> {
  const result = await loadWith(archive);
  if (!result.ok) assert.fail(`expected a config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

async function problemOf(archive: Buffer | Uint8Array): Promise<string> {
  const result = await loadWith(archive);
  assert.equal(result.ok, false, 'the archive is refused');
  if (result.ok) return '';
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0].key, 'model.keras');
  assert.equal(result.problems[0].line, 6, 'the problem points at the `keras:` line');
  return result.problems[0].message;
}

describe('.keras archives: the model and its compile config', () => {
  it('reads the layers, the loss, the optimizer and the learning rate from config.json', async () => {
    const config = await loaded(fixture('tiny.keras'));
    assert.deepEqual(config.model.origin, { kind: 'keras', file: 'model.keras', format: 'keras3' });
    assert.deepEqual(config.model.input_shape, [3]);
    assert.deepEqual(
      config.model.layers.map((l) => [l.type, l.name, l.units, l.activation]),
      [
        ['dense', 'hidden', 2, 'relu'],
        ['dense', 'out', 1, 'linear'],
      ],
    );
    assert.equal(config.training.loss, 'mean_squared_error');
    assert.equal(config.training.optimizer.name, 'adam');
    assert.equal(config.training.learning_rate, 0.01);
    assert.equal(config.training.learning_rate_explicit, true);
  });

  it('maps model.weights.h5 in layer order, by the names Keras 3 files them under', async () => {
    const config = await loaded(fixture('tiny.keras'));
    const tensors = config.model.weights?.tensors ?? [];
    assert.deepEqual(
      tensors.map((t) => [t.name, t.shape]),
      [
        ['layers/dense/vars/0', [3, 2]],
        ['layers/dense/vars/1', [2]],
        ['layers/dense_1/vars/0', [2, 1]],
        ['layers/dense_1/vars/1', [1]],
      ],
    );
    assert.deepEqual(Array.from(tensors[0].values), [1, -1, 0.5, 0.5, -1, 2]);
    assert.equal(config.model.weights_unused, undefined);
  });

  it('the smoke model starts from the saved weights: its prediction is the hand-computed one', async () => {
    const config = await loaded(fixture('tiny.keras'));
    // hidden = relu([1 + 1 - 3 + 0.1, -1 + 1 + 6 - 0.2]) = [0, 5.8]; out = 0*2 + 5.8*(-3) + 0.5 = -16.9
    const x = tf.tensor2d([[1, 2, 3]]);
    const built = buildModelWithLayers(tf, config.model, [3], 0);
    assert.deepEqual(built.notes, ['loaded 4 Keras weight arrays']);
    const fromFile = (built.model.predict(x) as tf.Tensor).dataSync()[0];
    assert.ok(Math.abs(fromFile - -16.9) < 1e-5, `prediction ${fromFile}`);
    const fresh = buildModelWithLayers(tf, { ...config.model, weights: undefined }, [3], 0);
    const fromInit = (fresh.model.predict(x) as tf.Tensor).dataSync()[0];
    assert.ok(Math.abs(fromInit - -16.9) > 0.5, `a fresh init predicts something else (${fromInit})`);
    built.model.dispose();
    fresh.model.dispose();
    x.dispose();
  });

  it('reads an LSTM, whose variables live in its cell, and loads all five arrays into the model', async () => {
    const config = await loaded(fixture('lstm.keras'));
    assert.deepEqual(
      config.model.weights?.tensors.map((t) => t.name),
      LSTM.tensors.map((t) => t.path),
    );
    const built = buildModelWithLayers(tf, config.model, [5, 2], 0);
    assert.deepEqual(built.notes, ['loaded 5 Keras weight arrays']);
    built.model.dispose();
  });

  it('numbers layers of one class dense, dense_1, dense_2 ... even past dense_9 (HDF5 lists them sorted as text)', async () => {
    const dense = TINY.config.config.layers[2] as { config: object };
    const layers = Array.from({ length: 12 }, (_, i) => ({ ...dense, config: { ...dense.config, name: `d${i}`, units: 1 } }));
    const config = { ...TINY.config, config: { ...TINY.config.config, layers: [TINY.config.config.layers[0], ...layers] } };
    const tensors = layers.flatMap((_, i) => [
      { path: `layers/${i === 0 ? 'dense' : `dense_${i}`}/vars/0`, shape: [i === 0 ? 3 : 1, 1], values: i === 0 ? [i, i, i] : [i] },
      { path: `layers/${i === 0 ? 'dense' : `dense_${i}`}/vars/1`, shape: [1], values: [-(i + 1)] },
    ]);
    const result = await loaded(await makeKerasArchive(config, tensors));
    assert.deepEqual(
      result.model.weights?.tensors.filter((_, k) => k % 2 === 1).map((t) => t.values[0]),
      layers.map((_, i) => -(i + 1)),
    );
  });

  it('a .keras file without weights is still checked from a fresh init', async () => {
    const config = await loaded(makeZip({ 'metadata.json': METADATA, 'config.json': JSON.stringify(TINY.config) }));
    assert.equal(config.model.weights, undefined);
    assert.equal(config.model.layers.length, 2);
  });

  it('weights in a layout it does not know are reported as not used, and the model is still checked', async () => {
    const config = await loaded(await makeKerasArchive(TINY.config, [{ path: 'model_weights/hidden/kernel', shape: [3, 2], values: [1, 2, 3, 4, 5, 6] }]));
    assert.equal(config.model.weights, undefined);
    assert.match(config.model.weights_unused ?? '', /no `layers` group/);
    const missing = await loaded(await makeKerasArchive(TINY.config, TINY.tensors.slice(0, 2)));
    assert.match(missing.model.weights_unused ?? '', /no weights for layer `out` \(looked for `layers\/dense_1`\)/);
  });
});

describe('.keras archives: damaged or hostile files are config errors', () => {
  const good = () => fixture('tiny.keras');

  it('a truncated archive', async () => {
    assert.match(await problemOf(good().subarray(0, 200)), /model\.keras: the \.keras archive is damaged: not a complete zip archive/);
  });

  it('an archive without config.json names what it holds', async () => {
    assert.match(await problemOf(makeZip({ 'metadata.json': METADATA })), /no config\.json \(it holds: metadata\.json\)/);
  });

  it('config.json that is not JSON, or not a Keras model', async () => {
    assert.match(await problemOf(makeZip({ 'config.json': '{"class_name": ' })), /config\.json in the \.keras archive is not valid JSON/);
    assert.match(
      await problemOf(makeZip({ 'config.json': JSON.stringify({ class_name: 'Dense', config: {} }) })),
      /config\.json: the Keras model is a `Dense`/,
    );
  });

  it('model.weights.h5 that is not HDF5', async () => {
    const archive = makeZip(
      { 'config.json': JSON.stringify(TINY.config), 'model.weights.h5': Buffer.from('this is not an HDF5 file at all, just text'.repeat(20)) },
      ['model.weights.h5'],
    );
    assert.match(await problemOf(archive), /model\.weights\.h5 is not a readable HDF5 file/);
  });

  it('a weight that is a group instead of a dataset', async () => {
    const h5 = await makeH5(TINY.tensors.slice(1), ['layers/dense/vars/0']);
    const archive = makeZip({ 'config.json': JSON.stringify(TINY.config), 'model.weights.h5': h5 }, ['model.weights.h5']);
    assert.match(await problemOf(archive), /`layers\/dense\/vars\/0` is not a dataset/);
  });

  it('an entry declaring more bytes than the limit is refused before it is read or inflated', async () => {
    const archive = Buffer.from(good());
    // Patch the central directory's uncompressed size of model.weights.h5 to 4 GiB - 2.
    const directoryOffset = archive.readUInt32LE(archive.length - 22 + 16);
    let at = directoryOffset;
    while (archive.toString('utf8', at + 46, at + 46 + archive.readUInt16LE(at + 28)) !== 'model.weights.h5') {
      at += 46 + archive.readUInt16LE(at + 28) + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    }
    archive.writeUInt32LE(0xfffffffe, at + 24);
    assert.match(await problemOf(archive), /model\.weights\.h5: it holds 4294967294 bytes; the limit is 268435456/);
  });

  it('a deflated entry that inflates past its declared size (a zip bomb) is cut off', async () => {
    const archive = makeZip({ 'config.json': JSON.stringify(TINY.config) + ' '.repeat(1_000_000) });
    // Declare 100 bytes in the central directory: inflating stops there.
    const directoryOffset = archive.readUInt32LE(archive.length - 22 + 16);
    archive.writeUInt32LE(100, directoryOffset + 24);
    assert.match(await problemOf(archive), /config\.json: the compressed data is corrupt or larger than declared/);
  });

  it('a dataset larger than the values left under the limit is refused before it is read', async () => {
    const h5 = await makeH5(TINY.tensors);
    // 6 + 2 + 2 + 1 = 11 values in all; with 9 allowed, the third array (2 values) meets 1 left.
    const result = await readKerasH5Weights(h5, TINY.config.config.layers, 9);
    assert.equal(result.ok, false);
    assert.match(result.ok === false ? result.message : '', /`layers\/dense_1\/vars\/0` has 2 values and only 1 remain under the limit/);
    const fits = await readKerasH5Weights(h5, TINY.config.config.layers, 11);
    assert.equal(fits.ok, true);
  });

  it('an external link out of the file reaches nothing: the layer has no weights to use', async () => {
    const { h5, fs } = await loadH5();
    const file = new h5.File('/external-link-test.h5', 'w');
    file.create_group('layers');
    (file.get('layers') as InstanceType<typeof h5.Group>).create_external_link('/etc/passwd', '/', 'dense');
    file.close();
    const bytes = fs.readFile('/external-link-test.h5');
    fs.unlink('/external-link-test.h5');
    const result = await readKerasH5Weights(bytes, TINY.config.config.layers, 1000);
    assert.equal(result.ok, 'unused');
    assert.match(result.ok === 'unused' ? result.reason : '', /no weights for layer `hidden`/);
  });

  it('a soft link that makes a layer its own child is followed a bounded number of levels', async () => {
    const { h5, fs } = await loadH5();
    const cyclic = await makeH5(TINY.tensors);
    fs.writeFile('/cycle-test.h5', cyclic);
    const file = new h5.File('/cycle-test.h5', 'a');
    (file.get('layers/dense') as InstanceType<typeof h5.Group>).create_soft_link('/layers/dense', 'cell');
    file.close();
    const bytes = fs.readFile('/cycle-test.h5');
    fs.unlink('/cycle-test.h5');
    const result = await readKerasH5Weights(bytes, TINY.config.config.layers, 1000);
    assert.equal(result.ok, true);
    // the layer's own 2 arrays, then 3 more levels of the same 2: more than the model takes, so the engine will not load them
    assert.equal(result.ok === true ? result.weights.tensors.length : 0, 2 * 4 + 2);
  });

  it('64-bit float weights are read and narrowed to float32', async () => {
    const tensors = TINY.tensors.map((t) => ({ ...t, dtype: '<d' as const }));
    const config = await loaded(await makeKerasArchive(TINY.config, tensors));
    assert.deepEqual(Array.from(config.model.weights!.tensors[3].values), [0.5]);
  });
});

describe('the examples/keras-archive project', () => {
  it("is clean: no finding at all, with the smoke run starting from the archive's weights", async () => {
    const { report, runs } = await runCheckWithRuns({
      root: repoRoot,
      configs: [path.join(repoRoot, 'examples/keras-archive/churn.preflight.yml')],
      smoke: true,
      backend: 'cpu',
      failOn: 'warning',
      verify: false,
    });
    const result = report.results[0];
    assert.deepEqual(
      result.findings.map((f) => `${f.severity} ${f.id}: ${f.message}`),
      [],
    );
    assert.equal(report.conclusion, 'success');
    assert.equal(runs[0].evidence?.config.model.weights?.tensors.length, 4);
    assert.ok(runs[0].trace, 'the smoke run ran');
    assert.deepEqual(
      runs[0].trace.skipped.filter((s) => s.what === 'Keras weights'),
      [],
    );
    assert.equal(runs[0].trace.initialWeights, 'loaded 4 Keras weight arrays', 'the smoke run (in its worker) started from the saved weights');
  });
});

describe('weights that cannot be used', () => {
  it('are a notice at the keras: line, and the smoke run still trains from a fresh init', async () => {
    const root = path.join(scratch, 'unused-weights');
    mkdirSync(path.join(root, 'data'), { recursive: true });
    for (const file of ['train.csv', 'validation.csv'])
      writeFileSync(path.join(root, 'data', file), readFileSync(path.join(repoRoot, 'examples/keras-archive/data', file)));
    const elsewhere = EXAMPLE.tensors.map((t) => ({ ...t, path: t.path.replace('layers/', 'model_weights/') }));
    writeFileSync(path.join(root, 'model.keras'), await makeKerasArchive(EXAMPLE.config, elsewhere));
    const yaml = 'version: 1\ndata:\n  train: data/train.csv\n  targets: [churned]\npreprocessing: {inputs: standardize}\nmodel:\n  keras: model.keras\n';
    writeFileSync(path.join(root, 'c.preflight.yml'), yaml);
    const { report, runs } = await runCheckWithRuns({
      root,
      configs: [path.join(root, 'c.preflight.yml')],
      smoke: true,
      steps: 20,
      backend: 'cpu',
      failOn: 'error',
      verify: false,
    });
    const notice = report.results[0].findings.find((f) => f.id === 'smoke-skipped');
    assert.ok(notice, JSON.stringify(report.results[0].findings.map((f) => f.id)));
    assert.equal(notice.severity, 'notice');
    assert.equal(notice.key, 'model.keras');
    assert.equal(notice.line, 7);
    assert.match(
      notice.message,
      /^The model file's weights were not used, so the smoke run trained from a fresh initialization: model\.weights\.h5 has no `layers` group/,
    );
    assert.ok((runs[0].trace?.steps ?? 0) > 0, 'the smoke run trained');
  });
});
