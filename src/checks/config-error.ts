import type { Check } from './types.ts';
import { staticMeta } from './shared.ts';

export const check: Check = {
  meta: { ...staticMeta('config-error', 'The config cannot be read', '(config)', 'error'), section: 'other' },
  // The pipeline reports this when the config fails to parse or validate; there is no evidence to check then.
  run: () => [],
};
