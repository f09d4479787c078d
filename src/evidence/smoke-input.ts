// The engine's narrow input from the Evidence: the model, the prepared rows and the training settings.
import { prepareData } from '../engine/prepare-data.ts';
import type { SmokeInput } from '../engine/input.ts';
import type { Evidence } from './types.ts';

export function smokeInputOf(evidence: Evidence): SmokeInput {
  const { config, model, task, data } = evidence;
  return {
    model: config.model,
    summary: model,
    task,
    training: config.training,
    data: prepareData({ config, summary: model, train: data?.train.split, validation: data?.validation?.split }),
  };
}
