import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { INPUT, InputError, parseInputs } from '../../src/action/inputs.ts';
import { REPO_ROOT } from './harness.ts';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

test('defaults when nothing is set', () => {
  const settings = parseInputs(reader({}));
  assert.deepEqual(settings.configs, ['**/*.preflight.y*ml']);
  assert.equal(settings.onlyChanged, 'auto');
  assert.equal(settings.comment, 'update');
  assert.equal(settings.failOn, 'error');
  assert.equal(settings.smoke, true);
  assert.equal(settings.backend, 'auto');
  assert.equal(settings.workingDirectory, '.');
  assert.equal(settings.timeBudgetS, undefined);
});

test('lists, booleans, numbers and choices are parsed', () => {
  const settings = parseInputs(
    reader({
      configs: 'a/*.yml\n b/**/*.yaml , c.yml',
      'only-changed': 'false',
      smoke: 'No',
      'time-budget': '12.5',
      steps: '50',
      'fail-on': 'WARNING',
      comment: 'new',
      'merge-reports': 'r1\nr2',
    }),
  );
  assert.deepEqual(settings.configs, ['a/*.yml', 'b/**/*.yaml', 'c.yml']);
  assert.equal(settings.onlyChanged, false);
  assert.equal(settings.smoke, false);
  assert.equal(settings.timeBudgetS, 12.5);
  assert.equal(settings.steps, 50);
  assert.equal(settings.failOn, 'warning');
  assert.equal(settings.comment, 'new');
  assert.deepEqual(settings.mergeReports, ['r1', 'r2']);
  assert.equal(parseInputs(reader({})).baseRef, undefined, 'no base-ref: the event decides');
  assert.equal(parseInputs(reader({ 'base-ref': ' release/v2.1 ' })).baseRef, 'release/v2.1');
  // the CLI's --base rule: git's revision suffixes are refs too
  assert.equal(parseInputs(reader({ 'base-ref': 'HEAD~1' })).baseRef, 'HEAD~1');
});

test('bad values stop with a message naming the input and what was expected', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'fail-on': 'warn' }, /'fail-on': 'warn'\. Expected one of: error, warning, notice, never/],
    [{ smoke: 'maybe' }, /'smoke': 'maybe'\. Expected true or false/],
    [{ steps: '2.5' }, /'steps': '2\.5'\. Expected a whole number >= 1/],
    [{ steps: '1000000' }, /'steps': '1000000'\. Expected a whole number >= 1 and <= 100000/],
    [{ 'time-budget': '0' }, /'time-budget'.*Expected a number >= 1/],
    [{ 'working-directory': '../elsewhere' }, /'working-directory'.*without '\.\.'/],
    [{ 'comment-key': 'has space' }, /'comment-key'/],
    [{ 'comment-author': 'not a login!' }, /'comment-author'.*Expected a GitHub login such as my-app\[bot\]/],
    [{ backend: 'gpu' }, /'backend': 'gpu'/],
    [{ comment: 'on-error' }, /'comment': 'on-error'\. Expected one of: update, new, off, on-findings/],
    [{ 'base-ref': '--upload-pack=x' }, /'base-ref'.*Expected a branch, tag or commit id/],
    [{ 'base-ref': 'main..feature' }, /'base-ref'.*no '\.\.'/],
    [{ 'base-ref': 'a b' }, /'base-ref'/],
    [{ 'base-ref': 'main:secret.txt' }, /'base-ref'/],
    [{ 'base-ref': 'release/' }, /'base-ref'/],
  ];
  for (const [values, message] of cases)
    assert.throws(
      () => parseInputs(reader(values)),
      (error: unknown) => error instanceof InputError && message.test(error.message),
    );
});

test('comment-author takes a user or bot login; empty leaves it to the token', () => {
  assert.equal(parseInputs(reader({ 'comment-author': ' my-app[bot] ' })).commentAuthor, 'my-app[bot]');
  assert.equal(parseInputs(reader({ 'comment-author': 'octo-cat' })).commentAuthor, 'octo-cat');
  assert.equal(parseInputs(reader({})).commentAuthor, undefined);
});

test('action.yml declares exactly the inputs the action reads', () => {
  const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { using: string; main: string } };
  assert.deepEqual(Object.keys(action.inputs).sort(), Object.values(INPUT).sort());
  assert.equal(action.runs.using, 'node24');
  assert.equal(action.runs.main, 'dist/index.js');
});

test('comment: on-findings is a mode of its own', () => {
  assert.equal(parseInputs(reader({ comment: 'On-Findings' })).comment, 'on-findings');
});
