// Proves suggested fixes: the fixed variant trains on the same sample with the same seed, and the
// fix is "verified" only when its final loss is finite and at most half the original's (half its own
// start when the original diverged: not diverging is not yet training).
import type { Finding } from '../checks/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import { fmt } from '../checks/shared.ts';
import { lossUnitsDiffer, metricFinal } from './finals.ts';
import { runSmokes, type FollowUpBudget } from './smoke-runs.ts';
import { fixVariantFor, type FixVariant } from '../fixes/transforms.ts';
import { variantEvidence } from '../evidence/variant.ts';
import { linkRootCauses } from './root-causes.ts';
import { fromStartWords, originalDiverged, VERIFIED_MAX_RATIO, verifiedBarWords } from './verified-bar.ts';

/** Variants run per config: the most severe findings first. */
export const MAX_FIX_CHECKS = 3;
/** Before and after are compared over at most this many steps (fewer when the main run was shorter). */
export const FIX_STEPS_CAP = 100;
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
  /** the fixed run's loss at its first step: the bar when the original diverged */
  afterStart: number;
  verified: boolean;
  /** training loss per step (downsampled), in the metric's units */
  curve: { steps: number[]; before: number[]; after: number[] };
  /** when this fix alone was not verified: every suggested fix applied together */
  combined?: CombinedFixCheck;
}

export interface CombinedFixCheck {
  changes: string[];
  metric: 'loss' | 'loss / baseline';
  before: number;
  after: number;
  afterStart: number;
  verified: boolean;
  /**
   * When the combination is verified: the smallest set of its changes that still passes the verified bar,
   * found by dropping each change in turn (and keeping it dropped when the rest still passes).
   */
  minimal?: string[];
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
  const outcomes = await runSmokes(
    list.map((c) => ({ evidence: c.evidence, seed: main.seed, steps })),
    budget,
  );
  const checked = new Map<Finding, FixCheck>();
  list.forEach((candidate, i) => {
    const outcome = outcomes[i];
    const fixCheck = outcome.ok ? measure(evidence, candidate.variant, outcome.trace, steps) : undefined;
    if (fixCheck) for (const finding of candidate.findings) checked.set(finding, fixCheck);
  });
  // Fixes for setups broken in several ways often help only together (raw inputs and raw targets).
  const unproven = list.filter((c) => !checked.get(c.findings[0])?.verified);
  if (list.length >= 2 && unproven.length > 0) {
    const combined = await runCombined(evidence, list, steps, budget);
    if (combined) {
      for (const candidate of unproven) {
        for (const finding of candidate.findings) {
          const solo = checked.get(finding);
          if (solo) checked.set(finding, { ...solo, combined });
        }
      }
    }
  }
  // Root causes: a verified fix whose run no longer shows another finding makes that finding its symptom.
  const verifiedRuns = list.flatMap((candidate, i) => {
    const outcome = outcomes[i];
    return outcome.ok && checked.get(candidate.findings[0])?.verified
      ? [{ causes: candidate.findings, evidence: candidate.evidence, trace: outcome.trace }]
      : [];
  });
  const linked = linkRootCauses(findings, verifiedRuns);
  return linked.map((finding, i) => {
    const fixCheck = checked.get(findings[i]);
    return fixCheck ? withFixCheck(finding, fixCheck) : finding;
  });
}

/** Before and after of one variant, in the loss's own units or, when those change, as a share of each baseline. */
function measure(evidence: Evidence, variant: FixVariant, trace: SmokeTrace, steps: number): FixCheck | undefined {
  const main = evidence.smoke!;
  const relative = lossUnitsDiffer(evidence.config, variant.config);
  const before = metricFinal(main, steps, relative);
  const after = metricFinal(trace, steps, relative);
  if (before === undefined || after === undefined) return undefined;
  const scale = (baseline: number) => (relative ? 1 / baseline : 1);
  const afterStart = trace.loss.length > 0 ? trace.loss[0] * scale(trace.controls.baseline.loss) : Number.NaN;
  return {
    change: variant.change,
    seed: main.seed,
    steps,
    metric: relative ? 'loss / baseline' : 'loss',
    before,
    after,
    afterStart,
    verified: isVerified(before, after, afterStart),
    curve: curvePair(main.loss.slice(0, steps), trace.loss.slice(0, steps), scale(main.controls.baseline.loss), scale(trace.controls.baseline.loss)),
  };
}

export function isVerified(before: number, after: number, afterStart: number): boolean {
  if (!Number.isFinite(after)) return false;
  // A diverged original sets no bar: a fix that only slows the blow-up (1e12 -> 1e22) must not pass.
  const bar = originalDiverged(before) ? afterStart : before;
  return after <= bar * VERIFIED_MAX_RATIO;
}

/** The fixes of `subset` applied one after another, as one variant; undefined when none applies. */
function combinedVariant(evidence: Evidence, subset: Candidate[]): { evidence: Evidence; config: Evidence['config']; changes: string[] } | undefined {
  let current = evidence;
  let config = evidence.config;
  const changes: string[] = [];
  for (const candidate of subset) {
    const variant = fixVariantFor(current, candidate.findings[0]);
    const next = variant && variantEvidence(current, variant.config, variant.splits);
    if (!variant || !next) continue;
    current = next;
    config = variant.config;
    changes.push(variant.change);
  }
  return changes.length > 0 ? { evidence: current, config, changes } : undefined;
}

async function measureCombined(evidence: Evidence, subset: Candidate[], steps: number, budget: FollowUpBudget): Promise<CombinedFixCheck | undefined> {
  const combined = combinedVariant(evidence, subset);
  if (!combined) return undefined;
  const [outcome] = await runSmokes([{ evidence: combined.evidence, seed: evidence.smoke!.seed, steps }], budget);
  const measured = outcome.ok ? measure(evidence, { change: combined.changes.join(' + '), config: combined.config }, outcome.trace, steps) : undefined;
  if (!measured) return undefined;
  const { metric, before, after, afterStart, verified } = measured;
  return { changes: combined.changes, metric, before, after, afterStart, verified };
}

/**
 * Every fix applied together, as one variant; undefined when fewer than two apply or the run fails. When it
 * is verified, each change is dropped in turn and stays dropped when the rest still passes the bar, so the
 * user applies only what is needed.
 */
async function runCombined(evidence: Evidence, list: Candidate[], steps: number, budget: FollowUpBudget): Promise<CombinedFixCheck | undefined> {
  if ((combinedVariant(evidence, list)?.changes.length ?? 0) < 2) return undefined;
  const all = await measureCombined(evidence, list, steps, budget);
  if (!all || !all.verified) return all;
  let kept = [...list];
  for (const candidate of list) {
    if (kept.length <= 1) break;
    const without = kept.filter((c) => c !== candidate);
    const trial = await measureCombined(evidence, without, steps, budget);
    // A run the budget refused proves nothing: the change stays.
    if (trial?.verified) kept = without;
  }
  return { ...all, minimal: combinedVariant(evidence, kept)?.changes ?? all.changes };
}

function withFixCheck(finding: Finding, fixCheck: FixCheck): Finding {
  return { ...finding, fix: `${finding.fix} ${describeFixCheck(fixCheck)}`, evidence: { ...finding.evidence, fix_check: fixCheck } };
}

/** One sentence for the fix text: what ran, and what it showed. */
export function describeFixCheck(fixCheck: FixCheck): string {
  const value = (n: number) => (Number.isFinite(n) ? fmt(n) : 'diverged');
  const numbers = `final ${fixCheck.metric} ${value(fixCheck.before)} -> ${value(fixCheck.after)}${fromStartWords(fixCheck, value)} (same sample, seed ${fixCheck.seed}, ${fixCheck.steps} steps)`;
  if (fixCheck.verified) return `Verified: with ${fixCheck.change} the smoke run trains better, ${numbers}.`;
  const alone = `Not verified alone: with ${fixCheck.change} the smoke run did not clearly train better, ${numbers}; ${verifiedBarWords(originalDiverged(fixCheck.before))}.`;
  const combined = fixCheck.combined;
  if (!combined) return alone;
  const together = `final ${combined.metric} ${value(combined.before)} -> ${value(combined.after)}${fromStartWords(combined, value)}`;
  const minimal =
    combined.minimal && combined.minimal.length < combined.changes.length ? ` The smallest set that still passes: ${combined.minimal.join(' + ')}.` : '';
  return combined.verified
    ? `${alone} Verified together with the other fixes (${combined.changes.join(' + ')}): ${together}.${minimal}`
    : `${alone} Not verified together with the other fixes either (${combined.changes.join(' + ')}): ${together}.`;
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
