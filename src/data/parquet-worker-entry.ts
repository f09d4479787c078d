// Decodes one Parquet file inside a worker thread, so that a decoder that loops or over-allocates on a
// crafted file is stopped by the parent's deadline and heap cap instead of hanging the whole run.
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { readParquet, type ParquetOptions } from './parquet.ts';
import { DataError } from './problem.ts';

export interface ParquetRequest {
  /** already resolved inside the repository by the parent */
  absolute: string;
  size: number;
  options: ParquetOptions;
}

parentPort?.once('message', async (request: ParquetRequest) => {
  const handle = await open(request.absolute, 'r').catch((error: Error) => error);
  if (handle instanceof Error) {
    parentPort?.postMessage({ ok: false, detail: { message: handle.message } });
    return;
  }
  try {
    const progress = { done: 0, total: request.size, report: (done: number) => parentPort?.postMessage({ progress: done }) };
    parentPort?.postMessage({ ok: true, table: await readParquet(handle, request.size, request.options, progress) });
  } catch (error) {
    const detail =
      error instanceof DataError ? error.detail : { message: `could not read the data: ${error instanceof Error ? error.message : String(error)}` };
    parentPort?.postMessage({ ok: false, detail });
  } finally {
    await handle.close();
  }
});
