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
  const s = parseArgs([
    'check',
    'a.preflight.yml',
    'dir',
    '--format',
    'json',
    '--out',
    'o',
    '--fail-on=warning',
    '--no-smoke',
    '--steps',
    '50',
    '--seed',
    '3',
    '--time-budget',
    '2.5',
    '--backend',
    'cpu',
    '--lanes',
    '3',
  ]);
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
  for (const [argv, message] of cases)
    assert.throws(
      () => parseArgs(argv),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
      argv.join(' '),
    );
});

test('help and version', () => {
  assert.equal(parseArgs([]).command, 'help');
  assert.equal(parseArgs(['--help']).command, 'help');
  assert.equal(parseArgs(['--version']).command, 'version');
});

test('flags apply in the order given, with --flag=value and -h as node:util parseArgs reads them', () => {
  assert.equal(parseArgs(['check', '--no-smoke', '--smoke']).smoke, true);
  assert.equal(parseArgs(['check', '--smoke', '--no-smoke']).smoke, false);
  assert.equal(parseArgs(['check', '--color', '--no-color']).color, false);
  assert.equal(parseArgs(['check', '--no-verify']).verify, false);
  assert.equal(parseArgs(['check', 'a.yml', '-h']).command, 'help');
  const s = parseArgs(['check', '--steps=7', '--root', 'r', '--backend=wasm', 'x.preflight.yml']);
  assert.deepEqual({ steps: s.steps, root: s.root, backend: s.backend, paths: s.paths }, { steps: 7, root: 'r', backend: 'wasm', paths: ['x.preflight.yml'] });
});

test('misuse keeps its own messages: a flag is not a value, unknown options are named', () => {
  const cases: [string[], string][] = [
    [['check', '--steps', '--seed', '3'], '--steps needs a value.'],
    [['check', '--steps'], '--steps needs a value.'],
    [['check', '-x'], 'Unknown option "-x". Run "nn-preflight --help" for the options.'],
    [['check', '--frobnicate=1'], 'Unknown option "--frobnicate". Run "nn-preflight --help" for the options.'],
    [['check', '--base', 'main', '--no-smoke'], '--base compares smoke runs, so it cannot go with --no-smoke.'],
    [['init', '--bogus'], 'Unknown init option "--bogus". Expected --target, --model, --framework, --out or --force.'],
    [['init', 'a.csv', 'b.csv'], 'init takes one data file; got "a.csv" and "b.csv".'],
    [['init', '--out='], '--out needs a value.'],
    [['init', '--target', ' , '], '--target needs a column name.'],
  ];
  for (const [argv, message] of cases)
    assert.throws(
      () => parseArgs(argv),
      (e: unknown) => e instanceof UsageError && e.message === message,
      argv.join(' '),
    );
});

test('init options parse', () => {
  const s = parseArgs(['init', 'data/train.csv', '--target', 'y, z', '--framework=keras', '--out', 'o.yml', '--force']);
  assert.deepEqual(s.init, { force: true, data: 'data/train.csv', targets: ['y', 'z'], framework: 'keras', out: 'o.yml' });
});

test('--base takes the same git refs as the action: revision suffixes yes, options, ranges and paths no', () => {
  for (const ref of ['origin/main', 'v1.2', 'HEAD~1', 'main^', 'a1b2c3d']) assert.equal(parseArgs(['check', '--base', ref]).base, ref);
  for (const ref of ['-x', 'main..dev', 'main:data.csv', 'a b', 'heads/']) {
    assert.throws(
      () => parseArgs(['check', `--base=${ref}`]),
      (e: unknown) => e instanceof UsageError && /Expected a git ref/.test(e.message),
      ref,
    );
  }
});
