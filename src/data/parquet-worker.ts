// Runs the Parquet reader in a worker with a deadline and a heap cap (see parquet-worker-entry.ts).
import { Worker } from 'node:worker_threads';
import type { Progress } from './chunks.ts';
import type { ParquetOptions } from './parquet.ts';
import { fail, DataError, type ProblemDetail } from './problem.ts';
import type { TableResult } from './table.ts';
import type { ParquetWorkerLimits } from './types.ts';

// A healthy decode runs at tens of MiB/s; these deadlines only stop a decoder that makes no progress.
export const DEFAULT_PARQUET_WORKER_LIMITS: ParquetWorkerLimits = { baseSeconds: 20, secondsPerMiB: 1, maxHeapMb: 4096 };

/** From source (under tsx) the worker registers tsx itself; the bundle ships the entry as parquet-worker.js beside cli.js. */
function startWorker(maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parquet-worker.js', import.meta.url), { resourceLimits });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./parquet-worker-entry.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

type Reply = { progress: number } | { ok: true; table: TableResult } | { ok: false; detail: ProblemDetail };

export function readParquetIsolated(
  absolute: string,
  size: number,
  options: ParquetOptions,
  progress: Progress,
  limits = DEFAULT_PARQUET_WORKER_LIMITS,
): Promise<TableResult> {
  const seconds = limits.baseSeconds + (limits.secondsPerMiB * size) / 1024 ** 2;
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = startWorker(limits.maxHeapMb);
    const settle = (run: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      try {
        run();
      } catch (error) {
        reject(error);
      }
    };
    const timer = setTimeout(
      () => settle(() => fail(`decoding did not finish within ${Math.round(seconds)} s and was stopped (a damaged or crafted file can make the decoder loop)`)),
      seconds * 1000,
    );
    worker.on('message', (reply: Reply) => {
      if ('progress' in reply) {
        progress.done = reply.progress;
        progress.report?.(progress.done, progress.total);
      } else if (reply.ok) settle(() => resolve(reply.table));
      else settle(() => reject(new DataError(reply.detail)));
    });
    worker.on('error', (error) => {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle(() =>
        fail(outOfMemory ? `decoding needed more than ${limits.maxHeapMb} MB of memory and was stopped` : `could not read the data: ${error.message}`),
      );
    });
    worker.on('exit', (code) => settle(() => fail(`the Parquet reader exited with code ${code} before reporting`)));
    worker.postMessage({ absolute, size, options });
  });
}
