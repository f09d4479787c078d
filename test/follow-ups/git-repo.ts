// Scratch git repositories for the comparison tests: files in, commits out, no network.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ScratchRepo {
  root: string;
  write(files: Record<string, string | Buffer>): void;
  commit(message: string): void;
  git(...args: string[]): string;
  dispose(): void;
}

export function scratchRepo(prefix = 'preflight-compare-'): ScratchRepo {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
  git('init', '-q');
  return {
    root,
    git,
    write(files) {
      for (const [rel, content] of Object.entries(files)) {
        const file = path.join(root, rel);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A regression config over `data/train.csv` (target `y`) with the given preprocessing and training lines. */
export function regressionConfig(opts: { inputs?: string; targets?: string; optimizer?: string; learningRate?: number; name?: string } = {}): string {
  return [
    'version: 1',
    `name: ${opts.name ?? 'pair'}`,
    'data:',
    '  train: data/train.csv',
    '  targets: [y]',
    'preprocessing:',
    `  inputs: ${opts.inputs ?? 'standardize'}`,
    `  targets: ${opts.targets ?? 'standardize'}`,
    'model:',
    '  layers:',
    '    - {type: dense, units: 32, activation: relu}',
    '    - {type: dense, units: 1, activation: linear}',
    'training:',
    '  loss: mse',
    `  optimizer: ${opts.optimizer ?? 'adam'}`,
    `  learning_rate: ${opts.learningRate ?? 0.01}`,
    '  batch_size: 32',
    '',
  ].join('\n');
}
