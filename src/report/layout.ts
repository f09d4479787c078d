// The shape every report shares (text, Markdown, HTML): a verdict, then "Fix first" (each root cause
// with its smallest verified fix, stated once with its measured effect, and the symptoms that fix
// removes), then every other finding on one line. Pure words and numbers; markup stays with the renderers.
import type { Finding } from '../findings/types.ts';
import { finalLossAtStep } from '../follow-ups/finals.ts';
import { fixCheckOf } from './counterfactual.ts';
import { sortFindings as sortBySeverity } from '../findings/severity.ts';
import { formatNumber } from './numbers.ts';
import type { ConfigResult, SmokeSummary } from './types.ts';

/** A finding's one-line sentence is cut here (the contract's bound on `headline`). */
export const HEADLINE_MAX_CHARS = 160;

/** What a verified fix did to the final training loss, in units of the trivial baseline when known. */
export interface FixEffect {
  /** 'baseline' when before/after are multiples of the trivial baseline's loss */
  unit: 'baseline' | 'loss';
  before: number | null;
  after: number | null;
  steps: number;
  seed: number;
  /** the verified set was measured applied with these changes (all suggested fixes) */
  measuredWith?: string[];
}

/** One root cause: the findings one verified config change answers, and the findings that change removes. */
export interface RootCause {
  causes: Finding[];
  /** the config changes to make, together */
  changes: string[];
  effect: FixEffect;
  /** findings the fix run no longer shows (measured, src/fixes/root-causes.ts) */
  symptoms: Finding[];
}

export interface ConfigLayout {
  rootCauses: RootCause[];
  /** every finding that is neither a root cause nor one of their symptoms, most severe first */
  others: Finding[];
}

/** The finding's one sentence: its headline, else the first sentence of its message, never cut mid-word. */
export function headlineOf(finding: Finding): string {
  const given = finding.headline;
  const text = (given && given.trim()) || firstSentence(finding.message);
  return shorten(text.replace(/\s+/g, ' ').trim(), HEADLINE_MAX_CHARS);
}

/** Up to the first sentence end (a `.`, `!` or `?` followed by a space and a capital, digit, quote or code span); "e.g." and "i.e." end none. */
export function firstSentence(text: string): string {
  const end = /[.!?](?=\s+[A-Z0-9`"'(])/g;
  for (let match = end.exec(text); match; match = end.exec(text)) {
    if (/\b(e\.g|i\.e|vs|approx)\.$/i.test(text.slice(0, match.index + 1))) continue;
    return text.slice(0, match.index + 1).trim();
  }
  return text.trim();
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[,;:]$/, '')}…`;
}

/**
 * The fix text without the sentence the fix verification appends (src/fixes/verify.ts): the report
 * states the measured effect once, in "Fix first", instead of under every finding.
 */
export function fixWithoutVerification(finding: Finding): string {
  if (!fixCheckOf(finding)) return finding.fix;
  const at = finding.fix.search(/ (Verified: with |Not verified alone: with )/);
  return at > 0 ? finding.fix.slice(0, at) : finding.fix;
}

function baselineLoss(smoke: SmokeSummary | undefined): number | undefined {
  const baseline = (smoke?.controls as { baseline?: { loss?: unknown } } | undefined)?.baseline?.loss;
  return typeof baseline === 'number' && Number.isFinite(baseline) && baseline > 0 ? baseline : undefined;
}

function effectOf(metric: string, before: number | null, after: number | null, steps: number, seed: number, smoke: SmokeSummary | undefined): FixEffect {
  if (metric === 'loss / baseline') return { unit: 'baseline', before, after, steps, seed };
  const baseline = baselineLoss(smoke);
  const scale = (n: number | null) => (typeof n === 'number' && Number.isFinite(n) && baseline ? n / baseline : n);
  return baseline ? { unit: 'baseline', before: scale(before), after: scale(after), steps, seed } : { unit: 'loss', before, after, steps, seed };
}

export function layoutOf(result: ConfigResult): ConfigLayout {
  const findings = sortBySeverity(result.findings);
  const rootCauses: RootCause[] = [];
  const byChange = new Map<string, RootCause>();
  // Fixes verified alone, one root cause per config change (several findings may share a change).
  for (const finding of findings) {
    const check = fixCheckOf(finding);
    if (!check?.verified) continue;
    const known = byChange.get(check.change);
    if (known) {
      known.causes.push(finding);
      continue;
    }
    const cause: RootCause = {
      causes: [finding],
      changes: [check.change],
      effect: effectOf(check.metric, check.before, check.after, check.steps, check.seed, result.smoke),
      symptoms: [],
    };
    byChange.set(check.change, cause);
    rootCauses.push(cause);
  }
  // Fixes verified only together: one root cause for the smallest set that passed, stated once.
  for (const finding of findings) {
    const check = fixCheckOf(finding);
    const combined = check?.combined;
    if (!check || check.verified || !combined?.verified) continue;
    const minimal = (combined as { minimal?: string[] }).minimal ?? combined.changes;
    if (!minimal.includes(check.change)) continue;
    const key = `together:${minimal.join(' + ')}`;
    const known = byChange.get(key);
    if (known) {
      known.causes.push(finding);
      continue;
    }
    const measuredWith = minimal.length < combined.changes.length ? combined.changes : undefined;
    const cause: RootCause = {
      causes: [finding],
      changes: minimal,
      effect: {
        ...effectOf(combined.metric, combined.before, combined.after, check.steps, check.seed, result.smoke),
        ...(measuredWith ? { measuredWith } : {}),
      },
      symptoms: [],
    };
    byChange.set(key, cause);
    rootCauses.push(cause);
  }
  const placed = new Set(rootCauses.flatMap((cause) => cause.causes));
  // Symptoms nest under the root cause whose fix removes them.
  for (const finding of findings) {
    if (placed.has(finding) || !finding.causedBy) continue;
    const owner = rootCauses.find((cause) => cause.causes.some((c) => c.id === finding.causedBy));
    if (!owner) continue;
    owner.symptoms.push(finding);
    placed.add(finding);
  }
  return { rootCauses, others: findings.filter((finding) => !placed.has(finding)) };
}

/** Every line suggestion that applies a root cause's changes, one per config line. */
export function suggestionsOf(cause: RootCause): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const finding of cause.causes) {
    if (!finding.suggestion) continue;
    const slot = `${finding.file}:${finding.suggestion.line}`;
    if (seen.has(slot)) continue;
    seen.add(slot);
    out.push(finding);
  }
  return out;
}

/** "loss 3.2x the trivial baseline -> 0.15x" or "final loss 1.2e4 -> 0.3", without markup. */
export function describeEffect(effect: FixEffect): string {
  const finite = (n: number | null): n is number => typeof n === 'number' && Number.isFinite(n);
  // A diverged run has no multiple of the baseline: it reads "diverged", without the "×".
  const times = (n: number | null) => (finite(n) ? `${formatNumber(n, 3)}×` : 'diverged');
  const value = (n: number | null) => (finite(n) ? formatNumber(n, 3) : 'diverged');
  const numbers =
    effect.unit === 'baseline'
      ? `loss as a multiple of the trivial baseline ${times(effect.before)} → ${times(effect.after)}`
      : `final loss ${value(effect.before)} → ${value(effect.after)}`;
  const withAll = effect.measuredWith ? `, measured with all ${effect.measuredWith.length} suggested fixes applied` : '';
  return `${numbers} (${effect.steps} steps, seed ${effect.seed}${withAll})`;
}

/** What to do first, for the verdict line: how many verified fixes there are; '' when none. */
export function fixFirstWords(results: readonly ConfigResult[]): string {
  const causes = results.reduce((n, result) => n + layoutOf(result).rootCauses.length, 0);
  if (causes === 0) return '';
  return `${causes} verified fix${causes === 1 ? '' : 'es'} to apply first`;
}

/**
 * The one definition of "final loss" every report uses: the mean training loss over the last 10% of
 * the steps (as the base comparison and the fix checks measure it); Infinity when the run diverged.
 */
export function finalLossOf(loss: readonly number[]): number | undefined {
  return finalLossAtStep(loss, loss.length);
}

export const FINAL_LOSS_DEFINITION = 'final loss = mean of the last 10% of steps';

const LEARNING_RATE_CHECKS = ['learning-rate-too-high', 'learning-rate-too-low'];

/**
 * The one suggested learning rate of a config: a learning-rate finding's (the number its fix and its
 * review suggestion carry), else the range test's when no finding says the rate is wrong.
 */
export function suggestedLearningRate(result: ConfigResult): { value: number; from: 'finding' | 'range-test' } | undefined {
  for (const finding of result.findings) {
    const suggested = finding.evidence?.suggested;
    if (LEARNING_RATE_CHECKS.includes(finding.id) && typeof suggested === 'number' && Number.isFinite(suggested)) return { value: suggested, from: 'finding' };
  }
  const range = result.smoke?.lr_range?.suggested;
  return typeof range === 'number' && Number.isFinite(range) ? { value: range, from: 'range-test' } : undefined;
}

/** The run's facts in one sentence, for the footnote under the chart. */
export function runFactsWords(result: ConfigResult): string | undefined {
  const smoke = result.smoke;
  if (!smoke) return undefined;
  const compiled = smoke.backend_notes?.some((note) => note.startsWith('training step: compiled')) ? ', compiled step' : '';
  const parts = [`Smoke run: ${smoke.backend}${compiled}, ${smoke.steps} steps in ${formatNumber(smoke.seconds, 3)} s`];
  const final = finalLossOf(smoke.loss);
  if (final !== undefined) {
    parts.push(
      `loss ${formatNumber(smoke.loss[0])} at step 1, final loss ${Number.isFinite(final) ? formatNumber(final) : 'diverged'} (mean of the last 10% of steps)`,
    );
  }
  const baseline = baselineLoss(smoke);
  if (baseline !== undefined) parts.push(`trivial baseline ${formatNumber(baseline)}`);
  if (smoke.val_loss.length > 0) parts.push(`last validation loss ${formatNumber(smoke.val_loss[smoke.val_loss.length - 1])}`);
  const rate = suggestedLearningRate(result);
  if (rate) parts.push(`suggested learning rate ${formatNumber(rate.value, 3)}${rate.from === 'range-test' ? ' (range test)' : ''}`);
  else if (smoke.lr_range) parts.push('the learning-rate range test found no rate at which the loss clearly falls');
  return parts.join('; ') + '.';
}
