import type { Severity } from '../config/types.ts';
import type { Finding } from '../findings/types.ts';
import type { BaseComparison } from '../evidence/comparison.ts';
import type { DataCharts } from './chart-data.ts';

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
  lr_range?: { lrs: number[]; losses: number[]; suggested: number; best?: number; diverged_at?: number };
  controls?: Record<string, unknown>;
  // Chart-ready run data, so that the HTML page and the evidence charts draw from the report alone.
  // Absent in reports written before they were added; renderers draw what there is.
  /** the configured loss, named on the loss axes */
  loss_name?: string;
  planned_steps?: number;
  batch_size?: number;
  learning_rate?: number;
  seed?: number;
  initial_loss?: number;
  /** the loss a well-initialized model should start at, when known */
  expected_initial_loss?: number;
  first_non_finite?: { step: number; where: string; layer?: string };
  /** the steps at which the layers were probed */
  probe_steps?: number[];
  /** per-layer probes, input to output */
  layers?: LayerProbeSeries[];
  /** one batch through the model at initialization */
  init?: { layer_names: string[]; activation_std: number[]; grad_norm: number[] };
}

/** One layer's probes in a smoke summary: values per probe step, and unit shares at the last probe. */
export interface LayerProbeSeries {
  name: string;
  grad_norm: number[];
  update_ratio: number[];
  dead_fraction?: number;
  saturated_fraction?: number;
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
  /** findings silenced by a `# nn-preflight-disable-next-line` comment: shown with their reason, not counted toward fail-on */
  suppressed?: SuppressedFinding[];
  /** what the data sections of the HTML page and the Mermaid feature-scale chart draw (chart-data.ts) */
  dataCharts?: DataCharts;
}

/** A finding a config's disable comment silenced, with the comment's reason and line. */
export type SuppressedFinding = Finding & { suppression: { reason: string; line: number } };

export interface Report {
  tool: { name: 'nn-preflight'; version: string };
  results: ConfigResult[];
  failOn: FailOn;
  conclusion: Conclusion;
  /** counts by severity over all results */
  counts: Record<Severity, number>;
}
