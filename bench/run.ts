// The benchmark suite (`npm run bench`): (a) training steps/s beside PyTorch, (b) the whole `check`
// of every shared case, (c) the data pass beside pandas, (d) the action's cold start. Writes
// Without --publish it prints its figures and writes no file. With --publish it writes BENCHMARKS.md and the
// raw numbers (bench/results.json) only when every figure was taken on a quiet machine (1-minute load
// average at or below the core count before and after each measurement); otherwise it prints
// "BUSY: not publishable" and writes nothing.
// Options: --quick (fewer steps, smaller files, for trying the suite), --only a,b,c,d, --no-build,
// --repeats N (default 3, at least 3 when publishing), --models mlp,cnn,lstm, --engines auto,tfjs,
// --publish, --out FILE (default BENCHMARKS.md at the repository root), --json FILE (default bench/results.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCheckWall, type CheckWallBench } from './check-wall.ts';
import { measureColdStart, type ColdStartBench } from './cold-start.ts';
import { measureDataPassInChild, type DataPassMeasure } from './data-pass.ts';
import { describeMachine } from './machine.ts';
import { checkWallSection, renderBenchmarks, type BenchResults } from './report.ts';
import { isBusy } from './stats.ts';
import { DEFAULT_CAP_S, DEFAULT_REPEATS, measureTraining, trainingTable, type Variant } from './training.ts';
import type { BenchModelId } from './models.ts';
import type { StepEngineChoice } from '../src/engine/compiled/choose.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const publish = process.argv.includes('--publish');
const repeats = Number(option('--repeats') ?? DEFAULT_REPEATS);
if (publish && !(repeats >= 3)) {
  process.stderr.write('--publish needs at least 3 repeats\n');
  process.exit(2);
}
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
  log('(a) training steps/s, interleaved with PyTorch (1 thread)');
  const engines = (option('--engines') ?? 'auto,tfjs').split(',') as StepEngineChoice[];
  const variants: Variant[] = engines.map((engine) => ({ backend: 'wasm', engine }));
  const models = option('--models')?.split(',') as BenchModelId[] | undefined;
  results.training = measureTraining({
    variants,
    models,
    repeats,
    capS: quick ? 10 : DEFAULT_CAP_S,
    profile: publish,
    log,
    steps: quick ? { mlp: 300, cnn: 20, lstm: 20, wide: 20 } : undefined,
  });
  results.errors.push(...results.training.errors);
  process.stdout.write(`${trainingTable(results.training)}\n`);
}

if (only.has('b')) {
  log('(b) whole check of every shared case');
  const cli = path.join(REPO_ROOT, 'dist/cli.js');
  if (existsSync(cli)) {
    results.checkWall = measureCheckWall(cli) satisfies CheckWallBench;
    process.stdout.write(`${checkWallSection(results.checkWall).join('\n')}\n`);
  } else {
    results.errors.push('dist/cli.js is missing: run `npm run build`');
  }
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
const cores = results.machine.cores;
const busyReasons: string[] = [];
if (isBusy(results.machine.loadAtStart, cores) || isBusy(results.machine.loadAtEnd, cores)) {
  busyReasons.push(`load ${results.machine.loadAtStart.toFixed(2)} at the start, ${results.machine.loadAtEnd.toFixed(2)} at the end, on ${cores} cores`);
}
for (const s of results.training?.summary ?? []) {
  if (s.busy) busyReasons.push(`${s.model} ${s.variant}: load up to ${s.maxLoad.toFixed(2)} on ${cores} cores`);
}
if (busyReasons.length > 0) process.stdout.write(`BUSY: not publishable (${busyReasons.join('; ')})\n`);
if (!publish) {
  log('not written: run with --publish on a quiet machine to write BENCHMARKS.md and bench/results.json');
} else if (busyReasons.length > 0 || quick) {
  log(quick ? 'not written: --quick figures are not publishable' : 'not written: the machine was busy');
  process.exitCode = 3;
} else {
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  writeFileSync(out, renderBenchmarks(results, previous));
  const json = path.resolve(option('--json') ?? path.join(REPO_ROOT, 'bench/results.json'));
  writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  log(
    `wrote ${path.relative(process.cwd(), out) || out} and ${path.relative(process.cwd(), json)}${results.errors.length > 0 ? ` (${results.errors.length} errors, listed in the file)` : ''}`,
  );
}
