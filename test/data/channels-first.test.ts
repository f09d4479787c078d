// PyTorch's (N, C, H, W) image arrays: transposed once, while read, to the (N, H, W, C) rows the engine trains on.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadOk, npy, tempRepo } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());

// 3 images, 2 channels, 2 x 5 pixels; value = 1000*n + 100*c + 10*h + w, so every element names its place.
const [N, C, H, W] = [3, 2, 2, 5];
const valueAt = (n: number, c: number, h: number, w: number) => 1000 * n + 100 * c + 10 * h + w;
const nchw: number[] = [];
for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) nchw.push(valueAt(n, c, h, w));

describe('channels-first image arrays', () => {
  for (const fortran of [false, true]) {
    it(`(N, C, H, W) becomes (N, H, W, C) with per-channel statistics${fortran ? ' (Fortran order)' : ''}`, async () => {
      repo.write(`x${fortran}.npy`, npy(nchw, [N, C, H, W], 'f4', { fortran }));
      repo.write('y.npy', npy([0, 1, 0], [N], 'i4'));
      const split = await loadOk(repo.root, { kind: 'arrays', x: `x${fortran}.npy`, y: 'y.npy' }, { channelsFirst: true, sample: 10 });
      assert.deepEqual(split.sample.featureShape, [H, W, C]);
      assert.deepEqual(split.featureNames, ['channel 0', 'channel 1']);
      const row = H * W * C;
      for (let slot = 0; slot < split.sample.rows; slot++) {
        const n = split.sample.rowIndex[slot];
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++)
            for (let c = 0; c < C; c++) {
              assert.equal(split.sample.x[slot * row + (h * W + w) * C + c], valueAt(n, c, h, w));
            }
      }
      // Channel 1 holds every value of channel 0 plus 100.
      assert.ok(Math.abs(split.features[1].mean - split.features[0].mean - 100) < 1e-9);
    });
  }

  it('without the PyTorch layout the array keeps its shape', async () => {
    repo.write('x.npy', npy(nchw, [N, C, H, W], 'f4'));
    repo.write('y.npy', npy([0, 1, 0], [N], 'i4'));
    const split = await loadOk(repo.root, { kind: 'arrays', x: 'x.npy', y: 'y.npy' }, { sample: 10 });
    assert.deepEqual(split.sample.featureShape, [C, H, W]);
  });

  it('an array that is already channels-last is not transposed', async () => {
    const nhwc = Array.from({ length: N * H * W * 3 }, (_, i) => i);
    repo.write('x-last.npy', npy(nhwc, [N, H, W, 3], 'f4'));
    repo.write('y.npy', npy([0, 1, 0], [N], 'i4'));
    const split = await loadOk(repo.root, { kind: 'arrays', x: 'x-last.npy', y: 'y.npy' }, { channelsFirst: true, sample: 10 });
    assert.deepEqual(split.sample.featureShape, [H, W, 3]);
  });
});
