// One plain line per phase of a config's check, for logs that are not a terminal (CI): a redrawn
// progress bar is noise there, and a log that stays silent until the end looks like a hang.
import type { ProgressEvent } from './run-settings.ts';

const PHASE_WORDS: Record<ProgressEvent['phase'], string> = {
  config: 'loading the config',
  data: 'loading data',
  static: 'static checks',
  smoke: 'smoke run started',
  'smoke-done': 'smoke run',
  controls: 'control runs',
  checks: 'checks on the smoke run',
  'seed-confirmation': 'second-seed confirmation',
  'base-comparison': 'base comparison',
  'fix-checks': 'fix checks',
  done: 'done',
};

/** The line for one progress event; undefined for the fractional updates a terminal bar redraws. */
export function progressLine(event: ProgressEvent): string | undefined {
  if (event.fraction !== undefined) return undefined;
  return `${event.config}: ${PHASE_WORDS[event.phase]}${event.detail ? `: ${event.detail}` : ''}`;
}
