// Builds the one Report value that every renderer (text, markdown, JSON, SARIF, SVG) reads.
import type { Severity } from '../config/types.ts';
import type { Finding } from '../checks/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import { decideConclusion, SEVERITIES } from './conclusion.ts';
import type { ConfigResult, FailOn, Report, SmokeSummary } from './types.ts';

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
export function smokeSummary(trace: SmokeTrace): SmokeSummary {
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
  };
  if (lrRange) {
    summary.lr_range = { lrs: [...lrRange.lrs], losses: [...lrRange.losses], suggested: lrRange.suggestedLr };
  }
  return summary;
}
