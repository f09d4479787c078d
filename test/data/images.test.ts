import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { limits, loadOk, loadProblem, naiveStats, tempRepo } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());

function png(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const at = (y * width + x) * 4;
      image.data[at] = r;
      image.data[at + 1] = g;
      image.data[at + 2] = b;
      image.data[at + 3] = 255;
    }
  }
  return PNG.sync.write(image, { colorType: 2 });
}

test('a PNG folder: classes from sorted folder names, raw 0-255 values, per-channel statistics', async () => {
  const pixelsOf: number[][] = [[], [], []];
  const classes = ['dog', 'cat', 'bird'];
  classes.forEach((name, k) => {
    for (let i = 0; i < 3; i++) {
      const file = png(4, 3, (x, y) => [x * 10 + k, y * 20 + i, 200]);
      PNG.sync.read(file).data.forEach((v, at) => at % 4 < 3 && pixelsOf[at % 4].push(v));
      repo.write(`pngs/${name}/img${i}.png`, file);
    }
  });
  repo.write('pngs/README.txt', 'not an image, at the top level');
  repo.write('pngs/cat/notes.txt', 'ignored');
  const split = await loadOk(repo.root, 'pngs/', { targets: undefined, sample: 100 });
  assert.equal(split.format, 'images');
  assert.deepEqual(split.classNames, ['bird', 'cat', 'dog']);
  assert.equal(split.rows, 9);
  assert.deepEqual(split.sample.featureShape, [3, 4, 3]);
  assert.deepEqual(split.featureNames, ['channel 0', 'channel 1', 'channel 2']);
  assert.deepEqual(Array.from(split.sample.y), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
  for (let c = 0; c < 3; c++) {
    const expected = naiveStats(pixelsOf[c]);
    assert.ok(Math.abs(split.features[c].mean - expected.mean) < 1e-9);
    assert.equal(split.features[c].max, expected.max);
  }
  assert.equal(split.features[2].distinct, 1);
  assert.equal(split.targets[0].distinct, 3);
  // first pixel of the first bird image: x=0, y=0, k=2 (bird is the third folder written)
  assert.deepEqual(Array.from(split.sample.x.subarray(0, 3)), [2, 0, 200]);
});

test('a JPEG folder decodes to three channels in the 0-255 range', async () => {
  for (const name of ['a', 'b']) {
    for (let i = 0; i < 2; i++) {
      const data = Buffer.alloc(8 * 8 * 4, 128);
      repo.write(`jpgs/${name}/${i}.jpg`, jpeg.encode({ width: 8, height: 8, data }, 95).data);
    }
  }
  const progress: [number, number][] = [];
  const split = await loadOk(repo.root, 'jpgs', { targets: undefined, onProgress: (done, total) => progress.push([done, total]) });
  assert.equal(progress.length, 4);
  assert.equal(progress[3][0], progress[3][1]);
  assert.equal(progress[3][0], split.bytes);
  assert.deepEqual(split.sample.featureShape, [8, 8, 3]);
  assert.equal(split.rows, 4);
  for (const f of split.features) assert.ok(Math.abs(f.mean - 128) < 3 && f.min >= 0 && f.max <= 255);
});

test('images of different sizes, truncated files and empty classes are problems naming the file', async () => {
  repo.write(
    'mixed/a/1.png',
    png(4, 4, () => [0, 0, 0]),
  );
  repo.write(
    'mixed/b/2.png',
    png(5, 4, () => [0, 0, 0]),
  );
  const mixed = await loadProblem(repo.root, 'mixed');
  assert.equal(mixed.file, 'mixed/b/2.png');
  assert.match(mixed.message, /5x4.*4x4/);
  const whole = png(6, 6, (x) => [x, x, x]);
  repo.write('cut/a/1.png', whole.subarray(0, whole.length - 20));
  const cut = await loadProblem(repo.root, 'cut');
  assert.equal(cut.file, 'cut/a/1.png');
  assert.match(cut.message, /PNG/);
  const jpg = jpeg.encode({ width: 16, height: 16, data: Buffer.alloc(16 * 16 * 4, 90) }, 90).data;
  repo.write('cutjpg/a/1.jpg', jpg.subarray(0, 40));
  assert.equal((await loadProblem(repo.root, 'cutjpg')).file, 'cutjpg/a/1.jpg');
  repo.write(
    'hollow/a/1.png',
    png(2, 2, () => [1, 1, 1]),
  );
  repo.write('hollow/b/readme.txt', 'no images here');
  assert.match((await loadProblem(repo.root, 'hollow')).message, /hollow\/b holds no PNG or JPEG/);
  repo.write(
    'flat/1.png',
    png(2, 2, () => [1, 1, 1]),
  );
  assert.match((await loadProblem(repo.root, 'flat')).message, /no class sub-folders/);
  assert.match((await loadProblem(repo.root, 'mixed', { limits: limits({ maxImages: 1 }) })).message, /more than 1 images/);
  assert.match((await loadProblem(repo.root, 'mixed', { limits: limits({ maxPixelsPerImage: 10 }) })).message, /pixels/);
});
