import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { preprocessInputs, preprocessTargets } from '../../src/engine/prepare-data.ts';
import { columnStats, dense, makeEvidence } from './fixtures.ts';
import { smokeInputOf } from '../../src/evidence/smoke-input.ts';

const stats = (name: string, mean: number, std: number, min: number, max: number) => ({ ...columnStats(name, Float32Array.of(0), 1, 0), mean, std, min, max });

describe('declared preprocessing', () => {
  it('standardizes each feature with the whole-file mean and std, not the sample', () => {
    const x = Float32Array.of(10, 1, 20, 3);
    const out = preprocessInputs(x, 'standardize', [stats('a', 15, 5, 0, 0), stats('b', 2, 0.5, 0, 0)]);
    assert.deepEqual(Array.from(out), [-1, -2, 1, 2]);
  });

  it('min-max scales, and leaves a constant column unscaled rather than dividing by zero', () => {
    const out = preprocessInputs(Float32Array.of(5, 7, 10, 7), 'minmax', [stats('a', 0, 1, 0, 10), stats('b', 7, 0, 7, 7)]);
    assert.deepEqual(Array.from(out), [0.5, 0, 1, 0]);
  });

  it('applies {scale, shift} to every value', () => {
    assert.deepEqual(Array.from(preprocessInputs(Float32Array.of(0, 255, 128), { scale: 1 / 128, shift: -1 }, [])), [-1, 255 / 128 - 1, 0]);
  });

  it('uses per-channel statistics for image tensors (channels last)', () => {
    // two pixels, three channels
    const x = Float32Array.of(1, 10, 100, 3, 30, 300);
    const perChannel = [stats('channel 0', 2, 1, 0, 0), stats('channel 1', 20, 10, 0, 0), stats('channel 2', 200, 100, 0, 0)];
    assert.deepEqual(Array.from(preprocessInputs(x, 'standardize', perChannel)), [-1, -1, -1, 1, 1, 1]);
  });

  it('one-hot encodes class ids', () => {
    assert.deepEqual(Array.from(preprocessTargets(Float32Array.of(2, 0), 1, 'one_hot', [], 3)), [0, 0, 1, 1, 0, 0]);
  });
});

describe('prepareData', () => {
  it('one-hot targets take the width of the model output', () => {
    const evidence = makeEvidence({
      x: Float32Array.of(1, 2, 3),
      y: Float32Array.of(0, 1, 1),
      features: 1,
      task: 'multiclass',
      layers: [dense(4, 'softmax')],
      loss: 'categorical_crossentropy',
      targets: 'one_hot',
    });
    const result = smokeInputOf(evidence).data;
    assert.ok(result.ok);
    assert.equal(result.data.targetWidth, 4);
    assert.deepEqual(Array.from(result.data.train.y.slice(0, 8)), [1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('says when the targets cannot match the model output', () => {
    const oneColumn = makeEvidence({
      x: Float32Array.of(1, 2),
      y: Float32Array.of(0, 1),
      features: 1,
      layers: [dense(3, 'softmax')],
      loss: 'categorical_crossentropy',
    });
    const result = smokeInputOf(oneColumn).data;
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /3 output units.*1 target column/);
  });

  it('lets one target column broadcast against several outputs where Keras does (MSE), not for crossentropy', () => {
    const base = { x: Float32Array.of(1, 2), y: Float32Array.of(0, 1), features: 1, task: 'multiclass' as const, layers: [dense(4, 'softmax')] };
    assert.ok(smokeInputOf(makeEvidence({ ...base, loss: 'mean_squared_error' })).data.ok);
    assert.equal(smokeInputOf(makeEvidence({ ...base, loss: 'categorical_crossentropy' })).data.ok, false);
  });

  it('refuses to train on missing values and says how many there are', () => {
    const evidence = makeEvidence({ x: Float32Array.of(1, NaN, 3, NaN), y: Float32Array.of(0, 1), features: 2, layers: [dense(1)] });
    const result = smokeInputOf(evidence).data;
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /2 input values/);
  });

  it('is a reason, not a crash, when there is no data', () => {
    const evidence = makeEvidence({ x: Float32Array.of(1), y: Float32Array.of(0), features: 1, layers: [dense(1)] });
    const result = smokeInputOf({ ...evidence, data: undefined }).data;
    assert.equal(result.ok, false);
  });
});
