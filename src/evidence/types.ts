// The one value every check receives.
import type { ConfigSource, PreflightConfig, Task } from '../config/types.ts';
import type { ColumnStats, LoadedSplit } from '../data/types.ts';
import type { ModelSummary } from '../model/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import type { BaseComparison } from './comparison.ts';

export type LabelEncoding = 'continuous' | 'binary' | 'class-ids' | 'one-hot' | 'multi-hot';

export interface LabelSummary {
  encoding: LabelEncoding;
  /** number of target columns (one-hot width, or 1 for class ids) */
  width: number;
  /** distinct class ids when encoding is class-ids/binary, sorted */
  classes?: number[];
  /** count per class (class id, or column index for one-hot) */
  classCounts?: Record<string, number>;
  majorityFraction?: number;
  /** rows with more than one 1 among one-hot/multi-hot columns */
  multiHotRows?: number;
  min: number;
  max: number;
}

/** Feature statistics after the declared preprocessing (what the model actually sees). */
export interface ProcessedFeature {
  name: string;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface SplitEvidence {
  split: LoadedSplit;
  processed: ProcessedFeature[];
}

export interface DataEvidence {
  train: SplitEvidence;
  validation?: SplitEvidence;
  labels: LabelSummary;
  /**
   * The labels as the network sees them after the declared target preprocessing (`targets: one_hot` turns
   * class ids into one-hot rows, `minmax`/`standardize` rescale them). Checks judge these; `labels` stays the
   * file's own encoding. Absent in hand-built evidence, where `labels` stands for both.
   */
  seenLabels?: LabelSummary;
  /** identical (features + targets) rows between the train and validation samples */
  overlap?: { rows: number; validationRows: number; examples: number[] };
  textFeatures: ColumnStats[];
}

export interface Evidence {
  configFile: string;
  source: ConfigSource;
  config: PreflightConfig;
  task: Task;
  taskInferred: boolean;
  model: ModelSummary;
  /** absent when the data could not be loaded (a data-error is reported instead) */
  data?: DataEvidence;
  /** absent with --no-smoke, or when the smoke run could not start */
  smoke?: SmokeTrace;
  /** the same smoke training at the pull request's base (`--base REF`), when one was asked for */
  comparison?: BaseComparison;
}
