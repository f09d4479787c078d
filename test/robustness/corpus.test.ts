// Every hostile case goes through the built command line, as a pull request's files would, in a child
// process watched by /usr/bin/time: it must end in a readable JSON report naming the right finding, exit 0
// or 1, and stay within a time and memory bound. Needs `npm run build` first (a copy of dist/ is run).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpusCases, OUTSIDE_MARKER, writeCorpus, type CorpusCase } from './corpus.ts';
import { snapshotDist } from './dist-snapshot.ts';

const dist = await snapshotDist();
const CLI = path.join(dist, 'cli.js');
const TIME = '/usr/bin/time';
const MAX_SECONDS = 60;
const MAX_RSS_BYTES = 1024 ** 3;
/** what a run may take before the test kills it: well past MAX_SECONDS, so a hang is a failure, not a stuck suite */
const KILL_AFTER_MS = 90_000;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakRssBytes: number;
}

/** Runs the built CLI on one case under /usr/bin/time, which reports the child's peak resident set. */
function runCli(caseDir: string, corpusCase: CorpusCase): Promise<CliRun> {
  const timeFile = path.join(caseDir, '..', `${corpusCase.name}.time`);
  const args = ['-f', '%e %M', '-o', timeFile, process.execPath, CLI, 'check', corpusCase.config, '--format', 'json', '--root', caseDir, '--time-budget', '10'];
  if (!corpusCase.smoke) args.push('--no-smoke');
  return new Promise((resolve) => {
    const child = spawn(TIME, args, { cwd: caseDir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const [seconds, kilobytes] = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number) : [Infinity, Infinity];
      resolve({ code, stdout, stderr, seconds, peakRssBytes: kilobytes * 1024 });
    });
  });
}

interface JsonFinding {
  id: string;
  severity: string;
  message: string;
  fix: string;
  file?: string;
  line?: number;
}

const corpusDir = mkdtempSync(path.join(tmpdir(), 'nnp-corpus-'));
const cases = writeCorpus(corpusDir, corpusCases());
const measured: { name: string; seconds: number; rssMb: number }[] = [];

after(() => {
  const slowest = [...measured].sort((a, b) => b.seconds - a.seconds)[0];
  const largest = [...measured].sort((a, b) => b.rssMb - a.rssMb)[0];
  if (slowest && largest) {
    process.stdout.write(
      `# corpus: ${measured.length} cases; slowest ${slowest.name} ${slowest.seconds}s; largest ${largest.name} ${largest.rssMb} MB peak RSS\n`,
    );
  }
  rmSync(corpusDir, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

test('the corpus has at least 40 cases, with unique names', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

describe('hostile inputs end in a finding', { concurrency: 2 }, () => {
  for (const corpusCase of cases) {
    test(`${corpusCase.name}: ${corpusCase.about}`, async () => {
      const caseDir = path.join(corpusDir, corpusCase.name);
      const run = await runCli(caseDir, corpusCase);
      measured.push({ name: corpusCase.name, seconds: run.seconds, rssMb: Math.round(run.peakRssBytes / 1024 ** 2) });
      const context = `exit ${run.code}; stderr: ${run.stderr.slice(0, 2000)}`;

      assert.ok(run.code === 0 || run.code === 1, `exit code must be 0 or 1 (${context})`);
      assert.equal(run.stdout.includes(OUTSIDE_MARKER) || run.stderr.includes(OUTSIDE_MARKER), false, 'nothing from outside the repository reaches the report');
      assert.ok(run.seconds < MAX_SECONDS, `took ${run.seconds}s`);
      assert.ok(run.peakRssBytes < MAX_RSS_BYTES, `peak RSS ${Math.round(run.peakRssBytes / 1024 ** 2)} MB`);

      let report: { results: { findings: JsonFinding[] }[]; conclusion: string };
      try {
        report = JSON.parse(run.stdout);
      } catch {
        assert.fail(`stdout is not JSON: ${run.stdout.slice(0, 500)} (${context})`);
      }
      assert.equal(report.results.length, 1);
      const findings = report.results[0].findings;
      const summary = findings.map((f) => `${f.id}@${f.line ?? '-'}: ${f.message.slice(0, 160)}`).join('\n');
      const configLines = readFileSync(path.join(caseDir, corpusCase.config), 'latin1').split(/\r?\n|\r/).length;
      for (const finding of findings) {
        assert.ok(finding.message.length > 0 && finding.fix.length > 0, `${finding.id} without message or fix`);
        assert.equal(finding.file, corpusCase.config, `${finding.id} names ${finding.file}`);
        if (typeof finding.line === 'number')
          assert.ok(finding.line >= 1 && finding.line <= configLines, `${finding.id} at line ${finding.line} of ${configLines}`);
      }
      assert.equal(
        findings.some((f) => f.id === 'internal-error'),
        false,
        `internal error:\n${summary}`,
      );
      for (const expected of corpusCase.expect) {
        const match = findings.find(
          (f) =>
            f.id === expected.id &&
            (expected.line === undefined || (expected.line === true ? typeof f.line === 'number' && f.line >= 1 : f.line === expected.line)) &&
            (expected.message === undefined || expected.message.test(f.message)),
        );
        assert.ok(
          match,
          `expected ${expected.id}${expected.line ? ` at line ${expected.line}` : ''}${expected.message ? ` matching ${expected.message}` : ''}, got:\n${summary}`,
        );
      }
      for (const id of corpusCase.forbid ?? []) {
        assert.equal(
          findings.some((f) => f.id === id),
          false,
          `unexpected ${id}:\n${summary}`,
        );
      }
      const failing = findings.some((f) => f.severity === 'error');
      assert.equal(run.code, failing ? 1 : 0, 'the exit code follows --fail-on error');
    });
  }
});
