import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, smokeMeta } from './shared.ts';

type OffStart = { initialLoss: number; expectedInitialLoss: number; task: string; recoveredAtStep?: number };

export const messages = defineMessages({
  'initial-loss-off': says<OffStart>(
    (d) =>
      `The loss at initialization is ${fmt(d.initialLoss)}, but a well-initialized model should start near ${fmt(d.expectedInitialLoss)} ` +
      `(${d.task === 'regression' ? 'the target variance' : 'ln of the number of classes'}); it is ${fmt(d.initialLoss / d.expectedInitialLoss)}x that. ` +
      (d.recoveredAtStep !== undefined
        ? `The run reached the expected level by step ${d.recoveredAtStep}, so the off start cost only those first steps.`
        : 'A start this far off means the output layer is confidently wrong from the first step (scale of the last layer, its bias, or the targets), which wastes the first part of training or stalls it.'),
    (d) =>
      `The loss at initialization is ${fmt(d.initialLoss)}, ${fmt(d.initialLoss / d.expectedInitialLoss)}x the expected ${fmt(d.expectedInitialLoss)}` +
      (d.recoveredAtStep !== undefined ? `; it recovered by step ${d.recoveredAtStep}.` : '.'),
  ),
});

export const check: Check = {
  meta: {
    ...smokeMeta('initial-loss-off', 'Initial loss far from its expected value', 'check results', 'warning'),
    section: 'loss',
    messages,
    mainRunOnly: true,
  },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    const expected = smoke?.expectedInitialLoss;
    if (!smoke || expected === undefined || !Number.isFinite(expected) || expected <= 0) return [];
    const initial = smoke.initialLoss;
    if (!Number.isFinite(initial)) return [];
    // Karpathy / TheDeepChecker: |L0 - expected| >= expected.
    if (Math.abs(initial - expected) < expected) return [];
    // Severity by evidence: a default-initialized network often starts a few times off (He init on ReLUs
    // starts MSE regressions near 5x the target variance) and is at the expected level within a few steps.
    // Only a start the run does not recover from, within the first half of its steps, is a warning.
    const firstHalf = smoke.loss.slice(0, Math.max(1, Math.ceil(smoke.loss.length / 2)));
    const recoveredAt = firstHalf.findIndex((l) => Number.isFinite(l) && l <= expected);
    const recovered = recoveredAt >= 0;
    return [
      {
        ...(recovered ? { severity: 'notice' as const } : {}),
        message: message(messages, 'initial-loss-off', {
          initialLoss: initial,
          expectedInitialLoss: expected,
          task: evidence.task,
          recoveredAtStep: recovered ? recoveredAt : undefined,
        }),
        fix: 'Check the output layer: initialize it with small weights and a bias at the target mean / class prior, and check that the targets are scaled as declared.',
        key: 'model.layers',
        evidence: { initialLoss: initial, expectedInitialLoss: expected, ratio: initial / expected, recoveredAtStep: recovered ? recoveredAt : undefined },
      },
    ];
  },
};
