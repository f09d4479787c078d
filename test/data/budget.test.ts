// The data pass of one config has a budget (bytes read or decoded, pixels, seconds) and image samples
// are bounded before they become tensors: each case is a small file that costs a lot to read, and each
// must end in a data problem naming the file, checked before the expensive work happens.
import assert from 'node:assert/strict';
import { linkSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DataBudget } from '../../src/data/budget.ts';
import { DEFAULT_DATA_LIMITS } from '../../src/data/types.ts';
import { blackPng, manyScanJpeg } from '../robustness/hostile-files.ts';
import { limits, loadOk, loadProblem, npy, options, tempRepo } from './fixtures.ts';
import { loadSplit } from '../../src/data/load.ts';

const repo = tempRepo();
after(() => repo.cleanup());

/** `copies` hard links to one file under `folder/<class>/`: git too stores identical files once. */
function linkedCopies(folder: string, content: Buffer, copies: number, extension = 'png'): void {
  const first = repo.write(`${folder}/a/0.${extension}`, content);
  mkdirSync(path.join(repo.root, folder, 'b'), { recursive: true });
  for (let i = 1; i < copies; i++) linkSync(first, path.join(repo.root, folder, i % 2 ? 'b' : 'a', `${i}.${extension}`));
}

test('copies of one small PNG stop at the pixel budget, at the image that crosses it', async () => {
  linkedCopies('pixels', blackPng(1024, 1024), 12);
  const problem = await loadProblem(repo.root, 'pixels', { limits: limits({ maxPixelsPerConfig: 4.5 * 1024 * 1024 }) });
  assert.match(problem.message, /with this image the images of this config come to 5,242,880 pixels; one config may decode at most 4,718,592/);
  // sorted: a/0, a/10, a/2, a/4, a/6 is the fifth
  assert.equal(problem.file, 'pixels/a/6.png');
  assert.equal(problem.key, 'data.train');
});

test('a PNG is charged from its IHDR before it is inflated', async () => {
  repo.write('ihdr/a/0.png', blackPng(1024, 1024));
  repo.write('ihdr/b/0.png', blackPng(8, 8));
  const problem = await loadProblem(repo.root, 'ihdr', { limits: limits({ maxDecodedBytesPerConfig: 1024 * 1024 }) });
  assert.match(problem.message, /one config's data may come to at most 1\.0 MiB/);
  assert.equal(problem.file, 'ihdr/a/0.png');
});

test('a JPEG with more scans than the limit is refused before it is decoded', async () => {
  repo.write('scans/a/0.jpg', manyScanJpeg(16, 16, 150));
  repo.write('scans/b/0.jpg', manyScanJpeg(16, 16, 1));
  const problem = await loadProblem(repo.root, 'scans');
  assert.match(problem.message, /is a JPEG of 150 scans; nn-preflight decodes at most 100/);
  assert.equal(problem.file, 'scans/a/0.jpg');
});

test('a JPEG with a few scans still loads', async () => {
  repo.write('fewscans/a/0.jpg', manyScanJpeg(16, 16, 3));
  repo.write('fewscans/b/0.jpg', manyScanJpeg(16, 16, 1));
  const split = await loadOk(repo.root, 'fewscans');
  assert.equal(split.rows, 2);
});

test('an image too large for a smoke sample (a 130 KB 16-bit RGBA PNG of 4096 x 4096) is refused before it becomes a tensor', async () => {
  repo.write('huge/a/0.png', blackPng(4096, 4096, 6, 16));
  repo.write('huge/b/0.png', blackPng(4096, 4096, 6, 16));
  const started = performance.now();
  const problem = await loadProblem(repo.root, 'huge');
  assert.match(problem.message, /4096x4096 with 4 channel\(s\): one such image is 256 MiB as the model's float32 input, more than the 128 MiB/);
  assert.equal(problem.file, 'huge/a/0.png');
  // the sample would have been built from it: nothing else allocates for it
  assert.ok(performance.now() - started < 60_000);
});

test('a file named as both train and validation is paid for twice from one budget', async () => {
  const x = npy(
    Array.from({ length: 2000 }, (_, i) => i % 7),
    [1000, 2],
    'f4',
  );
  const y = npy(
    Array.from({ length: 1000 }, (_, i) => i % 2),
    [1000],
    'f4',
  );
  repo.write('twice/x.npy', x);
  repo.write('twice/y.npy', y);
  const source = { kind: 'arrays', x: 'twice/x.npy', y: 'twice/y.npy' } as const;
  // 8,000 + 4,000 data bytes per load: the first fits 18,000, the second's x does not
  const budget = new DataBudget(limits({ maxDecodedBytesPerConfig: 18_000 }));
  const train = await loadSplit(source, options(repo.root, { budget, key: 'data.train' }));
  assert.equal(train.ok, true);
  const validation = await loadSplit(source, options(repo.root, { budget, key: 'data.validation' }));
  assert.equal(validation.ok, false);
  if (validation.ok) return;
  assert.match(
    validation.problem.message,
    /^with this file the data of this config comes to 20,000 bytes read or decoded; one config's data may come to at most 18,000 bytes/,
  );
  assert.equal(validation.problem.key, 'data.validation.x');
});

test('a CSV file is charged its size before it is read', async () => {
  repo.write('big.csv', 'a,y\n' + '1,0\n'.repeat(20_000));
  const problem = await loadProblem(repo.root, 'big.csv', { limits: limits({ maxDecodedBytesPerConfig: 50_000 }) });
  assert.match(problem.message, /one config's data may come to at most/);
  assert.equal(problem.file, 'big.csv');
});

test('the data pass stops once its seconds are spent, naming the file it was reading', async () => {
  repo.write('slow.csv', 'a,y\n1,0\n2,1\n');
  const problem = await loadProblem(repo.root, 'slow.csv', { limits: limits({ maxDataSecondsPerConfig: -1 }) });
  assert.match(problem.message, /reading the data of this config took more than -1s/);
  assert.equal(problem.file, 'slow.csv');
});

test('the defaults are the documented ones', () => {
  assert.deepEqual(
    [
      DEFAULT_DATA_LIMITS.maxDecodedBytesPerConfig,
      DEFAULT_DATA_LIMITS.maxPixelsPerConfig,
      DEFAULT_DATA_LIMITS.maxDataSecondsPerConfig,
      DEFAULT_DATA_LIMITS.maxJpegScans,
      DEFAULT_DATA_LIMITS.maxImageSampleBytes,
      DEFAULT_DATA_LIMITS.maxDataSecondsPerRun,
    ],
    [2 * 1024 ** 3, 200_000_000, 30, 100, 128 * 1024 ** 2, 60],
  );
});

test('the run shares its data seconds: a config after the run spent them stops at its first file', async () => {
  repo.write('late.csv', 'a,y\n1,0\n2,1\n');
  // 61 s spent by earlier configs of a 60 s run: this config gets no seconds at all
  const budget = new DataBudget(DEFAULT_DATA_LIMITS, 61);
  const result = await loadSplit({ kind: 'path', path: 'late.csv' }, options(repo.root, { budget }));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.problem.message, /^the data of all configs of this run may take 60s together, and this config got the 0s left; it stopped in this file/);
  assert.equal(result.problem.file, 'late.csv');
  // with seconds left in the run, the same file loads
  assert.equal((await loadSplit({ kind: 'path', path: 'late.csv' }, options(repo.root, { budget: new DataBudget(DEFAULT_DATA_LIMITS, 10) }))).ok, true);
});

test("the pipeline gives every config of a run the run's data budget", async () => {
  const { runCheck } = await import('../../src/pipeline.ts');
  const { DEFAULT_LIMITS } = await import('../../src/limits.ts');
  repo.write('run/data.csv', 'a,y\n' + Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 2}`).join('\n') + '\n');
  const configs = ['one', 'two'].map((name) =>
    repo.write(
      `run/${name}.preflight.yml`,
      [
        'version: 1',
        'data:',
        '  train: data.csv',
        '  targets: [y]',
        'model:',
        '  layers:',
        '    - {type: dense, units: 1, activation: sigmoid}',
        'training:',
        '  loss: binary_crossentropy',
        '  optimizer: adam',
        '',
      ].join('\n'),
    ),
  );
  const limits = { ...DEFAULT_LIMITS, data: { ...DEFAULT_LIMITS.data, maxDataSecondsPerRun: -1 } };
  const report = await runCheck({ root: repo.root, configs, smoke: false, backend: 'cpu', failOn: 'error', limits });
  for (const result of report.results) {
    const error = result.findings.find((f) => f.id === 'data-error');
    assert.ok(error, JSON.stringify(result.findings.map((f) => f.id)));
    assert.match(error.message, /data\.csv: the data of all configs of this run may take -1s together/);
    assert.equal(error.line, 3);
  }
});

test('an image array is sampled within the image sample bound, and one too large image is refused', async () => {
  const values = Array.from({ length: 4 * 16 * 16 * 3 }, (_, i) => i % 255);
  repo.write('imgarr/x.npy', npy(values, [4, 16, 16, 3], 'f4'));
  repo.write('imgarr/y.npy', npy([0, 1, 0, 1], [4], 'f4'));
  const source = { kind: 'arrays', x: 'imgarr/x.npy', y: 'imgarr/y.npy' } as const;
  // 3,072 bytes per example: two fit in 7,000
  const split = await loadOk(repo.root, source, { limits: limits({ maxImageSampleBytes: 7_000 }) });
  assert.equal(split.rows, 4);
  assert.equal(split.sample.rows, 2);
  const problem = await loadProblem(repo.root, source, { limits: limits({ maxImageSampleBytes: 1_000 }) });
  assert.match(problem.message, /^imgarr\/x\.npy: one example of shape \(16, 16, 3\) is 3,072 bytes as the model's float32 input, more than the 1,000 bytes/);
  assert.equal(problem.key, 'data.train.x');
});
