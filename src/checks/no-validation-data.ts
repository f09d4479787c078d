import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { staticMeta } from './shared.ts';

export const check: Check = {
  meta: staticMeta('no-validation-data', 'No validation data', 'check results', 'notice'),
  run(evidence: Evidence): FindingDraft[] {
    if (evidence.config.data.validation) return [];
    return [{
      message:
        'The config names no validation split (data.validation), so neither this check nor your training can tell whether the model generalizes: ' +
        'overfitting, leakage and a broken pipeline all look like a falling training loss.',
      fix: 'Hold out part of the data (e.g. 10-20%, split before any augmentation) and name it under `data.validation`.',
      key: 'data',
      evidence: { validation: false },
    }];
  },
};
