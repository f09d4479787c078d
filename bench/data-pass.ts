// How fast one data pass is: generates a numeric CSV of a given size outside the repository, loads it
// with exact statistics and a 10,000-row sample, and reports throughput and peak memory.
// Usage: node --import tsx bench/data-pass.ts [--mb 100]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSplit } from '../src/data/load.ts';
import { mulberry32 } from '../src/data/reservoir.ts';
import { DEFAULT_DATA_LIMITS } from '../src/data/types.ts';

const FEATURE_COLUMNS = 10;
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

/** A CSV of ~`mb` megabytes: 10 float features with six significant digits and an integer label. */
export async function writeNumericCsv(file: string, mb: number, seed = 1): Promise<void> {
  const random = mulberry32(seed);
  const target = mb * 1024 * 1024;
  const handle = await open(file, 'w');
  try {
    const header = [...Array.from({ length: FEATURE_COLUMNS }, (_, i) => `f${i}`), 'y'].join(',') + '\n';
    let written = 0;
    let batch = header;
    while (written + batch.length < target) {
      const cells: string[] = [];
      for (let c = 0; c < FEATURE_COLUMNS; c++) cells.push(((random() - 0.5) * 2 * 10 ** (c % 4)).toPrecision(6));
      cells.push(String(Math.floor(random() * 5)));
      batch += cells.join(',') + '\n';
      if (batch.length >= WRITE_BATCH_BYTES) {
        await handle.write(batch);
        written += batch.length;
        batch = '';
      }
    }
    await handle.write(batch);
  } finally {
    await handle.close();
  }
}

export async function measureDataPass(mb: number): Promise<{ mbPerS: number; peakRssMb: number }> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-bench-'));
  try {
    const file = path.join(folder, 'train.csv');
    await writeNumericCsv(file, mb);
    const bytes = statSync(file).size;
    const started = process.hrtime.bigint();
    const result = await loadSplit(
      { kind: 'path', path: 'train.csv' },
      { root: folder, baseDir: folder, targets: ['y'], sample: 10_000, seed: 0, limits: DEFAULT_DATA_LIMITS, key: 'data.train' },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!result.ok) throw new Error(`the benchmark file did not load: ${result.problem.message}`);
    // maxRSS is in kilobytes
    return { mbPerS: bytes / 1024 / 1024 / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--mb');
  const mb = at >= 0 ? Number(process.argv[at + 1]) : 100;
  const { mbPerS, peakRssMb } = await measureDataPass(mb);
  console.log(`data pass over a ${mb} MB numeric CSV: ${mbPerS.toFixed(1)} MB/s, peak RSS ${peakRssMb.toFixed(0)} MB`);
}
