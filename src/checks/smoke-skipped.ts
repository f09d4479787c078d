import type { Check } from './types.ts';
import { smokeMeta } from './shared.ts';

export const check: Check = {
  // Kind smoke, but it must never be skipped for lack of a trace: it is the finding that says so.
  // A warning by default: a setup whose smoke run did not run (or whose main run was cut) is untested, and
  // `fail-on: warning` must not pass it. Cuts that leave the main run standing are notices (pipeline.ts).
  meta: { ...smokeMeta('smoke-skipped', 'Smoke run skipped or cut short', '(run)', 'warning'), needs: [], section: 'other' },
  // The pipeline reports this when it skips or cuts the smoke run; the reason lives outside the evidence.
  run: () => [],
};
