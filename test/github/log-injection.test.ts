// Text from a pull request (a data path, a config name, a config file name) that reaches the action's
// log cannot forge workflow commands: the runner reads `::cmd::` at the start of any line of stdout or
// stderr (after leading spaces), and the built action is run here as a real process to read every line.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { FakeGitHub } from './fake-github/server.ts';
import { OWNER, REPO, REPO_ROOT, runAction } from './harness.ts';
import { escapeCommandData, escapeCommandProperty, neutraliseCommandLines, neutraliseCommandsInJson } from '../../src/report/workflow-commands.ts';

const FORGED = ['::add-mask::secret', '::stop-commands::tok', '::notice::forged', '##[add-mask]legacy'];
const PAYLOAD = FORGED.map((command) => `\n${command}`).join('') + '\r\n  ::warning::indented';

before(() => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'dist/index.js')), 'dist/index.js is missing: run `npm run build` first');
});

/** The commands a runner would execute from this output, in order (TryParseV2 and the legacy ##[ form). */
function commandsIn(output: string): string[] {
  const found: string[] = [];
  for (const line of output.split(/\r?\n|\r/)) {
    const trimmed = line.trimStart();
    const end = trimmed.startsWith('::') ? trimmed.indexOf('::', 2) : -1;
    if (end > 2) {
      // stop-commands carries its token as data; every other command is identified by name and properties.
      found.push(trimmed.startsWith('::stop-commands::') ? trimmed : trimmed.slice(0, end + 2) + '…');
      continue; // the runner tries the legacy form only on lines that are not a `::` command
    }
    const legacy = line.indexOf('##[');
    if (legacy >= 0 && line.indexOf(']', legacy) > legacy) found.push(line.slice(legacy));
  }
  return found;
}

function workspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nnp-inject-'));
  mkdirSync(path.join(root, 'models/data'), { recursive: true });
  writeFileSync(path.join(root, 'models/data/train.csv'), ['x1,x2,y', ...Array.from({ length: 30 }, (_, i) => `${i % 7},${i % 3},${i % 2}`)].join('\n') + '\n');
  const yaml = (name: string, train: string) =>
    [
      'version: 1',
      `name: ${JSON.stringify(name)}`,
      'data:',
      `  train: ${JSON.stringify(train)}`,
      '  targets: [y]',
      'model:',
      '  layers:',
      '    - {type: dense, units: 1, activation: sigmoid}',
      'training:',
      '  loss: binary_crossentropy',
      '',
    ].join('\n');
  writeFileSync(path.join(root, 'models/path.preflight.yml'), yaml('path-injection', `data/train.csv${PAYLOAD}`));
  writeFileSync(path.join(root, 'models/name.preflight.yml'), yaml(`name-injection${PAYLOAD}`, 'data/train.csv'));
  // A file name may hold a line break too (git and Linux allow it).
  writeFileSync(path.join(root, `models/file\n::notice::forged-by-file-name.preflight.yml`), yaml('file-name-injection', 'data/missing.csv'));
  return root;
}

const server = new FakeGitHub({ owner: OWNER, repo: REPO, pulls: [] });
before(() => server.start());
after(() => server.stop());

test('the built action: no line of its output starts a command except its own annotations and its stop/resume pair', async () => {
  const result = await runAction({
    apiUrl: server.url,
    workspace: workspace(),
    eventName: 'push',
    event: {},
    sha: 'd'.repeat(40),
    inputs: { 'fail-on': 'never' },
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(JSON.parse(result.outputs.configs).length, 3);
  const commands = commandsIn(result.stdout + '\n' + result.stderr);
  const stops = commands.filter((c) => c.startsWith('::stop-commands::'));
  const tokens = stops.map((c) => c.slice('::stop-commands::'.length));
  for (const token of tokens) assert.match(token, /^[0-9a-f]{32}$/, 'our own stop token is random');
  const unexpected = commands.filter((c) => {
    if (/^::(error|warning|notice) [^:]*file=[^:]*::…$/.test(c)) return false;
    if (stops.includes(c)) return false;
    // Our own log groups, one per config (their titles are checked below).
    if (c === '::group::…' || c === '::endgroup::…') return false;
    return !tokens.some((token) => c === `::${token}::…`);
  });
  assert.deepEqual(unexpected, []);
  const groups = result.stdout.split('\n').filter((line) => line.startsWith('::group::'));
  assert.equal(groups.length, 3);
  assert.equal(result.stdout.split('\n').filter((line) => line === '::endgroup::').length, 3);
  assert.ok(
    groups.every((line) => line.startsWith('::group::nn-preflight: models/')),
    groups.join('\n'),
  );
  assert.ok(
    groups.some((line) => line.includes('file%0A::notice::forged-by-file-name')),
    'a line break in a file name stays inside the group title',
  );
  // The forged text is still shown, as text: the data-error names the path it could not read.
  assert.match(result.stdout, /%0A%3A:add-mask::secret|%0A::add-mask::secret/);
  assert.ok(result.stdout.includes('loading data: data/train.csv%0A::add-mask::secret'), 'the progress line shows the path escaped');
});

test('the escaping functions follow the toolkit and break a leading :: and any ##[', () => {
  assert.equal(escapeCommandData('a%b\r\nc'), 'a%25b%0D%0Ac');
  assert.equal(escapeCommandProperty('x:y,z\n'), 'x%3Ay%2Cz%0A');
  assert.equal(escapeCommandData('::notice::x'), '%3A:notice::x');
  assert.equal(escapeCommandData('  ::notice::x'), '  %3A:notice::x');
  assert.equal(escapeCommandData('see ##[add-mask]x'), 'see #%23[add-mask]x');
  assert.deepEqual(commandsIn(neutraliseCommandLines(`report\n  ${FORGED.join('\n   ')}\nend`)), []);
  const json = JSON.stringify({ name: 'a ##[add-mask]b' });
  assert.deepEqual(JSON.parse(neutraliseCommandsInJson(json)), { name: 'a ##[add-mask]b' });
  assert.deepEqual(commandsIn(neutraliseCommandsInJson(json)), []);
});
