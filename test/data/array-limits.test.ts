// Every array read (x and y, train and validation, .npy and .npz) is checked against the data limits from
// its header, before anything is allocated for its rows: a label array millions of columns wide is a
// data-error naming the file and the key, not a stack overflow or an out-of-memory abort.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DEFAULT_DATA_LIMITS } from '../../src/data/types.ts';
import { summarizeLabels } from '../../src/evidence/build.ts';
import { loadOk, loadProblem, npy, tempRepo, zip } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());
const pair = (x: string, y: string) => ({ kind: 'arrays' as const, x, y });

/** A .npy header for `shape` of float32 followed by `dataBytes` zero bytes (the values need not be listed). */
function zerosNpy(shape: number[], dataBytes: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const padded = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, ' ') + '\n';
  const preamble = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(preamble);
  preamble[6] = 1;
  preamble.writeUInt16LE(padded.length, 8);
  return Buffer.concat([preamble, Buffer.from(padded, 'latin1'), Buffer.alloc(dataBytes)]);
}

test('a 12 MB .npy of labels shaped (1, 3000000) is a data-error at data.train.y naming the file', async () => {
  repo.write('wide/x.npy', npy([1, 2, 3], [1, 3], 'f4'));
  repo.write('wide/y.npy', zerosNpy([1, 3_000_000], 12_000_000));
  const problem = await loadProblem(repo.root, pair('wide/x.npy', 'wide/y.npy'));
  assert.equal(problem.key, 'data.train.y');
  assert.match(problem.message, /wide\/y\.npy has 3000000 label columns.*limit of 10000/);
});

test('a deflated .npz whose y has 30 million columns is refused from its header', async () => {
  const x = npy([1, 2], [1, 2], 'f4');
  // 120 MB of zeros deflate to about 120 KB, as in the reported file.
  const y = zerosNpy([1, 30_000_000], 120_000_000);
  repo.write(
    'huge.npz',
    zip(
      [
        { name: 'x.npy', data: x },
        { name: 'y.npy', data: y },
      ],
      'deflated',
    ),
  );
  const problem = await loadProblem(repo.root, 'huge.npz');
  assert.equal(problem.key, 'data.train');
  assert.match(problem.message, /huge\.npz:y\.npy has 30000000 label columns/);
});

test('the validation split is checked the same way', async () => {
  repo.write('val/x.npy', npy([1, 2], [1, 2], 'f4'));
  repo.write('val/y.npy', zerosNpy([1, DEFAULT_DATA_LIMITS.maxColumns + 1], 4 * (DEFAULT_DATA_LIMITS.maxColumns + 1)));
  const problem = await loadProblem(repo.root, pair('val/x.npy', 'val/y.npy'), { key: 'data.validation' });
  assert.equal(problem.key, 'data.validation.y');
});

test('x or y with an empty row axis, shape (64, 0), is our own data-error', async () => {
  repo.write('empty/x.npy', zerosNpy([64, 0], 0));
  repo.write(
    'empty/y.npy',
    npy(
      Array.from({ length: 64 }, (_, i) => i % 2),
      [64],
      'f4',
    ),
  );
  const problem = await loadProblem(repo.root, pair('empty/x.npy', 'empty/y.npy'));
  assert.equal(problem.key, 'data.train.x');
  assert.match(problem.message, /empty\/x\.npy has shape \(64, 0\): each example holds no values/);
  repo.write('empty/x2.npy', npy([1, 2, 3, 4], [2, 2], 'f4'));
  repo.write('empty/y2.npy', zerosNpy([2, 0], 0));
  assert.equal((await loadProblem(repo.root, pair('empty/x2.npy', 'empty/y2.npy'))).key, 'data.train.y');
});

test('labels as wide as the limit load, and their summary does not spread them onto the stack', async () => {
  const width = DEFAULT_DATA_LIMITS.maxColumns;
  const rows = 20;
  const labels = Array.from({ length: rows * width }, (_, i) => (i % width === (Math.floor(i / width) * 7) % width ? 1 : 0));
  repo.write(
    'onehot/x.npy',
    npy(
      Array.from({ length: rows }, (_, i) => i),
      [rows, 1],
      'f4',
    ),
  );
  repo.write('onehot/y.npy', npy(labels, [rows, width], 'f4'));
  const split = await loadOk(repo.root, pair('onehot/x.npy', 'onehot/y.npy'), { sample: 100 });
  assert.equal(split.targets.length, width);
  const summary = summarizeLabels(split);
  assert.equal(summary.encoding, 'one-hot');
  assert.equal(summary.width, width);
  assert.equal(summary.majorityFraction, 1 / rows);
});
