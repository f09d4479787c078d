// Part (b): the whole `nn-preflight check` of every shared case, as a user runs it (the bundled CLI,
// a fresh process, JSON output), beside two references measured in the same run: Node's own start-up
// (`node -e ''`) and the same check without the smoke run (`--no-smoke`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SHARED_CASES_DIR } from './models.ts';

export interface ProcessTime {
  wallS: number;
  /** user + system CPU seconds of the process and its threads (undefined without /usr/bin/time) */
  cpuS?: number;
  peakRssMb?: number;
  exitCode: number | null;
}

export interface CaseWall {
  name: string;
  full: ProcessTime;
  staticOnly: ProcessTime;
  /** the smoke run's own seconds and main-run steps, from the JSON report */
  smokeS?: number;
  smokeSteps?: number;
  backend?: string;
  /** the parts of the smoke run and its follow-ups its time budget cut (smoke-skipped findings) */
  budgetCuts?: string[];
}

export interface CheckWallBench {
  cli: string;
  nodeStartup: ProcessTime;
  cases: CaseWall[];
}

const GNU_TIME = '/usr/bin/time';
const TIME_FORMAT = '__time %e %U %S %M';

/** Runs a command in `cwd`, timed by GNU time when present (CPU time and peak RSS of the whole process). */
export function timeProcess(command: string, args: string[], cwd: string): ProcessTime & { stdout: string } {
  const useGnuTime = existsSync(GNU_TIME);
  const started = performance.now();
  const run = useGnuTime
    ? spawnSync(GNU_TIME, ['-f', TIME_FORMAT, command, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60 * 1000 })
    : spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60 * 1000 });
  const wallS = (performance.now() - started) / 1000;
  const timing = { wallS, exitCode: run.status, stdout: run.stdout ?? '' };
  const line = (run.stderr ?? '').split('\n').find((l) => l.startsWith('__time '));
  if (!line) return timing;
  const [, elapsed, user, system, rssKb] = line.split(' ').map(Number);
  return { ...timing, wallS: elapsed > 0 ? elapsed : wallS, cpuS: user + system, peakRssMb: rssKb / 1024 };
}

interface ReportFinding {
  id: string;
  evidence?: { what?: string; reason?: string };
}

function smokeOf(stdout: string): Pick<CaseWall, 'smokeS' | 'smokeSteps' | 'backend' | 'budgetCuts'> {
  try {
    const report = JSON.parse(stdout) as { results: { smoke?: { seconds: number; steps: number; backend: string }; findings: ReportFinding[] }[] };
    const smoke = report.results[0]?.smoke;
    const budgetCuts = (report.results[0]?.findings ?? [])
      .filter((f) => f.id === 'smoke-skipped' && /time budget/.test(f.evidence?.reason ?? ''))
      .map((f) => f.evidence?.what ?? 'smoke run');
    return smoke ? { smokeS: smoke.seconds, smokeSteps: smoke.steps, backend: smoke.backend, budgetCuts } : {};
  } catch {
    return {};
  }
}

export function sharedCases(): string[] {
  return readdirSync(SHARED_CASES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(SHARED_CASES_DIR, entry.name, 'preflight.yml')))
    .map((entry) => entry.name)
    .sort();
}

export function measureCheckWall(cli: string, cases: string[] = sharedCases()): CheckWallBench {
  const node = process.execPath;
  const nodeStartup = timeProcess(node, ['-e', ''], process.cwd());
  const results: CaseWall[] = [];
  for (const name of cases) {
    const cwd = path.join(SHARED_CASES_DIR, name);
    const args = [cli, 'check', 'preflight.yml', '--format', 'json', '--fail-on', 'never'];
    const { stdout, ...full } = timeProcess(node, args, cwd);
    const { stdout: _static, ...staticOnly } = timeProcess(node, [...args, '--no-smoke'], cwd);
    results.push({ name, full, staticOnly, ...smokeOf(stdout) });
  }
  return {
    cli,
    nodeStartup: { wallS: nodeStartup.wallS, cpuS: nodeStartup.cpuS, peakRssMb: nodeStartup.peakRssMb, exitCode: nodeStartup.exitCode },
    cases: results,
  };
}
