import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mulberry32 } from '../../src/data/reservoir.ts';
import { assertClose, limits, loadOk, loadProblem, naiveStats, tempRepo } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());

test('quoted fields may hold delimiters, line breaks and doubled quotes', async () => {
  repo.write('q.csv', 'name,x,y\n"a, b",1,2\n"line\nbreak",3,4\n"say ""hi""",5,6\n"7.5",8,9\n');
  const split = await loadOk(repo.root, 'q.csv', { targets: ['y'] });
  assert.equal(split.rows, 4);
  const name = split.features.find((f) => f.name === 'name')!;
  assert.equal(name.text, 3);
  assert.equal(name.numeric, 1, 'a quoted number is still a number');
  assert.deepEqual(name.textExamples, ['a, b', 'line\nbreak', 'say "hi"']);
  assert.deepEqual(Array.from(split.sample.y), [2, 4, 6, 9]);
  assert.deepEqual(Array.from(split.sample.x.filter((_, i) => i % 2 === 1)), [1, 3, 5, 8]);
});

test('a ragged row is named by its line, counting line breaks inside quotes', async () => {
  repo.write('ragged.csv', 'a,b,y\n1,2,3\n"x\ny",2,3\n4,5\n');
  const problem = await loadProblem(repo.root, 'ragged.csv');
  assert.equal(problem.line, 5);
  assert.match(problem.message, /line 5 has 2 fields but the header has 3/);
  assert.equal(problem.key, 'data.train');
  assert.equal(problem.file, 'ragged.csv');
});

test('TSV, CRLF line ends, a byte-order mark and blank lines', async () => {
  repo.write('t.tsv', '\ufeffa\tb\ty\r\n1\t2\t3\r\n\r\n4\t\t6\r\n');
  const split = await loadOk(repo.root, 't.tsv');
  assert.equal(split.format, 'tsv');
  assert.deepEqual(split.featureNames, ['a', 'b']);
  assert.equal(split.rows, 2);
  assert.equal(split.features[1].empty, 1);
  assert.deepEqual(Array.from(split.sample.x), [1, 2, 4, NaN]);
  assert.deepEqual(Array.from(split.sample.y), [3, 6]);
});

test('header-only and empty files are problems', async () => {
  repo.write('header.csv', 'a,b,y\n');
  assert.match((await loadProblem(repo.root, 'header.csv')).message, /no data rows/);
  repo.write('empty.csv', '');
  assert.match((await loadProblem(repo.root, 'empty.csv')).message, /empty/);
});

test('an unclosed quote is a problem at the line where the field starts', async () => {
  repo.write('open.csv', 'a,y\n1,2\n"oops,3\n4,5\n');
  const problem = await loadProblem(repo.root, 'open.csv');
  assert.equal(problem.line, 3);
  assert.match(problem.message, /never closed/);
});

test('targets are required, and unknown column names list the real ones', async () => {
  repo.write('cols.csv', 'sqft,rooms,price\n1,2,3\n');
  const missing = await loadProblem(repo.root, 'cols.csv', { targets: undefined });
  assert.equal(missing.key, 'data.targets');
  assert.match(missing.message, /"sqft", "rooms", "price"/);
  const typo = await loadProblem(repo.root, 'cols.csv', { targets: ['prize'] });
  assert.equal(typo.key, 'data.targets');
  assert.match(typo.message, /"prize".*"sqft", "rooms", "price"/);
  const feature = await loadProblem(repo.root, 'cols.csv', { targets: ['price'], features: ['sqft', 'age'] });
  assert.equal(feature.key, 'data.features');
  assert.match(feature.message, /"age"/);
  const chosen = await loadOk(repo.root, 'cols.csv', { targets: ['price'], features: ['rooms'] });
  assert.deepEqual(chosen.featureNames, ['rooms']);
  assert.deepEqual(Array.from(chosen.sample.x), [2]);
});

test('a text target becomes class ids in sorted-name order', async () => {
  repo.write('classes.csv', 'f,label\n1,dog\n2,cat\n3,dog\n4,bird\n5,\n');
  const split = await loadOk(repo.root, 'classes.csv', { targets: ['label'] });
  assert.deepEqual(split.classNames, ['bird', 'cat', 'dog']);
  assert.deepEqual(Array.from(split.sample.y), [2, 1, 2, 0, NaN]);
  const label = split.targets[0];
  assert.equal(label.text, 0);
  assert.equal(label.empty, 1);
  assert.equal(label.distinct, 3);
  assert.deepEqual(label.values, [
    { value: 0, count: 1 },
    { value: 1, count: 1 },
    { value: 2, count: 2 },
  ]);
  assertClose(label.mean, 5 / 4);
});

test('NaN spellings, infinities and empty cells are counted', async () => {
  repo.write('special.csv', 'a,y\nnan,1\nNaN,1\ninf,1\n-Infinity,1\n,1\n2,1\nNA,1\n');
  const a = (await loadOk(repo.root, 'special.csv')).features[0];
  assert.deepEqual(
    { nan: a.nan, inf: a.inf, empty: a.empty, numeric: a.numeric, text: a.text, count: a.count },
    { nan: 2, inf: 2, empty: 2, numeric: 1, text: 0, count: 7 },
  );
});

/** A file several chunks long, with quoted cells and text, against a naive computation. */
test('statistics over a multi-chunk file equal a two-pass computation, and the sample holds the right rows', async () => {
  const random = mulberry32(5);
  const rows = 60000;
  const columns: number[][] = [[], [], [], []];
  const lines = ['a,b,"quoted, header",y'];
  let texts = 0;
  for (let r = 0; r < rows; r++) {
    const a = (random() - 0.5) * 1000;
    const b = Math.floor(random() * 7);
    const c = random() < 0.01 ? NaN : random() * 1e-3;
    const y = random();
    const aText = a.toPrecision(8);
    const isText = r % 997 === 0;
    if (isText) texts++;
    columns[0].push(Number(aText));
    columns[1].push(b);
    columns[2].push(c);
    columns[3].push(y);
    const cText = Number.isNaN(c) ? '' : String(c);
    lines.push(`${aText},${isText ? '"b\nwith break"' : `"${b}"`},${cText},${y}`);
  }
  repo.write('big.csv', lines.join('\n') + '\n');
  const progress: number[] = [];
  const split = await loadOk(repo.root, 'big.csv', { sample: 500, onProgress: (done) => progress.push(done) });
  assert.equal(split.rows, rows);
  assert.ok(progress.length >= 2, 'progress is reported per chunk');
  assert.equal(progress[progress.length - 1], split.bytes);
  const [a, b, c] = split.features;
  const expectA = naiveStats(columns[0]);
  assertClose(a.mean, expectA.mean, 1e-10, 'a mean');
  assertClose(a.std, expectA.std, 1e-10, 'a std');
  assert.equal(a.min, expectA.min);
  assert.equal(a.max, expectA.max);
  const bNumbers = columns[1].filter((_, r) => r % 997 !== 0);
  const expectB = naiveStats(bNumbers);
  assert.equal(b.text, texts);
  assert.equal(b.numeric, bNumbers.length);
  assertClose(b.mean, expectB.mean, 1e-10, 'b mean');
  assert.equal(b.integer, true);
  assert.equal(b.distinct, 7);
  assert.equal(c.name, 'quoted, header');
  assert.equal(c.empty, columns[2].filter((v) => Number.isNaN(v)).length);
  assertClose(c.std, naiveStats(columns[2]).std, 1e-9, 'c std');
  assert.equal(split.sample.rows, 500);
  for (let i = 0; i < split.sample.rows; i++) {
    const row = split.sample.rowIndex[i];
    if (i > 0) assert.ok(row > split.sample.rowIndex[i - 1]);
    assert.equal(split.sample.x[i * 3], Math.fround(columns[0][row]));
    assert.equal(split.sample.y[i], Math.fround(columns[3][row]));
  }
  const again = await loadOk(repo.root, 'big.csv', { sample: 500 });
  assert.deepEqual(again.sample.rowIndex, split.sample.rowIndex, 'same seed, same sample');
  const other = await loadOk(repo.root, 'big.csv', { sample: 500, seed: 8 });
  assert.notDeepEqual(other.sample.rowIndex, split.sample.rowIndex);
});

test('limits on rows, columns and bytes are problems, not crashes', async () => {
  repo.write('small.csv', 'a,b,y\n1,2,3\n4,5,6\n7,8,9\n');
  assert.equal((await loadProblem(repo.root, 'small.csv', { limits: limits({ maxRows: 2 }) })).line, 4);
  assert.match((await loadProblem(repo.root, 'small.csv', { limits: limits({ maxColumns: 2 }) })).message, /3 columns/);
  assert.match((await loadProblem(repo.root, 'small.csv', { limits: limits({ maxBytesPerFile: 10 }) })).message, /more than the limit/);
});

test('a row far wider than the header is refused as soon as it passes the header width', async () => {
  repo.write('wide.csv', `a,b,y\n1,2,3\n${'1,'.repeat(5000)}1\n`);
  const problem = await loadProblem(repo.root, 'wide.csv');
  assert.equal(problem.line, 3);
  assert.match(problem.message, /line 3 has more than 3 fields/);
});

test('a sample size of zero keeps statistics and an empty sample', async () => {
  repo.write('zero.csv', 'a,y\n1,2\n3,4\n');
  const split = await loadOk(repo.root, 'zero.csv', { sample: 0 });
  assert.equal(split.rows, 2);
  assert.equal(split.sample.rows, 0);
  assert.equal(split.features[0].mean, 2);
});
