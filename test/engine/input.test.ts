// The engine's input: one batch-size rule, and a SmokeInput that holds what training needs and no more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchSizeFor } from '../../src/engine/input.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';
import { dense, makeEvidence, makeTable } from './fixtures.ts';

test('a step takes the configured batch, at most the rows there are, at least one row', () => {
  assert.equal(batchSizeFor(32, 200), 32);
  assert.equal(batchSizeFor(512, 200), 200);
  assert.equal(batchSizeFor(0, 200), 1);
  assert.equal(batchSizeFor(32, 0), 1);
});

test('the smoke input carries the model, the training settings and the prepared rows, not the data statistics', () => {
  const evidence = makeEvidence({ ...makeTable({ rows: 50 }), layers: [dense(8, 'relu'), dense(1)] });
  const input = smokeInputOf(evidence);
  assert.deepEqual(Object.keys(input).sort(), ['data', 'model', 'summary', 'task', 'training']);
  assert.equal(input.model, evidence.config.model);
  assert.equal(input.training, evidence.config.training);
  assert.ok(input.data.ok);
  assert.equal(input.data.data.train.rows, evidence.data!.train.split.sample.rows);
  assert.ok(input.data.data.train.x instanceof Float32Array);
  assert.deepEqual(smokeInputOf({ ...evidence, data: undefined }).data, { ok: false, reason: 'the training data could not be loaded' });
});
