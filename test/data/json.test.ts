import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { loadOk, loadProblem, tempRepo } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());

test('JSON Lines: numbers, booleans, null and missing keys', async () => {
  repo.write('d.jsonl', '{"a": 1.5, "b": true, "y": 0}\n\n{"a": null, "y": 1}\n{"a": "2", "b": false, "y": "3"}\n');
  const split = await loadOk(repo.root, 'd.jsonl');
  assert.equal(split.format, 'jsonl');
  assert.equal(split.rows, 3);
  const [a, b] = split.features;
  assert.deepEqual({ numeric: a.numeric, empty: a.empty, mean: a.mean }, { numeric: 2, empty: 1, mean: 1.75 });
  assert.deepEqual({ numeric: b.numeric, empty: b.empty }, { numeric: 2, empty: 1 });
  assert.deepEqual(Array.from(split.sample.x), [1.5, 1, NaN, NaN, 2, 0]);
  assert.deepEqual(Array.from(split.sample.y), [0, 1, 3]);
});

test('JSON Lines: a broken line and an unexpected key are named by line', async () => {
  repo.write('bad.jsonl', '{"a": 1, "y": 0}\n{"a": 2, "y": 1\n');
  const broken = await loadProblem(repo.root, 'bad.jsonl');
  assert.equal(broken.line, 2);
  assert.match(broken.message, /not valid JSON/);
  repo.write('extra.jsonl', '{"a": 1, "y": 0}\n{"a": 2, "y": 1}\n{"a": 2, "y": 1, "z": 3}\n');
  const extra = await loadProblem(repo.root, 'extra.jsonl');
  assert.equal(extra.line, 3);
  assert.match(extra.message, /"z"/);
  repo.write('array.jsonl', '[1, 2]\n');
  assert.match((await loadProblem(repo.root, 'array.jsonl')).message, /expected a JSON object/);
});

test('a JSON array of records, with nested strings that hold brackets', async () => {
  repo.write('d.json', '[\n  {"a": 1, "note": "has ] and }", "y": 2},\n  {"a": 3, "note": "x\\"y", "y": 4}\n]\n');
  const split = await loadOk(repo.root, 'd.json');
  assert.equal(split.format, 'json');
  assert.deepEqual(split.featureNames, ['a', 'note']);
  assert.equal(split.features[1].text, 2);
  assert.deepEqual(split.features[1].textExamples, ['has ] and }', 'x"y']);
  assert.deepEqual(Array.from(split.sample.y), [2, 4]);
});

test('a long JSON array across chunks gives exact statistics', async () => {
  const records = Array.from({ length: 40000 }, (_, i) => ({ a: i, b: `row ${i} ${'pad'.repeat(5)}`, y: i % 3 }));
  repo.write('long.json', JSON.stringify(records, null, 1));
  const split = await loadOk(repo.root, 'long.json', { sample: 10 });
  assert.equal(split.rows, 40000);
  assert.equal(split.features[0].mean, 19999.5);
  assert.equal(split.features[0].max, 39999);
  assert.equal(split.targets[0].distinct, 3);
  for (let i = 0; i < split.sample.rows; i++) assert.equal(split.sample.x[i * 2], split.sample.rowIndex[i]);
});

test('a JSON file that is not an array of records, or is cut short, is a problem', async () => {
  repo.write('object.json', '{"a": [1, 2]}');
  assert.match((await loadProblem(repo.root, 'object.json')).message, /expected a JSON array/);
  repo.write('cut.json', '[{"a": 1, "y": 2},\n {"a": 3, "y"');
  const cut = await loadProblem(repo.root, 'cut.json');
  assert.match(cut.message, /never closed/);
  assert.equal(cut.line, 2);
  repo.write('numbers.json', '[1, 2, 3]');
  assert.match((await loadProblem(repo.root, 'numbers.json')).message, /expected a JSON object/);
  repo.write('bad.json', '[{"a": 1, "y": 2}, {"a": tru, "y": 2}]');
  assert.match((await loadProblem(repo.root, 'bad.json')).message, /not valid JSON/);
});
