// `nn-preflight check --base REF` as a user runs it: the built CLI in a scratch git repository whose
// last commit breaks a clean config. One run, three outputs: the markdown on stdout, report.json and
// the SVG loss chart from --out.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SHARED_CASES_DIR } from '../shared-dir.ts';
import { regressionConfig, scratchRepo, type ScratchRepo } from './git-repo.ts';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');
const rows = readFileSync(path.join(SHARED_CASES_DIR, 'regression-raw-units/data/train.csv'), 'utf8').split('\n').slice(0, 301).join('\n') + '\n';

describe('nn-preflight check --base on a pull request that breaks training', () => {
  let repo: ScratchRepo;
  let out: string;
  let result: SpawnSyncReturns<string>;
  before(() => {
    repo = scratchRepo('preflight-cli-base-');
    repo.write({ 'data/train.csv': rows, 'model.preflight.yml': regressionConfig({ optimizer: 'sgd', learningRate: 0.01 }) });
    repo.commit('base');
    repo.write({ 'model.preflight.yml': regressionConfig({ optimizer: 'sgd', learningRate: 3.0 }) });
    repo.commit('head: a learning rate 300x higher');
    out = mkdtempSync(path.join(os.tmpdir(), 'preflight-cli-base-out-'));
    result = spawnSync(process.execPath, [cli, 'check', 'model.preflight.yml', '--base', 'HEAD~1', '--steps', '60', '--format', 'markdown', '--out', out], {
      cwd: repo.root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  });
  after(() => {
    repo?.dispose();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('fails on the head diverging, and report.json says the head trains worse than HEAD~1', () => {
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    const [config] = report.results;
    assert.deepEqual(
      [config.comparison.ref, config.comparison.status, config.comparison.source, config.comparison.verdict],
      ['HEAD~1', 'compared', 'git', 'regression'],
    );
    const ids = config.findings.map((f: { id: string }) => f.id);
    assert.ok(ids.includes('training-regression'), ids.join(', '));
    assert.ok(!ids.includes('training-improvement'));
    assert.deepEqual(
      config.comparison.changes.map((c: { key: string; base: string; head: string }) => [c.key, c.base, c.head]),
      [['training.learning_rate', '0.01', '3']],
    );
  });

  it('prints markdown whose loss chart draws the base curve beside the head', () => {
    const chart = /```mermaid\n([\s\S]*?)```/.exec(result.stdout);
    assert.ok(chart, 'a Mermaid chart in the markdown');
    assert.equal(chart[1].match(/^ {2}line \[/gm)?.length, 2, 'two lines: head and base');
    assert.match(result.stdout, /grey: training loss at HEAD\\~1 \(base\)/);
    assert.match(result.stdout, /\*\*Compared with base <code>HEAD\\~1<\/code>:\*\* 🔺 trains \*\*worse\*\*/);
  });

  it('writes an SVG loss chart with the base series', () => {
    const svg = readFileSync(path.join(out, 'loss-pair.svg'), 'utf8');
    assert.match(svg, /training at base HEAD~1/);
  });
});
