// Proves suggested fixes: the fixed variant trains on the same sample with the same seed, and the
// fix is "verified" only when its final loss is finite and at most half the original's.
import type { Finding } from '../checks/types.ts';
import type { Evidence } from '../evidence/types.ts';
import { fmt } from '../checks/shared.ts';
import { lossUnitsDiffer, metricFinal } from '../compare/finals.ts';
import { runSmokes, type FollowUpBudget } from '../compare/smoke-runs.ts';
import { fixVariantFor, type FixVariant } from './transforms.ts';
import { variantEvidence } from './variant.ts';

/** Variants run per config: the most severe findings first. */
export const MAX_FIX_CHECKS = 3;
/** Before and after are compared over at most this many steps (fewer when the main run was shorter). */
export const FIX_STEPS_CAP = 100;
/**
 * A fix is verified when its final loss is at most this share of the original's. Three seeds of the
 * same clean setup end up to 1.5x apart (regression-clean: 0.060 to 0.088), so anything short of a
 * halving could be seed luck.
 */
export const VERIFIED_MAX_RATIO = 0.5;
/** Points kept per curve in the evidence (enough for a small chart). */
const CURVE_POINTS = 50;

/** What `evidence.fix_check` holds. */
export interface FixCheck {
  change: string;
  seed: number;
  steps: number;
  metric: 'loss' | 'loss / baseline';
  /** final loss without and with the fix (Infinity / null in JSON when the run diverged) */
  before: number;
  after: number;
  verified: boolean;
  /** training loss per step (downsampled), in the metric's units */
  curve: { steps: number[]; before: number[]; after: number[] };
}

interface Candidate {
  variant: FixVariant;
  evidence: Evidence;
  findings: Finding[];
}

/**
 * Runs the fixed variant of each warning or error whose fix is a config change (at most 3 distinct
 * changes) and returns the findings with `evidence.fix_check` set and the fix text saying whether
 * it was verified. Findings without a runnable fix come back unchanged.
 */
export async function verifyFixes(evidence: Evidence, findings: readonly Finding[], budget: FollowUpBudget): Promise<Finding[]> {
  const main = evidence.smoke;
  if (!main || main.steps < 1) return [...findings];
  // Planned steps: a main run that diverged stopped early and counts as diverged.
  const steps = Math.min(main.plannedSteps, FIX_STEPS_CAP);
  const candidates = new Map<string, Candidate>();
  for (const finding of findings) {
    if (finding.severity === 'notice') continue;
    const variant = fixVariantFor(evidence, finding);
    if (!variant) continue;
    const known = candidates.get(variant.change);
    if (known) {
      known.findings.push(finding);
      continue;
    }
    if (candidates.size >= MAX_FIX_CHECKS) continue;
    const fixedEvidence = variantEvidence(evidence, variant.config, variant.splits);
    if (fixedEvidence) candidates.set(variant.change, { variant, evidence: fixedEvidence, findings: [finding] });
  }
  if (candidates.size === 0) return [...findings];

  const list = [...candidates.values()];
  const outcomes = await runSmokes(list.map((c) => ({ evidence: c.evidence, seed: main.seed, steps })), budget);
  const checked = new Map<Finding, FixCheck>();
  list.forEach((candidate, i) => {
    const outcome = outcomes[i];
    if (!outcome.ok) return;
    const relative = lossUnitsDiffer(evidence.config, candidate.variant.config);
    const before = metricFinal(main, steps, relative);
    const after = metricFinal(outcome.trace, steps, relative);
    if (before === undefined || after === undefined) return;
    const verified = Number.isFinite(after) && (!Number.isFinite(before) || after <= before * VERIFIED_MAX_RATIO);
    const scale = (baseline: number) => (relative ? 1 / baseline : 1);
    const fixCheck: FixCheck = {
      change: candidate.variant.change,
      seed: main.seed,
      steps,
      metric: relative ? 'loss / baseline' : 'loss',
      before,
      after,
      verified,
      curve: curvePair(main.loss.slice(0, steps), outcome.trace.loss.slice(0, steps), scale(main.controls.baseline.loss), scale(outcome.trace.controls.baseline.loss)),
    };
    for (const finding of candidate.findings) checked.set(finding, fixCheck);
  });
  return findings.map((finding) => {
    const fixCheck = checked.get(finding);
    return fixCheck ? withFixCheck(finding, fixCheck) : finding;
  });
}

function withFixCheck(finding: Finding, fixCheck: FixCheck): Finding {
  return { ...finding, fix: `${finding.fix} ${describeFixCheck(fixCheck)}`, evidence: { ...finding.evidence, fix_check: fixCheck } };
}

/** One sentence for the fix text: what ran, and what it showed. */
export function describeFixCheck(fixCheck: FixCheck): string {
  const value = (n: number) => (Number.isFinite(n) ? fmt(n) : 'diverged');
  const numbers = `final ${fixCheck.metric} ${value(fixCheck.before)} -> ${value(fixCheck.after)} (same sample, seed ${fixCheck.seed}, ${fixCheck.steps} steps)`;
  return fixCheck.verified
    ? `Verified: with ${fixCheck.change} the smoke run trains better, ${numbers}.`
    : `Not verified: with ${fixCheck.change} the smoke run did not clearly train better, ${numbers}.`;
}

function curvePair(before: number[], after: number[], beforeScale: number, afterScale: number): FixCheck['curve'] {
  const length = Math.max(before.length, after.length);
  const every = Math.max(1, Math.ceil(length / CURVE_POINTS));
  const indices: number[] = [];
  for (let i = 0; i < length; i += every) indices.push(i);
  if (length > 0 && indices[indices.length - 1] !== length - 1) indices.push(length - 1);
  const at = (curve: number[], scale: number) => indices.map((i) => (i < curve.length ? curve[i] * scale : Number.NaN));
  // Step numbers count from 1, as in the loss charts.
  return { steps: indices.map((i) => i + 1), before: at(before, beforeScale), after: at(after, afterScale) };
}
