// The control runs of a smoke summary, typed. `controls` is an open record in the report (it holds what
// the engine ran), and one read back from report.json has null where a number was not finite, so each
// control is checked before a renderer draws it; one that does not fit is not drawn.
import { z } from 'zod';
import type { SmokeSummary } from './types.ts';

/** A number; JSON's null (a non-finite number on the way out) comes back as NaN. */
const anyNumber = z.custom<number | null>((value) => typeof value === 'number' || value === null).transform((value) => value ?? Number.NaN);
const numbers = z.array(anyNumber);

const controlSchemas = {
  baseline: z.object({ kind: z.enum(['mean', 'prior']), loss: anyNumber }),
  zeroedInputs: z.object({ realLosses: numbers, zeroedLosses: numbers, realFinal: anyNumber, zeroedFinal: anyNumber, pValue: anyNumber }),
  overfit: z.object({ samples: anyNumber, steps: anyNumber, startLoss: anyNumber, finalLoss: anyNumber, accuracy: anyNumber.optional(), fitted: z.boolean() }),
  widened: z.object({ factor: anyNumber, fitted: z.boolean(), finalLoss: anyNumber, startLoss: anyNumber }),
};

export type SmokeControls = { [K in keyof typeof controlSchemas]?: z.output<(typeof controlSchemas)[K]> };

export function smokeControls(smoke: SmokeSummary): SmokeControls {
  const controls: SmokeControls = {};
  const source = smoke.controls ?? {};
  for (const name of Object.keys(controlSchemas) as (keyof typeof controlSchemas)[]) {
    const parsed = controlSchemas[name].safeParse(source[name]);
    if (parsed.success) (controls as Record<string, unknown>)[name] = parsed.data;
  }
  return controls;
}
