// Reads a labelled example case (shared/cases/<name>) into Evidence for engine tests: a tiny CSV parser
// and a direct reading of the dense-only `model.layers` those cases use. Not the real config loader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { InitializerSpec, LayerSpec } from '../../src/config/types.ts';
import type { Evidence } from '../../src/evidence/types.ts';
import { makeEvidence } from './fixtures.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

export const CASES_DIR = SHARED_CASES_DIR;

interface CaseYaml {
  preprocessing?: { inputs?: 'none' | 'standardize' | 'minmax'; targets?: 'none' | 'standardize' | 'minmax' };
  data: { train: string; targets: string[] };
  model: { layers: Record<string, unknown>[] };
  training: { loss: string; optimizer: string; learning_rate: number; batch_size?: number };
}

const LOSS_NAMES: Record<string, string> = { mse: 'mean_squared_error', mae: 'mean_absolute_error' };

export function loadCase(name: string, steps: number): Evidence {
  const dir = join(CASES_DIR, name);
  const config = parse(readFileSync(join(dir, 'preflight.yml'), 'utf8')) as CaseYaml;
  const [header, ...lines] = readFileSync(join(dir, config.data.train), 'utf8').trim().split('\n');
  const columns = header.split(',');
  const targetIndex = columns.indexOf(config.data.targets[0]);
  const rows = lines.map((line) => line.split(',').map(Number));
  const features = columns.length - 1;
  const x = Float32Array.from(rows.flatMap((r) => r.filter((_, i) => i !== targetIndex)));
  const y = Float32Array.from(rows.map((r) => r[targetIndex]));
  const layers = config.model.layers.map(
    (l): LayerSpec => ({
      type: l.type as LayerSpec['type'],
      name: String(l.type),
      units: l.units as number | undefined,
      activation: (l.activation as string | undefined) ?? 'linear',
      kernel_initializer: l.kernel_initializer as InitializerSpec | undefined,
      bias_initializer: l.bias_initializer as InitializerSpec | undefined,
      rate: l.rate as number | undefined,
    }),
  );
  return makeEvidence({
    x,
    y,
    features,
    layers,
    steps,
    loss: LOSS_NAMES[config.training.loss] ?? config.training.loss,
    optimizer: config.training.optimizer,
    learningRate: config.training.learning_rate,
    batchSize: config.training.batch_size ?? 32,
    inputs: config.preprocessing?.inputs ?? 'none',
    targets: config.preprocessing?.targets ?? 'none',
  });
}
