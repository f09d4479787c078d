// Properties of the config loader: whatever text a pull request puts in a config, loading it returns a
// config or problems, never throws, and every line it names is a line of that file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadConfig, type ConfigLoadResult } from '../../src/config/load.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-prop-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
writeFileSync(path.join(root, 'train.csv'), 'a,b,y\n1,2,0\n3,4,1\n');

const VALID = [
  'version: 1',
  'name: property',
  'data:',
  '  train: train.csv',
  '  targets: [y]',
  'preprocessing:',
  '  inputs: standardize',
  'model:',
  '  layers:',
  '    - {type: dense, units: 8, activation: relu}',
  '    - type: dropout',
  '      rate: 0.2',
  '    - {type: dense, units: 1, activation: sigmoid}',
  'training:',
  '  loss: binary_crossentropy',
  '  optimizer: {name: sgd, momentum: 0.9}',
  '  learning_rate: 0.01',
  '  batch_size: 16',
  'smoke:',
  '  steps: 50',
  'checks:',
  '  no-regularization: off',
].join('\n');

let counter = 0;
async function load(text: string | Buffer): Promise<{ result: ConfigLoadResult; lineCount: number }> {
  const file = path.join(root, `c${counter++}.preflight.yml`);
  writeFileSync(file, text);
  const result = await loadConfig(file, { root, displayPath: path.basename(file) });
  const asText = Buffer.isBuffer(text) ? text.toString('utf8') : text;
  return { result, lineCount: asText.split(/\r\n|\r|\n/).length };
}

function assertWellFormed(result: ConfigLoadResult, lineCount: number): void {
  if (result.ok) {
    const { training, model, smoke } = result.config;
    assert.ok(Number.isFinite(training.learning_rate) && training.learning_rate > 0, `learning rate ${training.learning_rate}`);
    assert.ok(Number.isInteger(training.batch_size) && training.batch_size >= 1, `batch size ${training.batch_size}`);
    assert.ok(model.layers.length >= 1);
    assert.ok(Number.isInteger(smoke.steps) && smoke.steps >= 1);
    return;
  }
  assert.ok(result.problems.length > 0, 'a failed load names at least one problem');
  for (const problem of result.problems) {
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.message.length > 0);
    if (problem.line !== undefined) {
      assert.ok(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lineCount, `line ${problem.line} of ${lineCount}: ${problem.message}`);
    }
    if (problem.column !== undefined) assert.ok(Number.isInteger(problem.column) && problem.column >= 1, `column ${problem.column}`);
  }
}

/** Pieces of YAML syntax and config vocabulary, so random text often parses and reaches the schema. */
const TOKENS = [
  'version',
  'data',
  'train',
  'targets',
  'model',
  'layers',
  'type',
  'dense',
  'units',
  'training',
  'loss',
  'mse',
  'learning_rate',
  'batch_size',
  'smoke',
  'checks',
  'keras',
  'train.csv',
  '../x.csv',
  '/etc/passwd',
  ':',
  ': ',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  '- ',
  '-',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '!tag ',
  "'",
  '"',
  '#',
  '|',
  '>',
  '?',
  '---',
  '...',
  '%YAML 1.2',
  '~',
  'null',
  'true',
  'no',
  '1',
  '0',
  '-1',
  '1e309',
  '.nan',
  '.inf',
  '0x1F',
  '0o17',
  '1_000',
  '\uFEFF',
  '\u200B',
  'ключ',
  '🚀',
  '\u0000',
  '\\',
  '@',
  '`',
];
const yamlish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((parts) => parts.join(''));

test('arbitrary YAML-ish text: a config or problems with lines inside the file', async () => {
  await fc.assert(
    fc.asyncProperty(yamlish, async (text) => {
      const { result, lineCount } = await load(text);
      assertWellFormed(result, lineCount);
    }),
    { numRuns: 300 },
  );
});

test('arbitrary bytes: never a throw', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
      const { result, lineCount } = await load(Buffer.from(bytes));
      assertWellFormed(result, lineCount);
    }),
    { numRuns: 150 },
  );
});

type Mutation = (lines: string[]) => string[];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (i): Mutation =>
      (lines) =>
        lines.filter((_, j) => j !== i % lines.length),
  ),
  fc.nat().map(
    (i): Mutation =>
      (lines) =>
        lines.flatMap((line, j) => (j === i % lines.length ? [line, line] : [line])),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([a, b]): Mutation =>
      (lines) => {
        const copy = [...lines];
        const [x, y] = [a % copy.length, b % copy.length];
        [copy[x], copy[y]] = [copy[y], copy[x]];
        return copy;
      },
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(
    ([i, token]): Mutation =>
      (lines) =>
        lines.map((line, j) => (j === i % lines.length ? line.replace(/:\s.*$/, `: ${token}`) : line)),
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...TOKENS)).map(
    ([i, at, token]): Mutation =>
      (lines) =>
        lines.map((line, j) => (j === i % lines.length ? line.slice(0, at % (line.length + 1)) + token + line.slice(at % (line.length + 1)) : line)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(
    ([i, shift]): Mutation =>
      (lines) =>
        lines.map((line, j) => (j === i % lines.length ? (shift >= 0 ? ' '.repeat(shift) + line : line.replace(new RegExp(`^ {0,${-shift}}`), '')) : line)),
  ),
);

test('the valid config loads as is', async () => {
  const { result } = await load(VALID);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems));
});

test('any few mutations of a valid config: a config or problems with lines inside the file', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (mutations, crlf) => {
      const lines = mutations.reduce((current, mutate) => mutate(current), VALID.split('\n'));
      const { result, lineCount } = await load(lines.join(crlf ? '\r\n' : '\n'));
      assertWellFormed(result, lineCount);
    }),
    { numRuns: 400 },
  );
});
