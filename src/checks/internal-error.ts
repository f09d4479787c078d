import type { Check } from './types.ts';
import { staticMeta } from './shared.ts';

export const check: Check = {
  meta: staticMeta('internal-error', 'A check failed to run', '(tool)', 'warning'),
  // The runner reports this when another check throws; it is a bug in nn-preflight, not in the setup.
  run: () => [],
};
