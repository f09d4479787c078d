import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../src/cli/args.ts';

test('check with defaults', () => {
  const s = parseArgs(['check']);
  assert.equal(s.command, 'check');
  assert.deepEqual(s.paths, ['.']);
  assert.equal(s.format, 'text');
  assert.equal(s.failOn, 'error');
  assert.equal(s.smoke, true);
  assert.equal(s.backend, 'auto');
});

test('every option of INTERFACES.md parses', () => {
  const s = parseArgs(['check', 'a.preflight.yml', 'dir', '--format', 'json', '--out', 'o', '--fail-on=warning', '--no-smoke', '--steps', '50', '--seed', '3', '--time-budget', '2.5', '--backend', 'cpu', '--lanes', '3']);
  assert.deepEqual(s.paths, ['a.preflight.yml', 'dir']);
  assert.equal(s.format, 'json');
  assert.equal(s.outDir, 'o');
  assert.equal(s.failOn, 'warning');
  assert.equal(s.smoke, false);
  assert.equal(s.steps, 50);
  assert.equal(s.seed, 3);
  assert.equal(s.timeBudgetS, 2.5);
  assert.equal(s.backend, 'cpu');
  assert.equal(s.lanes, 3);
});

test('misuse is a UsageError that says what was expected', () => {
  const cases: [string[], RegExp][] = [
    [['lint'], /Expected "check"/],
    [['check', '--format', 'xml'], /Expected one of: text, markdown, json, sarif/],
    [['check', '--steps', '-1'], /whole number/],
    [['check', '--time-budget', 'soon'], /seconds/],
    [['check', '--lanes', '0'], /whole number from 1 to 4/],
    [['check', '--out'], /needs a value/],
    [['check', '--frobnicate'], /Unknown option/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message), argv.join(' '));
});

test('help and version', () => {
  assert.equal(parseArgs([]).command, 'help');
  assert.equal(parseArgs(['--help']).command, 'help');
  assert.equal(parseArgs(['--version']).command, 'version');
});
