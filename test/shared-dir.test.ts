// The shared specs and labelled cases are part of the test suite: without them a run must fail, not pass
// with fewer tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SHARED_CASES_DIR, SHARED_DIR } from './shared-dir.ts';

test('the shared folder with its specs and labelled cases is present', () => {
  assert.ok(
    existsSync(path.join(SHARED_DIR, 'spec', 'CHECKS.md')),
    `no ${SHARED_DIR}/spec/CHECKS.md: put the shared folder beside the project or set NN_PREFLIGHT_SHARED`,
  );
  const cases = readdirSync(SHARED_CASES_DIR).filter((name) => existsSync(path.join(SHARED_CASES_DIR, name, 'expect.json')));
  assert.ok(cases.length >= 30, `expected the labelled cases in ${SHARED_CASES_DIR}, found ${cases.length}`);
});
