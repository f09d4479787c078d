// Builds the one Report value that every renderer (text, markdown, JSON, SARIF, SVG) reads.
import type { Severity } from '../config/types.ts';
import type { Finding } from '../findings/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import { decideConclusion, SEVERITIES } from './conclusion.ts';
import type { ConfigResult, FailOn, LayerProbeSeries, Report, SmokeSummary } from './types.ts';

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export function allFindings(results: readonly ConfigResult[]): Finding[] {
  return results.flatMap((result) => result.findings);
}

export function buildReport(results: ConfigResult[], failOn: FailOn, version: string): Report {
  const findings = allFindings(results);
  return {
    tool: { name: 'nn-preflight', version },
    results,
    failOn,
    conclusion: decideConclusion(findings, failOn),
    counts: countBySeverity(findings),
  };
}

/** "2 errors, 1 warning, 0 notices" */
export function describeCounts(counts: Record<Severity, number>): string {
  return SEVERITIES.map((severity) => {
    const n = counts[severity];
    return `${n} ${severity}${n === 1 ? '' : 's'}`;
  }).join(', ');
}

/**
 * The part of the smoke trace a report shows. `val_steps` pairs each validation loss with its
 * probe step; the LR range test moves to `lr_range` because it is charted on its own panel.
 */
export function smokeSummary(trace: SmokeTrace, lossName?: string): SmokeSummary {
  const { lrRange, ...otherControls } = trace.controls;
  const summary: SmokeSummary = {
    backend: trace.backend,
    backend_notes: trace.backendNotes,
    steps: trace.steps,
    seconds: trace.seconds,
    steps_per_second: trace.stepsPerSecond,
    loss: [...trace.loss],
    val_loss: [...trace.valLoss],
    val_steps: trace.valLoss.length > 0 ? trace.probeSteps.slice(0, trace.valLoss.length) : [],
    controls: { ...otherControls },
    planned_steps: trace.plannedSteps,
    batch_size: trace.batchSize,
    learning_rate: trace.learningRate,
    seed: trace.seed,
    initial_loss: trace.initialLoss,
    probe_steps: [...trace.probeSteps],
    layers: trace.layers.map((layer) => {
      const probes: LayerProbeSeries = { name: layer.name, grad_norm: [...layer.gradNorm], update_ratio: [...layer.updateRatio] };
      if (layer.deadFraction !== undefined) probes.dead_fraction = layer.deadFraction;
      if (layer.saturatedFraction !== undefined) probes.saturated_fraction = layer.saturatedFraction;
      return probes;
    }),
    init: { layer_names: [...trace.init.layerNames], activation_std: [...trace.init.activationStd], grad_norm: [...trace.init.gradNorm] },
  };
  if (lossName !== undefined) summary.loss_name = lossName;
  if (trace.expectedInitialLoss !== undefined) summary.expected_initial_loss = trace.expectedInitialLoss;
  if (trace.firstNonFinite) summary.first_non_finite = { ...trace.firstNonFinite };
  if (lrRange) {
    summary.lr_range = { lrs: [...lrRange.lrs], losses: [...lrRange.losses], suggested: lrRange.suggestedLr, best: lrRange.bestLr };
    if (lrRange.divergedAt !== undefined) summary.lr_range.diverged_at = lrRange.divergedAt;
  }
  return summary;
}
