import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { colorWanted } from '../src/cli/color.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('the flag wins, then FORCE_COLOR, then NO_COLOR, then the terminal', () => {
  assert.equal(colorWanted(false, { FORCE_COLOR: '1' }, true), false);
  assert.equal(colorWanted(true, { NO_COLOR: '1' }, false), true);
  assert.equal(colorWanted(undefined, { FORCE_COLOR: '1' }, false), true);
  assert.equal(colorWanted(undefined, { FORCE_COLOR: '3', NO_COLOR: '1' }, false), true);
  assert.equal(colorWanted(undefined, { FORCE_COLOR: '0' }, true), false);
  assert.equal(colorWanted(undefined, { FORCE_COLOR: 'false' }, true), false);
  assert.equal(colorWanted(undefined, { FORCE_COLOR: '' }, true), true, 'an empty FORCE_COLOR is unset');
  assert.equal(colorWanted(undefined, { NO_COLOR: '1' }, true), false);
  assert.equal(colorWanted(undefined, { NO_COLOR: '' }, true), true, 'an empty NO_COLOR is unset');
  assert.equal(colorWanted(undefined, {}, false), false);
});

test('FORCE_COLOR colours the CLI text report when stdout is a pipe', () => {
  const run = (env: NodeJS.ProcessEnv) =>
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check', 'examples/housing', '--no-smoke', '--fail-on', 'never'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
    });
  assert.match(run({ FORCE_COLOR: '1' }), /\x1b\[/);
  assert.doesNotMatch(run({}), /\x1b\[/);
});
