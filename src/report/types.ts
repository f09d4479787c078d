import type { Severity } from '../config/types.ts';
import type { Finding } from '../checks/types.ts';
import type { BaseComparison } from '../evidence/comparison.ts';

export type FailOn = Severity | 'never';
export type Conclusion = 'success' | 'failure';

/** The part of the smoke trace that reports show (JSON `smoke`). */
export interface SmokeSummary {
  backend: string;
  /** how the backend was chosen (fallbacks taken, SIMD): nothing falls back silently */
  backend_notes?: string[];
  steps: number;
  seconds: number;
  steps_per_second: number;
  loss: number[];
  val_loss: number[];
  val_steps: number[];
  lr_range?: { lrs: number[]; losses: number[]; suggested: number };
  controls?: Record<string, unknown>;
}

export interface ConfigResult {
  config: string;
  name: string;
  findings: Finding[];
  smoke?: SmokeSummary;
  /** the smoke training compared with the config's version at a base ref (`--base`) */
  comparison?: BaseComparison;
  /** the config's `watch:` globs: files whose change on a pull request re-checks it */
  watch?: string[];
}

export interface Report {
  tool: { name: 'nn-preflight'; version: string };
  results: ConfigResult[];
  failOn: FailOn;
  conclusion: Conclusion;
  /** counts by severity over all results */
  counts: Record<Severity, number>;
}
