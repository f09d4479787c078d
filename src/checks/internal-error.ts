import type { Check } from './types.ts';
import { defineMessages, says } from './messages.ts';
import { staticMeta } from './shared.ts';

export const messages = defineMessages({
  'check-failed': says<{ check: string; title: string; error: string }>(
    (d) =>
      `The check ${d.check} failed while it ran (${d.error}), so this setup was not checked for "${d.title}". This is a bug in nn-preflight, not in your setup.`,
    (d) => `The check ${d.check} failed while it ran, so this setup was not checked for it.`,
  ),
});

export const check: Check = {
  meta: { ...staticMeta('internal-error', 'A check failed to run', '(tool)', 'warning'), section: 'other', messages },
  // The runner reports this when another check throws; it is a bug in nn-preflight, not in your setup.
  run: () => [],
};
