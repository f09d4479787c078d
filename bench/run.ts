// The benchmark suite (`npm run bench`): (a) training steps/s beside PyTorch, (b) the whole `check`
// of every shared case, (c) the data pass beside pandas, (d) the action's cold start. Writes
// BENCHMARKS.md with the numbers, the machine and the method.
// Options: --quick (fewer steps, smaller files, for trying the suite), --only a,b,c,d, --no-build,
// --out FILE (default BENCHMARKS.md at the repository root), --json FILE (the raw numbers).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCheckWall, type CheckWallBench } from './check-wall.ts';
import { measureColdStart, type ColdStartBench } from './cold-start.ts';
import { measureDataPassInChild, type DataPassMeasure } from './data-pass.ts';
import { describeMachine } from './machine.ts';
import { renderBenchmarks, type BenchResults } from './report.ts';
import { DEFAULT_CAP_S, DEFAULT_STEPS, measureTraining } from './training.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const only = new Set((option('--only') ?? 'a,b,c,d').split(','));
const out = path.resolve(option('--out') ?? path.join(REPO_ROOT, 'BENCHMARKS.md'));
const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const results: BenchResults = { machine: describeMachine(), quick, errors: [] };
log(`machine: ${results.machine.cpu}, ${results.machine.cores} cores, load ${results.machine.loadAtStart.toFixed(2)}`);

if (!process.argv.includes('--no-build') && (only.has('b') || only.has('d'))) {
  log('building dist/');
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) results.errors.push(`npm run build failed: ${build.stderr.trim().slice(-300)}`);
}

if (only.has('a')) {
  log('(a) training steps/s on wasm and cpu, and PyTorch');
  const steps = quick ? { mlp: 60, cnn: 20, lstm: 20 } : DEFAULT_STEPS;
  results.training = measureTraining(['wasm', 'cpu'], steps, quick ? 10 : DEFAULT_CAP_S);
  results.errors.push(...results.training.errors);
}

if (only.has('b')) {
  log('(b) whole check of every shared case');
  const cli = path.join(REPO_ROOT, 'dist/cli.js');
  if (existsSync(cli)) results.checkWall = measureCheckWall(cli) satisfies CheckWallBench;
  else results.errors.push('dist/cli.js is missing: run `npm run build`');
}

if (only.has('c')) {
  results.dataPass = [];
  for (const mb of quick ? [20, 100] : [100, 1024]) {
    log(`(c) data pass over ${mb} MB`);
    try {
      results.dataPass.push({ mb, ...(measureDataPassInChild(mb, true) satisfies DataPassMeasure) });
    } catch (error) {
      results.errors.push(error instanceof Error ? error.message : String(error));
    }
  }
}

if (only.has('d')) {
  log('(d) action cold start');
  try {
    results.coldStart = (await measureColdStart(quick ? 3 : 7)) satisfies ColdStartBench;
  } catch (error) {
    results.errors.push(`cold start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

results.machine.loadAtEnd = os.loadavg()[0];
const previous = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
writeFileSync(out, renderBenchmarks(results, previous));
const json = option('--json');
if (json) writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
log(`wrote ${path.relative(process.cwd(), out) || out}${results.errors.length > 0 ? ` (${results.errors.length} errors, listed in the file)` : ''}`);
