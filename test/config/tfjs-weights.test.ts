// TF.js weight manifests are untrusted: every shape is checked (whole, non-negative dimensions, a product
// within the parameter limit, the entries together exactly the shard bytes) before anything is allocated.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTfjsWeights } from '../../src/config/tfjs-weights.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-tfjs-weights-'));
after(() => rmSync(root, { recursive: true, force: true }));
const modelFile = path.join(root, 'model.json');
/** 8 bytes: two float32 values, what a [2, 1] kernel needs */
writeFileSync(path.join(root, 'shard.bin'), Buffer.from(new Float32Array([0.5, -0.25]).buffer));

function load(shape: unknown, extra: Record<string, unknown> = {}) {
  const manifest = { weightsManifest: [{ paths: ['shard.bin'], weights: [{ name: 'dense/kernel', shape, dtype: 'float32', ...extra }] }] };
  return loadTfjsWeights(manifest, modelFile, root, 'model.preflight.yml');
}

function refusal(shape: unknown, extra?: Record<string, unknown>): string {
  const result = load(shape, extra);
  assert.equal(result.ok, false, `shape ${JSON.stringify(shape)} was accepted`);
  const [problem] = (result as { problems: { message: string; file?: string; key?: string }[] }).problems;
  assert.equal(problem.file, 'model.preflight.yml');
  assert.equal(problem.key, 'model.keras');
  assert.match(problem.message, /dense\/kernel/, 'the message names the weight');
  return problem.message;
}

test('a well-formed manifest still loads its values', () => {
  const result = load([2, 1]);
  assert.ok(result.ok && result.weights);
  assert.deepEqual([...result.weights.tensors[0].values], [0.5, -0.25]);
});

test('[100000, 100000] is refused with the parameter limit, not a RangeError', () => {
  assert.match(refusal([100_000, 100_000]), /parameter limit/);
});

test('[1e9] is refused from its shape alone', () => {
  assert.match(refusal([1e9]), /parameter limit/);
});

test('negative, fractional and string dimensions are refused even when their product fits the shard', () => {
  for (const shape of [[-1, -2], [0.5, 4], ['2', 1], [2, null], [Number.NaN]]) {
    assert.match(refusal(shape), /whole number/, JSON.stringify(shape));
  }
});

test('a shape that needs more bytes than the shards hold is refused before decoding', () => {
  assert.match(refusal([4, 4]), /beyond the end of the weight shards/);
});

test('a dtype name such as `constructor` is an unknown dtype, not a table lookup', () => {
  assert.match(refusal([2, 1], { dtype: 'constructor' }), /does not read/);
});
