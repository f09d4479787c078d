// Pairs of configs in scratch git repositories, through the real pipeline with short smoke runs:
// a clean config broken by a change is a training-regression, a broken one repaired is a
// training-improvement, fixes are proven by a counterfactual run, and the chart shows both curves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runOneConfig, type ConfigRun } from '../../src/pipeline.ts';
import type { CheckOptions } from '../../src/run-settings.ts';
import { buildReport } from '../../src/report/build.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { parseReportJson, renderJson } from '../../src/report/json.ts';
import type { Finding } from '../../src/checks/types.ts';
import { regressionConfig, scratchRepo, type ScratchRepo } from './git-repo.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const CASES = SHARED_CASES_DIR;
const rawRows = readFileSync(path.join(CASES, 'regression-raw-units/data/train.csv'), 'utf8').split('\n').slice(0, 301).join('\n') + '\n';
const STEPS = 60;

function options(repo: ScratchRepo, config: string): CheckOptions {
  return { root: repo.root, configs: [config], smoke: true, steps: STEPS, seed: 0, timeBudgetS: 150, backend: 'auto', failOn: 'error', base: 'HEAD~1' };
}

async function runPair(baseText: string, headText: string): Promise<{ repo: ScratchRepo; run: ConfigRun }> {
  const repo = scratchRepo();
  repo.write({ 'data/train.csv': rawRows, 'model.preflight.yml': baseText });
  repo.commit('base');
  repo.write({ 'model.preflight.yml': headText });
  repo.commit('head');
  const config = path.join(repo.root, 'model.preflight.yml');
  return { repo, run: await runOneConfig(config, options(repo, config)) };
}

function find(findings: Finding[], id: string): Finding | undefined {
  return findings.find((f) => f.id === id);
}

describe('a clean config broken by the pull request', () => {
  let pair: { repo: ScratchRepo; run: ConfigRun };
  before(async () => {
    pair = await runPair(regressionConfig({ optimizer: 'sgd', learningRate: 0.01 }), regressionConfig({ optimizer: 'sgd', learningRate: 3.0 }));
  });
  after(() => pair?.repo.dispose());

  it('reports training-regression with both sides measured on three seeds', () => {
    const { result } = pair.run;
    const regression = find(result.findings, 'training-regression');
    assert.ok(regression, `expected training-regression, got ${result.findings.map((f) => f.id).join(', ')}`);
    assert.equal(regression.severity, 'warning');
    assert.equal(find(result.findings, 'training-improvement'), undefined);
    const comparison = result.comparison!;
    assert.equal(comparison.status, 'compared');
    assert.equal(comparison.verdict, 'regression');
    assert.deepEqual(comparison.seeds, [0, 1, 2]);
    assert.equal(comparison.base!.finals.length, 3);
    assert.ok(comparison.base!.finals.every(Number.isFinite), `base finals ${comparison.base!.finals}`);
    assert.ok(
      comparison.head!.finals.some((v) => !Number.isFinite(v)),
      'the head diverges',
    );
  });

  it('names the changed key with its base and head values, and points the finding at it', () => {
    const { result } = pair.run;
    const change = result.comparison!.changes.find((c) => c.key === 'training.learning_rate');
    assert.deepEqual({ base: change?.base, head: change?.head }, { base: '0.01', head: '3' });
    const regression = find(result.findings, 'training-regression')!;
    assert.equal(regression.key, 'training.learning_rate');
    assert.equal(regression.line, 16);
    assert.match(regression.suggestion?.replacement ?? '', /learning_rate: 0\.01/);
  });

  it('proves the learning-rate fix with a counterfactual run on the same seed', () => {
    const finding = find(pair.run.result.findings, 'learning-rate-too-high');
    assert.ok(finding);
    const fixCheck = finding.evidence.fix_check as { verified: boolean; before: number; after: number; change: string };
    assert.ok(fixCheck, 'fix_check evidence');
    assert.equal(fixCheck.before, Number.POSITIVE_INFINITY);
    assert.ok(Number.isFinite(fixCheck.after));
    assert.equal(fixCheck.verified, true);
    assert.match(fixCheck.change, /^training\.learning_rate: /);
    assert.match(finding.fix, /Verified/);
  });

  it('confirms the divergence error on a second seed', () => {
    const finding = find(pair.run.result.findings, 'non-finite-loss');
    assert.ok(finding);
    assert.equal(finding.severity, 'error');
    assert.deepEqual((finding.evidence.seed_check as { seed: number; reproduced: boolean }).reproduced, true);
  });

  it('draws the base and head curves in one Mermaid chart and keeps the comparison in the JSON report', () => {
    const report = buildReport([pair.run.result], 'error', 'test');
    const markdown = renderMarkdown(report, { mermaid: true });
    const chart = markdown.split('```mermaid').find((block) => block.includes('title "Loss: pair"'));
    assert.ok(chart, 'the loss chart');
    const lines = chart
      .split('```')[0]
      .split('\n')
      .filter((line) => line.trim().startsWith('line ['));
    assert.equal(lines.length, 2, 'head and base training loss');
    assert.match(markdown, /grey: training loss at HEAD\\?~1 \(base\)/, 'the caption names the base line');
    assert.match(markdown, /Compared with base <code>HEAD\\?~1<\/code>/);
    assert.match(markdown, /✅ verified:/);
    const reread = parseReportJson(renderJson(report));
    assert.ok(!('error' in reread), 'error' in reread ? reread.error : '');
    assert.equal(reread.results[0].comparison?.verdict, 'regression');
  });
});

describe('a broken config repaired by the pull request', () => {
  let pair: { repo: ScratchRepo; run: ConfigRun };
  before(async () => {
    pair = await runPair(regressionConfig({ inputs: 'none', targets: 'none' }), regressionConfig({ inputs: 'standardize', targets: 'standardize' }));
  });
  after(() => pair?.repo.dispose());

  it('reports training-improvement, compared as a share of each trivial baseline since the targets changed', () => {
    const { result } = pair.run;
    const improvement = find(result.findings, 'training-improvement');
    assert.ok(improvement, `expected training-improvement, got ${result.findings.map((f) => f.id).join(', ')}`);
    assert.equal(improvement.severity, 'notice');
    assert.equal(find(result.findings, 'training-regression'), undefined);
    const comparison = result.comparison!;
    assert.equal(comparison.metric, 'loss / baseline');
    assert.equal(comparison.scale, 'log');
    assert.ok(comparison.ratio! < Math.exp(-comparison.threshold!), `ratio ${comparison.ratio} against the bar x${Math.exp(comparison.threshold!)}`);
  });

  it('lists both changed keys, each with the head loss when only that key is reverted', () => {
    const changes = pair.run.result.comparison!.changes;
    assert.deepEqual(changes.map((c) => c.key).sort(), ['preprocessing.inputs', 'preprocessing.targets']);
    for (const change of changes) assert.ok(Number.isFinite(change.revertedFinal), `${change.key} measured on its own`);
    // Reverting either key alone makes the head worse again.
    const head = pair.run.result.comparison!.head!.finals[0];
    for (const change of changes) assert.ok(change.revertedFinal! > head, `${change.key}: ${change.revertedFinal} > ${head}`);
  });
});

describe('a pull request that drops input scaling and raises the learning rate, with a noisy head', () => {
  let pair: { repo: ScratchRepo; run: ConfigRun };
  before(async () => {
    pair = await runPair(regressionConfig({ inputs: 'standardize', learningRate: 0.01 }), regressionConfig({ inputs: 'none', learningRate: 0.5 }));
  });
  after(() => pair?.repo.dispose());

  it("reports training-regression although the head's own seeds scatter widely in raw units", () => {
    const comparison = pair.run.result.comparison!;
    assert.equal(comparison.verdict, 'regression', JSON.stringify({ base: comparison.base?.finals, head: comparison.head?.finals }));
    assert.equal(comparison.scale, 'log');
    assert.ok(comparison.ratio! > Math.exp(comparison.threshold!));
    assert.ok(find(pair.run.result.findings, 'training-regression'));
  });
});

describe('comparisons that need not or cannot run', () => {
  const quick = (repo: ScratchRepo, config: string): CheckOptions => ({ ...options(repo, config), steps: 20, verify: false });
  const comparisonOf = async (repo: ScratchRepo, file = 'model.preflight.yml') => {
    const config = path.join(repo.root, file);
    return (await runOneConfig(config, quick(repo, config))).result;
  };
  const repos: ScratchRepo[] = [];
  const repoWith = (base: Record<string, string>, head: Record<string, string>) => {
    const repo = scratchRepo();
    repos.push(repo);
    repo.write(base);
    repo.commit('base');
    repo.write(head);
    repo.commit('head');
    return repo;
  };
  after(() => repos.forEach((repo) => repo.dispose()));

  it('calls an untouched config and data unchanged, without training the base', async () => {
    const repo = repoWith({ 'data/train.csv': rawRows, 'model.preflight.yml': regressionConfig() }, { 'README.md': 'other change\n' });
    const result = await comparisonOf(repo);
    assert.equal(result.comparison?.status, 'unchanged');
    assert.equal(result.comparison?.source, 'git');
    assert.equal(result.comparison?.base, undefined, 'no base run');
    assert.equal(find(result.findings, 'training-regression'), undefined);
  });

  it('calls a config the pull request adds new', async () => {
    const repo = repoWith({ 'data/train.csv': rawRows }, { 'model.preflight.yml': regressionConfig() });
    const result = await comparisonOf(repo);
    assert.equal(result.comparison?.status, 'new-config');
  });

  it('compares a config whose data file alone changed, and names the file', async () => {
    const shuffled = [rawRows.split('\n')[0], ...rawRows.trim().split('\n').slice(1).reverse()].join('\n') + '\n';
    const repo = repoWith({ 'data/train.csv': rawRows, 'model.preflight.yml': regressionConfig() }, { 'data/train.csv': shuffled });
    const result = await comparisonOf(repo);
    assert.equal(result.comparison?.status, 'compared');
    assert.deepEqual(result.comparison?.changes, []);
    assert.deepEqual(result.comparison?.changedFiles, ['data/train.csv']);
  });

  it('reports a base that does not load as not compared, and still checks the head', async () => {
    const repo = repoWith({ 'data/train.csv': rawRows, 'model.preflight.yml': 'version: 1\nname: [unclosed\n' }, { 'model.preflight.yml': regressionConfig() });
    const result = await comparisonOf(repo);
    assert.equal(result.comparison?.status, 'unavailable');
    assert.match(result.comparison?.reason ?? '', /does not load/);
    assert.ok(result.smoke && result.smoke.steps > 0, 'the head was smoke-trained');
  });

  it('never reads a file outside the repository that the base config names', async () => {
    const base = regressionConfig().replace('data/train.csv', '../../../../../../etc/passwd');
    const repo = repoWith({ 'data/train.csv': rawRows, 'model.preflight.yml': base }, { 'model.preflight.yml': regressionConfig() });
    const result = await comparisonOf(repo);
    assert.equal(result.comparison?.status, 'unavailable');
    assert.doesNotMatch(JSON.stringify(result), /root:x:0:0/);
  });
});
