// docs/preflight.schema.json: generated from the zod schema (`npm run schema`), committed for editors,
// and never stricter than the loader: every example and every valid shared case must pass it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { configJsonSchema, configJsonSchemaText, JSON_SCHEMA_FILE } from '../../src/config/json-schema.ts';
import { LOSS_NAMES } from '../../src/config/names.ts';
import { TORCH_LOSS_NAMES } from '../../src/config/torch.ts';
import { discoverConfigs } from '../../src/discover.ts';
import { SHARED_CASES_DIR } from '../shared-dir.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(configJsonSchema());

function errorsOf(yamlText: string): string[] {
  const ok = validate(parse(yamlText));
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Shared cases whose expect.json wants a config-error are meant to be refused. */
function expectsConfigError(caseDir: string): boolean {
  const expect = JSON.parse(readFileSync(path.join(caseDir, 'expect.json'), 'utf8')) as { must?: string[][] };
  return (expect.must ?? []).some((alternatives) => alternatives.includes('config-error'));
}

describe('docs/preflight.schema.json', () => {
  it('is what the code generates (run `npm run schema` after changing src/config/schema.ts)', () => {
    const committed = readFileSync(path.join(repoRoot, JSON_SCHEMA_FILE), 'utf8');
    assert.ok(committed === configJsonSchemaText(), `${JSON_SCHEMA_FILE} is stale: run \`npm run schema\` and commit it`);
  });

  const examples = discoverConfigs(path.join(repoRoot, 'examples'));
  it('finds the examples', () => assert.ok(examples.length >= 3, examples.join(', ')));
  for (const example of examples) {
    it(`accepts examples/${example}`, () => {
      assert.deepEqual(errorsOf(readFileSync(path.join(repoRoot, 'examples', example), 'utf8')), []);
    });
  }

  const cases = readdirSync(SHARED_CASES_DIR).filter((name) => !name.endsWith('.md'));
  for (const name of cases) {
    const dir = path.join(SHARED_CASES_DIR, name);
    const refused = expectsConfigError(dir);
    it(`${refused ? 'refuses' : 'accepts'} the shared case ${name}`, () => {
      const errors = errorsOf(readFileSync(path.join(dir, 'preflight.yml'), 'utf8'));
      if (refused) assert.ok(errors.length > 0, 'a config the loader refuses is flagged in the editor too');
      else assert.deepEqual(errors, []);
    });
  }

  it('flags the typo of the config-typo case by name, as an editor would', () => {
    const errors = errorsOf(readFileSync(path.join(SHARED_CASES_DIR, 'config-typo', 'preflight.yml'), 'utf8'));
    assert.ok(
      errors.some((e) => e.includes('additionalProperty') && e.includes('learing_rate')),
      errors.join('\n'),
    );
  });

  it('takes x- annotation keys on every mapping, as the loader does', () => {
    const yaml = `version: 1
x-owner: ml-team
data: {train: d.csv, targets: [y], x-note: sampled}
model:
  layers:
    - {type: dense, units: 1, x-why: output}
training: {loss: mse, x-ticket: 12}
`;
    assert.deepEqual(errorsOf(yaml), []);
  });

  it('still catches what an editor should: a misspelt layer argument and a wrong type', () => {
    const misspelt = errorsOf('version: 1\ndata: {train: d.csv}\nmodel:\n  layers:\n    - {type: dense, unit: 4}\n');
    assert.ok(misspelt.length > 0);
    const wrongType = errorsOf('version: 1\ndata: {train: d.csv}\nmodel: {keras: m.keras}\ntraining: {batch_size: many}\n');
    assert.ok(
      wrongType.some((e) => e.startsWith('/training/batch_size')),
      wrongType.join('\n'),
    );
  });

  it("offers the loader's known names as completions, without restricting the values", () => {
    // `loss` is a name or {name, beta, delta}: the names are offered on the string branch and on `name`.
    const schema = configJsonSchema() as {
      properties: { training: { properties: { loss: { anyOf: { type?: string; examples?: string[]; properties?: { name: { examples: string[] } } }[] } } } };
    };
    const branches = schema.properties.training.properties.loss.anyOf;
    const names = branches.find((b) => b.type === 'string')?.examples;
    assert.deepEqual(names, [...LOSS_NAMES, ...TORCH_LOSS_NAMES]);
    assert.deepEqual(branches.find((b) => b.properties)?.properties?.name.examples, names);
    assert.deepEqual(
      errorsOf('version: 1\ndata: {train: d.csv}\nmodel: {keras: m.keras}\ntraining: {loss: MeanSquaredError}\n'),
      [],
      'the loader takes class names and any case',
    );
  });
});
