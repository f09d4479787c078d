// A regression setup with raw targets around 5000 and no preprocessing, for the fix-run tests: four inputs
// from a seeded stream (mapped by `inputs`), a target that depends on them, and a small relu network.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../src/data/reservoir.ts';

export function writeRawRegressionSetup(root: string, options: { seed: number; inputs: (z: number[]) => number[]; digits: number }): string {
  mkdirSync(path.join(root, 'data'));
  const next = mulberry32(options.seed);
  const rows = ['x0,x1,x2,x3,y'];
  for (let r = 0; r < 300; r++) {
    const z = [next(), next(), next(), next()].map((v) => v * 2 - 1);
    rows.push([...options.inputs(z), 5000 + 1000 * (z[0] - z[1] + 0.5 * z[2] * z[3])].map((v) => v.toFixed(options.digits)).join(','));
  }
  writeFileSync(path.join(root, 'data', 'train.csv'), `${rows.join('\n')}\n`);
  const config = path.join(root, 'raw.preflight.yml');
  writeFileSync(
    config,
    [
      'version: 1',
      'data:',
      '  train: data/train.csv',
      '  targets: [y]',
      'preprocessing: {inputs: none, targets: none}',
      'model:',
      '  layers:',
      '    - {type: dense, units: 32, activation: relu}',
      '    - {type: dense, units: 1}',
      'training: {loss: mse, optimizer: adam, learning_rate: 0.001, batch_size: 32}',
      '',
    ].join('\n'),
  );
  return config;
}
