// Delimiter and decimal-mark sniffing on small files written here, read through the real loader.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { dialectOf } from '../../src/data/dialect.ts';
import { runCheck } from '../../src/pipeline.ts';
import { loadOk, tempRepo } from './fixtures.ts';

const repo = tempRepo();
after(() => repo.cleanup());

test('semicolon, tab and pipe files are read with their own delimiter, whatever the extension', async () => {
  for (const [name, d] of [
    ['semi.csv', ';'],
    ['tabs.csv', '\t'],
    ['pipes.csv', '|'],
    ['semi.tsv', ';'],
  ] as const) {
    repo.write(name, ['a', 'b', 'y'].join(d) + '\n' + ['1', '2', '3'].join(d) + '\n' + ['4', '5', '6'].join(d) + '\n');
    const split = await loadOk(repo.root, name);
    assert.deepEqual(split.featureNames, ['a', 'b'], name);
    assert.deepEqual(Array.from(split.sample.x), [1, 2, 4, 5], name);
    assert.deepEqual(split.dialect, { delimiter: d, decimal: '.' }, name);
  }
});

test('a delimiter inside quotes does not count: a comma file with ";" in quoted text stays comma', async () => {
  repo.write('quoted.csv', 'note,x,y\n"a;b;c",1,2\n"d;e;f",3,4\n');
  const split = await loadOk(repo.root, 'quoted.csv');
  assert.equal(split.dialect?.delimiter, ',');
  assert.equal(split.dialect?.note, undefined);
  assert.deepEqual(split.features[0].textExamples, ['a;b;c', 'd;e;f']);
});

test('"1,5" under a ";" delimiter is a decimal comma: read as 1.5 and said in a note', async () => {
  repo.write('eu.csv', 'x;z;y\n1,5;10;0\n-2,25;11;1\n3;12;0\n');
  const split = await loadOk(repo.root, 'eu.csv');
  assert.equal(split.dialect?.delimiter, ';');
  assert.equal(split.dialect?.decimal, ',');
  assert.match(split.dialect?.note ?? '', /decimal comma \("1,5", "-2,25"\)/);
  assert.equal(split.features[0].text, 0);
  assert.deepEqual(Array.from(split.sample.x.filter((_, i) => i % 2 === 0)), [1.5, -2.25, 3]);
});

test('data.decimal "." forces decimal-comma cells to stay text (reported by the checks, never a silent guess)', async () => {
  repo.write('eu2.csv', 'x;y\n1,5;0\n2,5;1\n');
  const split = await loadOk(repo.root, 'eu2.csv', { decimal: '.' });
  assert.equal(split.features[0].text, 2);
  assert.equal(split.dialect?.note, undefined);
});

test('a forced delimiter wins over sniffing', async () => {
  repo.write('forced.csv', 'a|b;c|y\n1|2;3|4\n5|6;7|8\n');
  const split = await loadOk(repo.root, 'forced.csv', { delimiter: '|' });
  assert.deepEqual(split.featureNames, ['a', 'b;c']);
  assert.deepEqual(split.dialect, { delimiter: '|', decimal: '.' });
});

test("an ambiguous file falls back to the extension's delimiter and says so", () => {
  const both = dialectOf('a,b;c,d\n1,2;3,4\n', false, { usual: ',' });
  assert.equal(both.delimiter, ',');
  assert.match(both.note ?? '', /split evenly on "," and on ";"/);
  const none = dialectOf('a,b\n1\n', false, { usual: ',' });
  assert.equal(none.delimiter, ',');
  assert.match(none.note ?? '', /no delimiter among/);
  // the cut last line of a longer file is not held against a delimiter
  assert.equal(dialectOf('a;b\n1;2\n3', true, { usual: ',' }).note, undefined);
});

test('through the pipeline: data.delimiter in the config, and a sniffing note becomes a data-error notice', async () => {
  repo.write('p/eu.csv', 'x;y\n' + Array.from({ length: 40 }, (_, i) => `0,${i % 7};${i % 2}`).join('\n') + '\n');
  repo.write(
    'p/eu.preflight.yml',
    [
      'version: 1',
      'data: {train: eu.csv, targets: y}',
      'model: {layers: [{type: dense, units: 1, activation: sigmoid, input_shape: [1]}]}',
      'training: {loss: binary_crossentropy}',
    ].join('\n') + '\n',
  );
  const report = await runCheck({ root: repo.root, configs: [path.join(repo.root, 'p/eu.preflight.yml')], smoke: false, backend: 'cpu', failOn: 'error' });
  const findings = report.results[0].findings;
  const note = findings.find((f) => f.id === 'data-error');
  assert.equal(note?.severity, 'notice');
  assert.match(note?.message ?? '', /decimal comma/);
  assert.equal(findings.filter((f) => f.id === 'non-numeric-feature').length, 0);

  repo.write(
    'p/forced.preflight.yml',
    [
      'version: 1',
      'data: {train: eu.csv, targets: y, decimal: ".", delimiter: ";"}',
      'model: {layers: [{type: dense, units: 1, activation: sigmoid, input_shape: [1]}]}',
      'training: {loss: binary_crossentropy}',
    ].join('\n') + '\n',
  );
  const forced = await runCheck({ root: repo.root, configs: [path.join(repo.root, 'p/forced.preflight.yml')], smoke: false, backend: 'cpu', failOn: 'error' });
  const ids = forced.results[0].findings.map((f) => f.id);
  assert.ok(ids.includes('non-numeric-feature'), `decimal "." keeps "0,3" as text: ${ids.join(', ')}`);
  assert.ok(!ids.includes('data-error'));
});
