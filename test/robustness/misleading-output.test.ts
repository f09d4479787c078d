// The low-severity items of the security review: outputs that misled rather than broke. Each case is
// built from the review's description and says what the user now sees instead.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { resolveInsideRoot } from '../../src/data/paths.ts';
import { loadConfig } from '../../src/config/load.ts';
import { runOneConfig } from '../../src/pipeline.ts';
import type { CheckOptions } from '../../src/run-settings.ts';
import { buildReport } from '../../src/report/build.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { escapeMarkdown, escapeXml } from '../../src/report/escape.ts';
import { loadOk, loadProblem } from '../data/fixtures.ts';
import { finding, smoke } from '../report/fixtures.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'nnp-misleading-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

function repo(files: Record<string, string | Buffer>): string {
  const root = path.join(scratch, `repo${counter++}`);
  mkdirSync(root, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

function options(root: string): CheckOptions {
  return { root, configs: [], smoke: false, backend: 'cpu', failOn: 'never' };
}

function blackPng(size: number): Buffer {
  const image = new PNG({ width: size, height: size });
  for (let i = 0; i < image.data.length; i += 4) image.data[i + 3] = 255;
  return PNG.sync.write(image, { colorType: 0 });
}

const TABLE = ['x1,x2,y', ...Array.from({ length: 20 }, (_, i) => `${i % 5},${i % 3},${i % 2}`)].join('\n') + '\n';

function yamlConfig(train: string, layers: string[], extra: string[] = []): string {
  return [
    'version: 1',
    'data:',
    `  train: ${train}`,
    ...(train.endsWith('.csv') ? ['  targets: [y]'] : []),
    'model:',
    '  layers:',
    ...layers.map((l) => `    - ${l}`),
    'training:',
    '  loss: sparse_categorical_crossentropy',
    ...extra,
    '',
  ].join('\n');
}

describe('paths', () => {
  test('`..train.csv` in the repository root is a file of the repository, not a step out of it', async () => {
    const root = repo({ '..train.csv': TABLE, 'a.preflight.yml': yamlConfig('..train.csv', ['{type: dense, units: 2, activation: softmax}']) });
    assert.deepEqual(resolveInsideRoot(root, root, '..train.csv'), { ok: true, absolute: path.join(root, '..train.csv') });
    assert.equal(resolveInsideRoot(root, root, '../train.csv').ok, false);
    const run = await runOneConfig(path.join(root, 'a.preflight.yml'), options(root));
    assert.deepEqual(
      run.result.findings.filter((f) => f.id === 'data-error'),
      [],
    );
    assert.equal(run.evidence?.data?.train.split.rows, 20);
  });

  test('a loop of symbolic links is reported as a loop, not as a missing file', () => {
    const root = repo({});
    symlinkSync('b.csv', path.join(root, 'a.csv'));
    symlinkSync('a.csv', path.join(root, 'b.csv'));
    const resolved = resolveInsideRoot(root, root, 'a.csv');
    assert.equal(resolved.ok, false);
    assert.match(!resolved.ok ? resolved.reason : '', /"a\.csv" is a loop of symbolic links/);
    const missing = resolveInsideRoot(root, root, 'missing.csv');
    assert.match(!missing.ok ? missing.reason : '', /"missing\.csv" does not exist/);
  });
});

describe('findings', () => {
  test('an image folder that fails to load adds only its data-error, no guessed model shape error', async () => {
    const root = repo({ 'images/cat/a.png': blackPng(8), 'images/dog/b.png': Buffer.from('not an image at all') });
    writeFileSync(
      path.join(root, 'cnn.preflight.yml'),
      yamlConfig('images/', [
        '{type: conv2d, filters: 4, kernel_size: 3, activation: relu}',
        '{type: flatten}',
        '{type: dense, units: 2, activation: softmax}',
      ]),
    );
    const run = await runOneConfig(path.join(root, 'cnn.preflight.yml'), options(root));
    const ids = run.result.findings.filter((f) => f.severity === 'error').map((f) => f.id);
    assert.deepEqual(ids, ['data-error'], JSON.stringify(run.result.findings.map((f) => [f.id, f.message])));
  });

  test('a Keras model with zero layers is a config-error, with no finding about an output layer', async () => {
    const model = { class_name: 'Sequential', config: { name: 'empty', layers: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 2] } }] } };
    const root = repo({
      'data/t.csv': TABLE,
      'model.json': JSON.stringify(model),
      'k.preflight.yml': ['version: 1', 'data:', '  train: data/t.csv', '  targets: [y]', 'model:', '  keras: model.json', 'training:', '  loss: mse', ''].join(
        '\n',
      ),
    });
    const run = await runOneConfig(path.join(root, 'k.preflight.yml'), options(root));
    assert.deepEqual(
      run.result.findings.map((f) => f.id),
      ['config-error'],
    );
    assert.match(run.result.findings[0].message, /has no layers/);
    assert.equal(run.result.findings[0].key, 'model.keras');
  });

  test('image statistics count images as rows: a constant channel is constant over 3 training images', async () => {
    const root = repo({ 'images/cat/a.png': blackPng(16), 'images/cat/b.png': blackPng(16), 'images/dog/c.png': blackPng(16) });
    writeFileSync(path.join(root, 'cnn.preflight.yml'), yamlConfig('images/', ['{type: flatten}', '{type: dense, units: 2, activation: softmax}']));
    const run = await runOneConfig(path.join(root, 'cnn.preflight.yml'), options(root));
    const constant = run.result.findings.find((f) => f.id === 'constant-feature');
    assert.ok(constant, JSON.stringify(run.result.findings.map((f) => f.id)));
    assert.match(constant.message, /constant over 3 training images/);
  });
});

describe('config values are quoted as written', () => {
  test('under %YAML 1.1, `y` and `off` are quoted as the user wrote them, not as true and false', async () => {
    const text = [
      '%YAML 1.1',
      '---',
      'version: 1',
      'name: y',
      'data:',
      '  train: data/t.csv',
      '  targets: off',
      'model:',
      '  layers:',
      '    - {type: dense, units: 1}',
      'training:',
      '  loss: mse',
      '',
    ].join('\n');
    const root = repo({ 'c.preflight.yml': text, 'data/t.csv': TABLE });
    const result = await loadConfig(path.join(root, 'c.preflight.yml'), { root, displayPath: 'c.preflight.yml' });
    assert.equal(result.ok, false);
    const messages = !result.ok ? result.problems.map((p) => p.message) : [];
    assert.ok(
      messages.some((m) => m === '`name` must be a string, not `y`, which YAML reads as true'),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /`data\.targets` must be .*, not `off`, which YAML reads as false/.test(m)),
      messages.join('\n'),
    );
  });

  test('a value written as true is still quoted plainly', async () => {
    const root = repo({
      'c.preflight.yml': yamlConfig('data/t.csv', ['{type: dense, units: 2, activation: softmax}'], ['  batch_size: true']),
      'data/t.csv': TABLE,
    });
    const result = await loadConfig(path.join(root, 'c.preflight.yml'), { root, displayPath: 'c.preflight.yml' });
    assert.ok(
      !result.ok && result.problems.some((p) => p.message === '`training.batch_size` must be a number, not true'),
      JSON.stringify(!result.ok && result.problems),
    );
  });
});

describe('text encodings', () => {
  const data = repo({});
  test('a UTF-16 CSV with a byte-order mark gets a hint about the encoding', async () => {
    writeFileSync(path.join(data, 'utf16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TABLE, 'utf16le')]));
    const problem = await loadProblem(data, 'utf16.csv');
    assert.match(problem.message, /UTF-16 encoded.*Save it as UTF-8/);
  });

  test('a UTF-16 CSV without a byte-order mark gets the same hint', async () => {
    writeFileSync(path.join(data, 'utf16-nobom.csv'), Buffer.from(TABLE, 'utf16le'));
    assert.match((await loadProblem(data, 'utf16-nobom.csv')).message, /UTF-16/);
  });

  test('a CSV with CR-only line endings gets a hint about the line endings', async () => {
    writeFileSync(path.join(data, 'mac.csv'), TABLE.replace(/\n/g, '\r'));
    assert.match((await loadProblem(data, 'mac.csv')).message, /carriage return alone.*LF or CRLF/);
  });

  test('CRLF files still load', async () => {
    writeFileSync(path.join(data, 'dos.csv'), TABLE.replace(/\n/g, '\r\n'));
    assert.equal((await loadOk(data, 'dos.csv')).rows, 20);
  });
});

describe('the comment', () => {
  const hostile = 'net %%{init: {"theme": "dark", "themeVariables": {"primaryColor": "#f00"}}}%% see https://evil.example/x and www.evil.example \u202Egnp.exe';
  const report = buildReport(
    [
      {
        config: 'models/a.preflight.yml',
        name: hostile,
        findings: [finding('unscaled-inputs', 'warning', { message: `column ${hostile} is unscaled` })],
        smoke: smoke(),
      },
    ],
    'error',
    '0.1.0',
  );
  const markdown = renderMarkdown(report, { mermaid: true });
  const mermaidBlocks = [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  // GitHub links bare URLs in text, not inside code blocks (the Mermaid chart is one).
  const text = markdown.replace(/```[\s\S]*?```/g, '');

  test('a Mermaid %%{init}%% directive in a config name never reaches the chart', () => {
    assert.ok(mermaidBlocks.length > 0);
    // Only the chart's own directive, on its first line; nothing from the name.
    for (const block of mermaidBlocks)
      assert.deepEqual(
        block
          .split('\n')
          .filter((line) => line.includes('%%'))
          .map((line) => line.startsWith('%%{init: {"themeVariables"')),
        block.startsWith('%%') ? [true] : [],
      );
    assert.ok(
      mermaidBlocks.some((block) => block.includes('init')),
      'the name is still shown in the chart title',
    );
  });

  test('bare URLs in names are not links, and bidi controls are removed', () => {
    assert.doesNotMatch(text, /https?:\/\//);
    assert.doesNotMatch(text, /www\.evil/);
    assert.doesNotMatch(markdown, /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    assert.match(markdown, /evil\.example/, 'the text itself is still shown');
    assert.doesNotMatch(escapeXml('a\u202Eb\u2066c'), /[\u202e\u2066]/);
    assert.equal(escapeMarkdown('https://x.example'), 'https:\u200b//x.example');
  });
});
