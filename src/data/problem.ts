// Loaders stop at the first problem by throwing this; `loadSplit` turns it into a DataProblem value.
import type { DataProblem } from './types.ts';

export type ProblemDetail = Omit<DataProblem, 'file' | 'key'> & { file?: string; key?: string };

export class DataError extends Error {
  constructor(readonly detail: ProblemDetail) {
    super(detail.message);
  }
}

export function fail(message: string, where: { line?: number; byte?: number; file?: string; key?: string } = {}): never {
  throw new DataError({ message, ...where });
}

/** Names in a message, shortened so that a 10,000-column file does not flood the report. */
export function listNames(names: readonly string[], max = 30): string {
  const shown = names
    .slice(0, max)
    .map((n) => JSON.stringify(n))
    .join(', ');
  return names.length > max ? `${shown}, ... (${names.length} in all)` : shown;
}
