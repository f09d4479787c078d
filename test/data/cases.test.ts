// Every shared example setup's data loads, and the labelled quirks show in the statistics.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadSplit } from '../../src/data/load.ts';
import { DEFAULT_DATA_LIMITS, type LoadedSplit } from '../../src/data/types.ts';
import type { DataSource } from '../../src/config/types.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const CASES = SHARED_CASES_DIR;

function sourceOf(raw: unknown): DataSource {
  if (typeof raw === 'string') return { kind: 'path', path: raw };
  const pair = raw as { x: string; y: string };
  return { kind: 'arrays', x: pair.x, y: pair.y };
}

async function loadCase(name: string, which: 'train' | 'validation' = 'train'): Promise<LoadedSplit | { problem: string }> {
  const folder = path.join(CASES, name);
  const data = (parse(readFileSync(path.join(folder, 'preflight.yml'), 'utf8')) as { data: Record<string, unknown> }).data;
  const result = await loadSplit(sourceOf(data[which]), {
    root: folder,
    baseDir: folder,
    targets: data.targets as string[] | undefined,
    features: data.features as string[] | undefined,
    sample: 10000,
    seed: 0,
    limits: DEFAULT_DATA_LIMITS,
    key: `data.${which}`,
  });
  return result.ok ? result.split : { problem: result.problem.message };
}

test('every shared case loads, except the one whose data file is missing', async () => {
  for (const name of readdirSync(CASES).filter((n) => existsSync(path.join(CASES, n, 'preflight.yml')))) {
    let text: string;
    try {
      text = readFileSync(path.join(CASES, name, 'preflight.yml'), 'utf8');
      parse(text);
    } catch {
      continue; // a config that is broken on purpose is the config loader's business
    }
    const train = await loadCase(name);
    if (name === 'config-missing-data-file') {
      assert.ok('problem' in train && /does not exist/.test(train.problem), name);
      continue;
    }
    assert.ok(!('problem' in train), `${name}: ${'problem' in train ? train.problem : ''}`);
    assert.ok(train.rows > 0 && train.sample.rows > 0, name);
    if (text.includes('validation:')) assert.ok(!('problem' in (await loadCase(name, 'validation'))), `${name} validation`);
  }
});

test('regression-text-column: `city` is a text column with its names as examples', async () => {
  const split = (await loadCase('regression-text-column')) as LoadedSplit;
  const city = split.features.find((f) => f.name === 'city')!;
  assert.equal(city.numeric, 0);
  assert.equal(city.text, split.rows);
  assert.ok(city.textExamples.includes('paris'));
  const cityColumn = split.featureNames.indexOf('city');
  assert.ok(Number.isNaN(split.sample.x[cityColumn]));
});

test('regression-missing-values: empty cells are counted', async () => {
  const split = (await loadCase('regression-missing-values')) as LoadedSplit;
  const missing = split.features.reduce((sum, f) => sum + f.empty + f.nan, 0);
  const csv = readFileSync(path.join(CASES, 'regression-missing-values/data/train.csv'), 'utf8');
  const emptyCells = csv
    .trim()
    .split('\n')
    .slice(1)
    .reduce((sum, line) => sum + line.split(',').filter((cell) => cell === '' || cell.toLowerCase() === 'nan').length, 0);
  assert.ok(emptyCells > 0);
  assert.equal(missing, emptyCells);
});

test('images-raw-bytes: x is uint8 images with values 0..255, y class ids', async () => {
  const split = (await loadCase('images-raw-bytes')) as LoadedSplit;
  assert.equal(split.format, 'npy');
  assert.deepEqual(split.sample.featureShape, [8, 8, 1]);
  assert.equal(split.features[0].min, 0);
  assert.equal(split.features[0].max, 255);
  assert.equal(split.features[0].integer, true);
  assert.equal(split.targets[0].integer, true);
});
