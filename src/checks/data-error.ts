import type { Check } from './types.ts';
import { staticMeta } from './shared.ts';

export const check: Check = {
  meta: { ...staticMeta('data-error', 'A data file cannot be read', '(data)', 'error'), section: 'other' },
  // The pipeline reports this from the loader's DataProblem; a split that failed to load never becomes evidence.
  run: () => [],
};
