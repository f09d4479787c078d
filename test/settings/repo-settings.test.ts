// .github/nn-preflight.yml is pull-request data like any config: every problem is a finding that names
// the file, line and key, never a crash, and nothing outside the repository is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRepoSettings, MAX_REPO_SETTINGS_BYTES, repoSettingsJsonSchemaText, REPO_SETTINGS_SCHEMA_FILE } from '../../src/config/repo-settings.ts';
import { readRepoSettings } from '../../src/repo-settings.ts';
import { checks } from '../../src/checks/index.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ids = checks.map((c) => c.meta.id);

function repoWith(settings: string | undefined, file = '.github/nn-preflight.yml'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nnp-settings-'));
  mkdirSync(path.join(root, '.github'), { recursive: true });
  if (settings !== undefined) writeFileSync(path.join(root, file), settings);
  return root;
}

function problemsOf(text: string) {
  const result = loadRepoSettings(repoWith(text), ids);
  assert.equal(result.ok, false, text);
  return (result as { problems: { message: string; line?: number; key?: string; file?: string }[] }).problems;
}

test('no settings file is no settings; a full one is read as written', () => {
  assert.deepEqual(loadRepoSettings(repoWith(undefined), ids), { ok: true });
  const result = loadRepoSettings(
    repoWith(
      '# team defaults\nversion: 1\nchecks:\n  no-regularization: off\n  unscaled-inputs: error\nignore:\n  - experiments/**\n  - "!experiments/keep/**"\nsmoke:\n  steps: 120\n  time_budget_s: 15\n',
    ),
    ids,
  );
  assert.deepEqual(result, {
    ok: true,
    settings: {
      file: '.github/nn-preflight.yml',
      checks: { 'no-regularization': 'off', 'unscaled-inputs': 'error' },
      ignore: ['experiments/**', '!experiments/keep/**'],
      smoke: { steps: 120, time_budget_s: 15 },
    },
  });
  // `.yaml` is read when `.yml` is absent; an empty file sets nothing
  const yaml = loadRepoSettings(repoWith('# nothing yet\n', '.github/nn-preflight.yaml'), ids);
  assert.deepEqual(yaml, { ok: true, settings: { file: '.github/nn-preflight.yaml', checks: {}, ignore: [], smoke: {} } });
});

test('unknown keys, bad values and unknown check ids name the line and the key, with a hint', () => {
  const typo = problemsOf('checks:\n  no-regularization: off\nignroe: [a/**]\n');
  assert.equal(typo[0].line, 3);
  assert.equal(typo[0].file, '.github/nn-preflight.yml');
  assert.match(typo[0].message, /ignroe/);
  assert.match(typo[0].message, /ignore/, 'did you mean ignore');

  const severity = problemsOf('checks:\n  unscaled-inputs: loud\n');
  assert.equal(severity[0].line, 2);
  assert.equal(severity[0].key, 'checks.unscaled-inputs');

  const unknown = problemsOf('checks:\n  no-regularisation: off\n');
  assert.equal(unknown[0].line, 2);
  assert.equal(unknown[0].key, 'checks.no-regularisation');
  assert.match(unknown[0].message, /did you mean `no-regularization`/);

  for (const [text, line, key] of [
    ['smoke:\n  steps: -3\n', 2, 'smoke.steps'],
    ['smoke:\n  time_budget_s: fast\n', 2, 'smoke.time_budget_s'],
    ['ignore:\n  - ok/**\n  - ../outside/**\n', 3, 'ignore[1]'],
    ['ignore:\n  - /etc/**\n', 2, 'ignore[0]'],
    ['ignore: experiments/**\n', 1, 'ignore'],
    ['version: 2\n', 1, 'version'],
  ] as const) {
    const [problem] = problemsOf(text);
    assert.equal(problem.line, line, text);
    assert.equal(problem.key, key, text);
  }
});

test('hostile settings files end as problems, never a crash or a read outside the repository', () => {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'nnp-outside-'));
  writeFileSync(path.join(outside, 'secret.yml'), 'checks:\n  secret-token-value: off\n');
  const linked = repoWith(undefined);
  symlinkSync(path.join(outside, 'secret.yml'), path.join(linked, '.github/nn-preflight.yml'));
  const refused = loadRepoSettings(linked, ids);
  assert.equal(refused.ok, false);
  assert.doesNotMatch(JSON.stringify(refused), /secret-token-value/);
  assert.match(JSON.stringify(refused), /leaves the repository/);

  const folder = repoWith(undefined);
  mkdirSync(path.join(folder, '.github/nn-preflight.yml'));
  assert.match(JSON.stringify(loadRepoSettings(folder, ids)), /not a regular file/);

  assert.match(problemsOf(`# ${'x'.repeat(MAX_REPO_SETTINGS_BYTES)}\n`)[0].message, /bytes; the limit is/);
  assert.match(problemsOf('checks: [unclosed\n')[0].message, /./);
  assert.match(problemsOf('- a\n- list\n')[0].message, /must be a YAML mapping/);
  assert.match(problemsOf('just text\n')[0].message, /must be a YAML mapping/);
  // alias bombs and deep nesting are refused by the config's own YAML limits
  const bomb =
    'a: &a [x, x, x, x, x, x, x, x, x, x]\n' +
    Array.from(
      { length: 9 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
    ).join('\n') +
    '\n';
  assert.equal(loadRepoSettings(repoWith(bomb), ids).ok, false);
  assert.equal(loadRepoSettings(repoWith('checks: ' + '['.repeat(500) + ']'.repeat(500) + '\n'), ids).ok, false);
});

test('a broken settings file becomes config-error findings of its own result, naming the file and line', () => {
  const root = repoWith('checks:\n  unscaled-inputs: off\nsmoke:\n  stepz: 10\n');
  const loaded = readRepoSettings(root);
  assert.equal(loaded.settings, undefined, 'none of a broken file applies');
  assert.equal(loaded.result?.config, '.github/nn-preflight.yml');
  const [finding] = loaded.result!.findings;
  assert.equal(finding.id, 'config-error');
  assert.equal(finding.severity, 'error');
  assert.equal(finding.file, '.github/nn-preflight.yml');
  assert.equal(finding.line, 4);
  assert.equal(finding.key, 'smoke.stepz');
  assert.match(finding.message, /None of the repository settings apply/);
  assert.deepEqual(readRepoSettings(repoWith(undefined)), {});
});

test(`${REPO_SETTINGS_SCHEMA_FILE} is current (npm run schema)`, () => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const committed = readFileSync(path.join(repoRoot, REPO_SETTINGS_SCHEMA_FILE), 'utf8');
  assert.ok(committed === repoSettingsJsonSchemaText(), `${REPO_SETTINGS_SCHEMA_FILE} is stale: run \`npm run schema\` and commit it`);
  const schema = JSON.parse(committed) as { properties: Record<string, unknown>; additionalProperties: unknown };
  assert.deepEqual(Object.keys(schema.properties).sort(), ['checks', 'ignore', 'smoke', 'version']);
  assert.equal(schema.additionalProperties, false);
});

test('SECURITY.md states the bounds of the settings file, disable comments and discovery', async () => {
  const { MAX_IGNORE_GLOBS } = await import('../../src/config/repo-settings.ts');
  const { MAX_DISABLE_DIRECTIVES } = await import('../../src/config/disable-comments.ts');
  const { MAX_WALK_ENTRIES } = await import('../../src/discover.ts');
  const security = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');
  for (const text of [
    `${MAX_REPO_SETTINGS_BYTES / 1024} KiB, the config's YAML limits, ${MAX_IGNORE_GLOBS} \`ignore:\` globs`,
    `comments read per config | ${MAX_DISABLE_DIRECTIVES.toLocaleString('en-US')} |`,
    `per search (links never followed) | ${MAX_WALK_ENTRIES.toLocaleString('en-US')} |`,
  ]) {
    assert.ok(security.includes(text), `SECURITY.md does not say "${text}"`);
  }
});
