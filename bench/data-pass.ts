// How fast one data pass is: generates a numeric CSV of a given size outside the repository, loads it
// with exact statistics and a 10,000-row sample, and reports throughput and peak memory.
// Usage: node --import tsx bench/data-pass.ts [--mb 100] [--pandas]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSplit } from '../src/data/load.ts';
import { mulberry32 } from '../src/data/reservoir.ts';
import { DEFAULT_DATA_LIMITS } from '../src/data/types.ts';
import { findPython } from './python.ts';

const FEATURE_COLUMNS = 10;
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

/** A CSV of ~`mb` megabytes: 10 float features with six significant digits and an integer label. */
export async function writeNumericCsv(file: string, mb: number, seed = 1): Promise<void> {
  const random = mulberry32(seed);
  const target = mb * 1024 * 1024;
  const handle = await open(file, 'w');
  try {
    const header = [...Array.from({ length: FEATURE_COLUMNS }, (_, i) => `f${i}`), 'y'].join(',') + '\n';
    await handle.write(header);
    let written = header.length;
    const cells: string[] = [];
    while (written < target) {
      const lines: string[] = [];
      let batchBytes = 0;
      while (batchBytes < WRITE_BATCH_BYTES && written + batchBytes < target) {
        cells.length = 0;
        for (let c = 0; c < FEATURE_COLUMNS; c++) cells.push(((random() - 0.5) * 2 * 10 ** (c % 4)).toPrecision(6));
        cells.push(String(Math.floor(random() * 5)));
        const line = cells.join(',') + '\n';
        lines.push(line);
        batchBytes += line.length;
      }
      await handle.write(lines.join(''));
      written += batchBytes;
    }
  } finally {
    await handle.close();
  }
}

export interface DataPassMeasure {
  mbPerS: number;
  peakRssMb: number;
  /** throughput per second of CPU time: steadier than wall time on a shared machine */
  cpuMbPerS: number;
  /** peak RSS before the pass (runtime and file generation), to tell the loader's own share */
  rssBeforePassMb: number;
  /** pandas read_csv + describe on the same file, when asked for and available */
  pandas?: { mbPerS: number; cpuMbPerS: number; peakRssMb: number };
}

export async function measureDataPass(mb: number, options: { comparePandas?: boolean } = {}): Promise<DataPassMeasure> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-bench-'));
  try {
    const file = path.join(folder, 'train.csv');
    // a child process writes the file, so that this process's peak RSS is the loader's
    const writer = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--write', file, '--mb', String(mb)], {
      stdio: 'inherit',
    });
    if (writer.status !== 0) throw new Error('could not write the benchmark file');
    const bytes = statSync(file).size;
    const megabytes = bytes / 1024 / 1024;
    const rssBeforePassMb = process.resourceUsage().maxRSS / 1024;
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const result = await loadSplit(
      { kind: 'path', path: 'train.csv' },
      { root: folder, baseDir: folder, targets: ['y'], sample: 10_000, seed: 0, limits: DEFAULT_DATA_LIMITS, key: 'data.train' },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    if (!result.ok) throw new Error(`the benchmark file did not load: ${result.problem.message}`);
    const measure: DataPassMeasure = {
      mbPerS: megabytes / seconds,
      // maxRSS is in kilobytes
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      cpuMbPerS: megabytes / ((cpu.user + cpu.system) / 1e6),
      rssBeforePassMb,
    };
    if (options.comparePandas) {
      const pandas = pandasPass(file, megabytes);
      if (pandas) measure.pandas = pandas;
    }
    return measure;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const PANDAS_SCRIPT = `
import sys, time, resource, pandas
t = time.perf_counter(); c = time.process_time()
pandas.read_csv(sys.argv[1]).describe()
print(time.perf_counter() - t, time.process_time() - c, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
`;

/** The reference the issue names: pandas read_csv + describe on the same file (skipped when pandas is missing). */
function pandasPass(file: string, megabytes: number): DataPassMeasure['pandas'] | undefined {
  const python = findPython('pandas');
  if (!python) return undefined;
  const run = spawnSync(python, ['-c', PANDAS_SCRIPT, file], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  const [wall, cpu, rss] = run.stdout.trim().split(/\s+/).map(Number);
  return { mbPerS: megabytes / wall, cpuMbPerS: megabytes / cpu, peakRssMb: rss };
}

/** One pass in a fresh process, so that its peak RSS is the pass's own and not the caller's. */
export function measureDataPassInChild(mb: number, comparePandas: boolean): DataPassMeasure {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--mb', String(mb), '--json', ...(comparePandas ? ['--pandas'] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30 * 60 * 1000 });
  const line = run.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (run.status !== 0 || !line) throw new Error(`data pass over ${mb} MB failed: ${run.stderr?.trim().split('\n').slice(-2).join(' ')}`);
  return JSON.parse(line) as DataPassMeasure;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--mb');
  const mb = at >= 0 ? Number(process.argv[at + 1]) : 100;
  const writeTo = process.argv.indexOf('--write');
  if (writeTo >= 0) {
    await writeNumericCsv(process.argv[writeTo + 1], mb);
    process.exit(0);
  }
  const m = await measureDataPass(mb, { comparePandas: process.argv.includes('--pandas') });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(m));
    process.exit(0);
  }
  console.log(
    `data pass over a ${mb} MB numeric CSV: ${m.mbPerS.toFixed(1)} MB/s wall, ${m.cpuMbPerS.toFixed(1)} MB/s of CPU time, ` +
      `peak RSS ${m.peakRssMb.toFixed(0)} MB (${m.rssBeforePassMb.toFixed(0)} MB before the pass)`,
  );
  if (m.pandas) {
    console.log(
      `pandas read_csv + describe: ${m.pandas.mbPerS.toFixed(1)} MB/s wall, ${m.pandas.cpuMbPerS.toFixed(1)} MB/s of CPU time, peak RSS ${m.pandas.peakRssMb.toFixed(0)} MB`,
    );
  }
}
