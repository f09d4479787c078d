// Runs correct setups through the whole checker (static checks, smoke run, seed and fix verification) and
// asserts no warning and no error on any of them; prints the false-alarm rate. The setups are
// test/clean-corpus/<name>/ (scripts/make-clean-corpus.mjs) and the correct variants of ../shared/cases
// (`clean: true` or "clean" in the name). Split over test/clean-corpus-*.test.ts so they run side by side.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOneConfig } from '../src/pipeline.ts';
import { SHARED_CASES_DIR } from './shared-dir.ts';

const corpusDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clean-corpus');

export function corpusSetups(): string[] {
  return readdirSync(corpusDir)
    .filter((name) => existsSync(path.join(corpusDir, name, 'preflight.yml')))
    .sort()
    .map((name) => path.join(corpusDir, name));
}

export function sharedCleanCases(): string[] {
  if (!existsSync(SHARED_CASES_DIR)) return [];
  return readdirSync(SHARED_CASES_DIR)
    .sort()
    .filter((name) => {
      const expectFile = path.join(SHARED_CASES_DIR, name, 'expect.json');
      if (!existsSync(expectFile)) return false;
      const expectation = JSON.parse(readFileSync(expectFile, 'utf8')) as { clean?: boolean };
      return expectation.clean === true || name.includes('clean');
    })
    .map((name) => path.join(SHARED_CASES_DIR, name));
}

/** One test per setup folder; at the end, the false-alarm rate over them. */
export function testCleanSetups(label: string, folders: string[]): void {
  const alarms: string[] = [];
  for (const folder of folders) {
    const name = path.basename(folder);
    test(`${label}: ${name} draws no warning and no error`, async () => {
      const config = path.join(folder, 'preflight.yml');
      const run = await runOneConfig(config, { root: folder, configs: [config], smoke: true, backend: 'auto', failOn: 'error' });
      const bad = run.result.findings.filter((f) => f.severity !== 'notice');
      if (bad.length > 0) alarms.push(name);
      assert.deepEqual(
        bad.map((f) => `${f.severity} ${f.id}: ${f.message}`),
        [],
        `${name}: a correct setup drew warnings or errors`,
      );
    });
  }
  after(() => {
    const rate = folders.length > 0 ? alarms.length / folders.length : 0;
    console.log(
      `false-alarm rate (${label}): ${alarms.length} of ${folders.length} correct setups drew a warning or error (${(rate * 100).toFixed(1)}%)${alarms.length > 0 ? `: ${alarms.join(', ')}` : ''}`,
    );
  });
}
