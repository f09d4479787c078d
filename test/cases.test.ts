// Every labelled setup in ../shared/cases runs through the built CLI exactly as a user would run it,
// and its findings must match expect.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksById } from '../src/checks/index.ts';
import { SHARED_CASES_DIR } from './shared-dir.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const casesDir = SHARED_CASES_DIR;
const cli = path.join(repo, 'dist', 'cli.js');

interface Expectation {
  must: string[][];
  must_not: string[];
  clean: boolean;
  note?: string;
}
interface JsonFinding {
  id: string;
  severity: string;
}

const cases = existsSync(casesDir)
  ? readdirSync(casesDir)
      .filter((name) => existsSync(path.join(casesDir, name, 'expect.json')))
      .sort()
  : [];

test('the shared cases are present', () => {
  assert.ok(cases.length >= 30, `expected the labelled cases in ${casesDir}, found ${cases.length}`);
});

function runCase(name: string, extraArgs: string[]): Promise<{ code: number; findings: JsonFinding[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cli, 'check', 'preflight.yml', '--format', 'json', ...extraArgs],
      { cwd: path.join(casesDir, name), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (code !== 0 && code !== 1) return reject(new Error(`exit ${code}: ${stderr}`));
        try {
          const report = JSON.parse(stdout) as { results: { findings: JsonFinding[] }[] };
          resolve({ code, findings: report.results.flatMap((r) => r.findings) });
        } catch (parseError) {
          reject(new Error(`not JSON (${String(parseError)}): ${stdout.slice(0, 500)} ${stderr}`));
        }
      },
    );
  });
}

/** A group can be met without the smoke run when one of its ids has a static half. */
function staticallyReachable(group: string[]): boolean {
  return group.some((id) => {
    const kind = checksById.get(id)?.meta.kind;
    return kind === 'static' || kind === 'static+smoke';
  });
}

function assertExpectation(name: string, expect: Expectation, findings: JsonFinding[], groups: string[][]): void {
  const reported = new Set(findings.map((f) => f.id));
  for (const group of groups) {
    assert.ok(
      group.some((id) => reported.has(id)),
      `${name}: expected one of [${group.join(', ')}], got [${[...reported].join(', ')}]`,
    );
  }
  for (const id of expect.must_not) assert.ok(!reported.has(id), `${name}: must not report ${id}`);
  if (expect.clean) {
    const errors = findings.filter((f) => f.severity === 'error').map((f) => f.id);
    assert.deepEqual(errors, [], `${name}: a clean setup got error findings`);
  }
}

for (const name of cases) {
  const expect = JSON.parse(readFileSync(path.join(casesDir, name, 'expect.json'), 'utf8')) as Expectation;

  test(`case ${name}: static expectations (--no-smoke)`, async () => {
    const { findings } = await runCase(name, ['--no-smoke']);
    assertExpectation(name, expect, findings, expect.must.filter(staticallyReachable));
  });

  test(`case ${name}: every expectation with the smoke run`, async () => {
    const { findings } = await runCase(name, []);
    assertExpectation(name, expect, findings, expect.must);
  });
}
