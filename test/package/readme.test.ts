// The README's first screen is what new users copy: its workflow must be a valid workflow that uses this
// action, and its minimal config must load and check cleanly on sensible data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { runOneConfig } from '../../src/pipeline.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## How it works'));
const yamlBlocks = [...quickStart.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the quick start comes right after the setup commands, with a workflow and a config', () => {
  assert.ok(readme.indexOf('## Quick start') > 0 && readme.indexOf('## Quick start') < 1500, 'the quick start is on the first screen');
  assert.equal(yamlBlocks.length, 2);
  assert.ok(quickStart.length < 3000, `the quick start is ${quickStart.length} characters`);
});

test("the quick start's workflow runs this action on pull requests with the permissions it needs", () => {
  const workflow = parse(yamlBlocks[0]) as { on: string[]; permissions: Record<string, string>; jobs: Record<string, { steps: { uses?: string }[] }> };
  assert.ok(workflow.on.includes('pull_request'));
  assert.equal(workflow.permissions['pull-requests'], 'write');
  const steps = Object.values(workflow.jobs)[0].steps;
  assert.ok(steps.some((s) => s.uses?.endsWith('/nn-preflight@v1')));
  assert.ok(steps.findIndex((s) => s.uses?.startsWith('actions/checkout')) === 0, 'checkout comes first');
});

test("the quick start's minimal config loads and draws no warning or error on well-behaved data", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-readme-'));
  try {
    mkdirSync(path.join(root, 'data'));
    const rows = ['area,rooms,age,price'];
    for (let i = 0; i < 400; i++) {
      const area = 50 + ((i * 37) % 150);
      const rooms = 1 + (i % 5);
      const age = (i * 13) % 60;
      rows.push(`${area},${rooms},${age},${(1000 * area + 5000 * rooms - 300 * age + ((i * 7919) % 997)).toFixed(0)}`);
    }
    writeFileSync(path.join(root, 'data/train.csv'), rows.join('\n') + '\n');
    const config = path.join(root, 'train.preflight.yml');
    writeFileSync(config, yamlBlocks[1]);
    const run = await runOneConfig(config, { root, configs: [config], smoke: true, backend: 'wasm', failOn: 'error', timeBudgetS: 30 });
    const loud = run.result.findings.filter((f) => f.severity !== 'notice').map((f) => `${f.id}: ${f.message}`);
    assert.deepEqual(loud, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
