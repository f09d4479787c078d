// What the engine takes from the rest of the tool, kept free of TensorFlow.js so that the main thread
// can build it without loading the engine.
import type { ModelSpec, PreflightConfig, Task } from '../config/types.ts';
import type { ModelSummary } from '../model/types.ts';
import type { PrepareResult } from './prepare-data.ts';

/** The rows one training step takes: the configured batch size, at most the rows there are, at least one. */
export function batchSizeFor(batchSize: number, rows: number): number {
  return Math.max(1, Math.min(batchSize, rows));
}

/** The configured training: loss, optimizer, learning rate, batch size and the rest of `training:`. */
export type TrainingSettings = PreflightConfig['training'];

/**
 * Everything a smoke run trains with, and nothing else: the model as configured and as inferred, the
 * task, the training settings and the sampled rows after the declared preprocessing (or why there are
 * none). The worker gets this value, not the config and its data statistics.
 */
export interface SmokeInput {
  model: ModelSpec;
  summary: ModelSummary;
  task: Task;
  training: TrainingSettings;
  data: PrepareResult;
}
