import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, smokeMeta } from './shared.ts';

export const check: Check = {
  meta: smokeMeta('initial-loss-off', 'Initial loss far from its expected value', 'check results', 'warning'),
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    const expected = smoke?.expectedInitialLoss;
    if (!smoke || expected === undefined || !Number.isFinite(expected) || expected <= 0) return [];
    const initial = smoke.initialLoss;
    if (!Number.isFinite(initial)) return [];
    // Karpathy / TheDeepChecker: |L0 - expected| >= expected.
    if (Math.abs(initial - expected) < expected) return [];
    return [{
      message:
        `The loss at initialization is ${fmt(initial)}, but a well-initialized model should start near ${fmt(expected)} ` +
        `(${evidence.task === 'regression' ? 'the target variance' : 'ln of the number of classes'}); it is ${fmt(initial / expected)}x that. ` +
        'A start this far off means the output layer is confidently wrong from the first step (scale of the last layer, its bias, or the targets), which wastes the first part of training or stalls it.',
      fix: 'Check the output layer: initialize it with small weights and a bias at the target mean / class prior, and check that the targets are scaled as declared.',
      key: 'model.layers',
      evidence: { initialLoss: initial, expectedInitialLoss: expected, ratio: initial / expected },
    }];
  },
};
