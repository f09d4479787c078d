// Per-column preprocessing (`inputs: {standardize: [...], one_hot: [...]}`) end to end: files written
// here, the real loader and pipeline, and the checks judging the data after the declared transforms.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { runCheckWithRuns } from '../../src/pipeline.ts';
import { runChecks } from '../../src/checks/run.ts';
import { fixVariantFor } from '../../src/fixes/transforms.ts';
import { variantEvidence } from '../../src/evidence/variant.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-columns-'));
after(() => rmSync(root, { recursive: true, force: true }));

const PLANS = ['basic', 'pro', 'team'];

/** income ~ 50,000 (far from unit scale), score ~ unit scale, visits ~ 1,000, plan as text; y depends on plan and score. */
function table(rows: number, plans: string[], seed: number): string {
  const lines = ['income,score,visits,plan,y'];
  for (let i = 0; i < rows; i++) {
    const u = Math.sin(i * 12.9898 + seed) * 43758.5453;
    const r = u - Math.floor(u);
    const plan = plans[i % plans.length];
    const score = (r - 0.5) * 2;
    lines.push(`${(40000 + r * 20000).toFixed(2)},${score.toFixed(4)},${(900 + ((i * 37) % 200)).toFixed(0)},${plan},${plan === 'pro' || score > 0.5 ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

function config(name: string, inputs: string, extra: string[] = []): string {
  const file = path.join(root, `${name}.preflight.yml`);
  writeFileSync(
    file,
    [
      'version: 1',
      'data: {train: train.csv, validation: val.csv, targets: y}',
      `preprocessing: {inputs: ${inputs}}`,
      'model:',
      '  layers:',
      '    - {type: dense, units: 8, activation: relu}',
      '    - {type: dropout, rate: 0.1}',
      '    - {type: dense, units: 1, activation: sigmoid}',
      'training: {loss: binary_crossentropy, batch_size: 16}',
      ...extra,
    ].join('\n') + '\n',
  );
  return file;
}

writeFileSync(path.join(root, 'train.csv'), table(240, PLANS, 1));
writeFileSync(path.join(root, 'val.csv'), table(60, PLANS, 2));

async function run(file: string, smoke = false) {
  const { report, runs } = await runCheckWithRuns({ root, configs: [file], smoke, steps: 40, timeBudgetS: 30, backend: 'cpu', failOn: 'error', verify: false });
  return { findings: report.results[0].findings, run: runs[0] };
}

test('a text column declared one_hot draws no non-numeric-feature and becomes one 0/1 column per training category', async () => {
  const plain = await run(config('plain', 'standardize'));
  assert.ok(
    plain.findings.some((f) => f.id === 'non-numeric-feature'),
    'without the declaration the text column is found',
  );

  const { findings, run: one } = await run(config('onehot', '{standardize: [income, visits, score], one_hot: [plan]}'));
  const ids = findings.map((f) => `${f.id}:${f.severity}`);
  assert.deepEqual(
    findings.filter((f) => f.severity !== 'notice' && f.id !== 'no-regularization').map((f) => f.id),
    [],
    ids.join(', '),
  );
  const split = one.evidence!.data!.train.split;
  assert.deepEqual(split.featureNames, ['income', 'score', 'visits', 'plan=basic', 'plan=pro', 'plan=team']);
  const pro = split.features[4];
  assert.equal(pro.mean, 80 / 240, 'exact share of "pro" over the whole file');
  assert.equal(pro.std, Math.sqrt((80 / 240) * (160 / 240)));
  // every sampled row has exactly one 1 among the plan columns, at its own category
  const x = split.sample.x;
  for (let r = 0; r < split.sample.rows; r++) {
    const hot = [3, 4, 5].map((c) => x[r * 6 + c]);
    assert.equal(
      hot.reduce((a, b) => a + b, 0),
      1,
    );
    assert.equal(hot.indexOf(1), split.sample.rowIndex[r] % 3);
  }
  // the processed features the checks read: standardized columns near unit scale, indicators untouched
  const processed = one.evidence!.data!.train.processed;
  assert.ok(Math.abs(processed[0].mean) < 1e-9 && Math.abs(processed[0].std - 1) < 1e-9);
  assert.equal(processed[4].mean, 80 / 240);
});

test('a column left raw beside a standardized set is still found by unscaled-inputs, by name', async () => {
  const { findings } = await run(config('raw', '{standardize: [income], one_hot: [plan]}'));
  const unscaled = findings.find((f) => f.id === 'unscaled-inputs');
  assert.ok(unscaled, findings.map((f) => f.id).join(', '));
  const names = (unscaled.evidence.features as { name: string }[]).map((f) => f.name);
  assert.deepEqual(names, ['visits']);
  assert.equal(unscaled.messageId, 'features-unscaled');
  assert.equal(unscaled.messageData?.preprocessing, '{standardize: [income], one_hot: [plan], others: none}');
  assert.deepEqual(unscaled.messageData?.features, ['visits']);
  assert.match(unscaled.fix, /list it under `standardize`/);
  assert.equal(findings.filter((f) => f.id === 'non-numeric-feature').length, 0);

  const others = await run(config('others', '{one_hot: [plan], others: standardize}'));
  assert.equal(others.findings.filter((f) => f.id === 'unscaled-inputs' || f.id === 'feature-scale-spread').length, 0);
});

test('a constant column under standardize is an error, the same column under none only a warning', async () => {
  const lines = ['a,c,y', ...Array.from({ length: 50 }, (_, i) => `${(i % 7) / 7},5,${i % 2}`)];
  writeFileSync(path.join(root, 'const.csv'), lines.join('\n') + '\n');
  const make = (name: string, inputs: string) => {
    const file = path.join(root, `${name}.preflight.yml`);
    writeFileSync(
      file,
      [
        'version: 1',
        'data: {train: const.csv, targets: y}',
        `preprocessing: {inputs: ${inputs}}`,
        'model: {layers: [{type: dense, units: 1, activation: sigmoid}]}',
        'training: {loss: binary_crossentropy}',
      ].join('\n') + '\n',
    );
    return file;
  };
  const divided = (await run(make('c1', '{standardize: [c]}'))).findings.find((f) => f.id === 'constant-feature');
  assert.equal(divided?.severity, 'error');
  const kept = (await run(make('c2', '{standardize: [a], none: [c]}'))).findings.find((f) => f.id === 'constant-feature');
  assert.equal(kept?.severity, 'warning');
});

test('validation categories unseen in training are counted and reported; a shifted share is not a scale shift', async () => {
  writeFileSync(path.join(root, 'val-new.csv'), table(60, [...PLANS, 'enterprise'], 2));
  const file = config('unseen', '{standardize: [income, visits, score], one_hot: [plan]}');
  writeFileSync(file, readFile(file).replace('validation: val.csv', 'validation: val-new.csv'));
  const { findings, run: one } = await run(file);
  const notice = findings.find((f) => f.id === 'validation-distribution-shift');
  assert.equal(notice?.severity, 'notice');
  assert.equal(notice?.evidence.unseenCells, 15);
  assert.deepEqual(notice?.evidence.examples, ['enterprise']);
  assert.deepEqual(one.evidence!.data!.validation!.split.featureNames.slice(3), ['plan=basic', 'plan=pro', 'plan=team']);
});

test('a declared input width that misses the one-hot columns is a config-error naming them; unknown columns are named too', async () => {
  const wrong = await run(config('width', '{standardize: [income, visits, score], one_hot: [plan]}'));
  assert.equal(wrong.findings.filter((f) => f.id === 'config-error').length, 0);
  const file = config('width2', '{standardize: [income, visits, score], one_hot: [plan]}');
  writeFileSync(file, readFile(file).replace('{type: dense, units: 8, activation: relu}', '{type: dense, units: 8, activation: relu, input_shape: [4]}'));
  const { findings } = await run(file);
  const error = findings.find((f) => f.id === 'config-error');
  assert.ok(error, findings.map((f) => f.id).join(', '));
  assert.match(
    error.message,
    /takes 4 inputs, but the data has 6 input columns after the declared one-hot encoding \(4 columns before\): plan -> 3 columns \(basic, pro, team\)/,
  );
  assert.equal(error.line, 6);

  const unknown = await run(config('unknown', '{standardize: [income, visits, score, scroe], one_hot: [plan]}'));
  const named = unknown.findings.find((f) => f.id === 'config-error');
  assert.match(named?.message ?? '', /`preprocessing.inputs.standardize` lists `scroe`, which is not an input column/);
});

test('the smoke run trains on the one-hot data', async () => {
  const { findings, run: one } = await run(config('smoke', '{standardize: [income, visits, score], one_hot: [plan]}'), true);
  assert.equal(findings.filter((f) => f.id === 'smoke-skipped' && f.severity !== 'notice').length, 0, findings.map((f) => `${f.id}: ${f.message}`).join('\n'));
  assert.ok(one.trace, findings.map((f) => `${f.id}: ${f.message}`).join('\n'));
  assert.ok(one.trace.steps > 0);
  assert.ok(one.trace.loss.every(Number.isFinite));
});

function readFile(file: string): string {
  return readFileSync(file, 'utf8');
}

test('a column under two transforms, or a target under inputs, is a config-error at that key', async () => {
  const twice = await run(config('twice', '{standardize: [income, plan], one_hot: [plan]}'));
  const error = twice.findings.find((f) => f.id === 'config-error');
  assert.match(error?.message ?? '', /column `plan` is listed under both `standardize` and `one_hot`/);
  const target = await run(config('target', '{standardize: [income, y]}'));
  assert.match(target.findings.find((f) => f.id === 'config-error')?.message ?? '', /column `y` is a target/);
  const empty = await run(config('empty', '{}'));
  assert.match(empty.findings.find((f) => f.id === 'config-error')?.message ?? '', /needs at least one of standardize, minmax, one_hot, none or others/);
});

test('the unscaled-inputs fix on a per-column mapping standardizes the other columns and keeps the one-hot ones', async () => {
  const { findings, run: one } = await run(config('fixme', '{standardize: [income], one_hot: [plan]}'));
  const finding = findings.find((f) => f.id === 'unscaled-inputs')!;
  const variant = fixVariantFor(one.evidence!, finding);
  assert.ok(variant);
  assert.equal(variant.change, 'preprocessing.inputs: {standardize: [income], one_hot: [plan], others: standardize}');
  const fixed = variantEvidence(one.evidence!, variant.config, variant.splits);
  assert.ok(fixed);
  assert.deepEqual(
    runChecks(fixed).filter((f) => f.id === 'unscaled-inputs' || f.id === 'non-numeric-feature'),
    [],
  );
});
