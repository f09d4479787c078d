import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { staticMeta } from './shared.ts';

export const messages = defineMessages({
  'no-validation-split': says<Record<string, never>>(
    () =>
      'The config names no validation split (data.validation), so neither this check nor your training can tell whether the model generalizes: ' +
      'overfitting, leakage and a broken pipeline all look like a falling training loss.',
    () => 'The config names no validation split (data.validation), so generalization cannot be checked.',
  ),
});

export const check: Check = {
  meta: { ...staticMeta('no-validation-data', 'No validation data', 'check results', 'notice'), section: 'loss', messages },
  run(evidence: Evidence): FindingDraft[] {
    if (evidence.config.data.validation) return [];
    return [
      {
        message: message(messages, 'no-validation-split', {}),
        fix: 'Hold out part of the data (e.g. 10-20%, split before any augmentation) and name it under `data.validation`.',
        key: 'data',
        evidence: { validation: false },
      },
    ];
  },
};
