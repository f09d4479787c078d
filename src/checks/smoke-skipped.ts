import type { Check } from './types.ts';
import { smokeMeta } from './shared.ts';

export const check: Check = {
  // Kind smoke, but it must never be skipped for lack of a trace: it is the finding that says so.
  // A notice by default, as in the catalogue: a cut control run or a smaller budget leaves the main run's
  // verdicts standing. A setup left untested (no smoke run, main run cut) is raised to a warning where the
  // pipeline words it, so `fail-on: warning` never passes it.
  meta: { ...smokeMeta('smoke-skipped', 'Smoke run skipped or cut short', '(run)', 'notice'), needs: [], section: 'other' },
  // The pipeline reports this when it skips or cuts the smoke run; the reason lives outside the evidence.
  run: () => [],
};
