import type { Check } from './types.ts';
import { smokeMeta } from './shared.ts';

export const check: Check = {
  // Kind smoke, but it must never be skipped for lack of a trace: it is the finding that says so.
  meta: { ...smokeMeta('smoke-skipped', 'Smoke run skipped or cut short', '(run)', 'notice'), needs: [], section: 'other' },
  // The pipeline reports this when it skips or cuts the smoke run; the reason lives outside the evidence.
  run: () => [],
};
