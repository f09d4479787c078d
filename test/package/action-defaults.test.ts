// action.yml states the defaults users read on the Marketplace; they must be the code's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_SMOKE } from '../../src/config/normalize.ts';

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, { description: string }> };

test("action.yml's smoke defaults are the config defaults", () => {
  const stated = (input: string) => Number(/else (\d+)\)/.exec(action.inputs[input].description)?.[1]);
  assert.equal(stated('steps'), DEFAULT_SMOKE.steps);
  assert.equal(stated('seed'), DEFAULT_SMOKE.seed);
  assert.equal(stated('time-budget'), DEFAULT_SMOKE.time_budget_s);
});
