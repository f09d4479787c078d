// `nn-preflight init` on data files written here: the config it writes must load and check cleanly,
// and each choice (task, loss, output, preprocessing) must follow from the data.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parseArgs, UsageError } from '../src/cli/args.ts';
import { initConfig, type InitSettings } from '../src/cli/init.ts';
import { runCheck } from '../src/pipeline.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-init-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** deterministic values in [0, 1) */
function unit(i: number, salt: number): number {
  const u = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return u - Math.floor(u);
}

function write(name: string, text: string | Uint8Array): string {
  const file = path.join(root, name);
  writeFileSync(file, text);
  return file;
}

async function init(settings: Partial<InitSettings>) {
  const result = await initConfig({ force: false, ...settings }, root, root);
  if (!result.ok) throw new Error(result.message);
  return result;
}

/** The written config through the real checker (static checks): no config-error, nothing above a notice. */
async function assertChecksClean(file: string): Promise<void> {
  const report = await runCheck({ root, configs: [file], smoke: false, backend: 'cpu', failOn: 'error' });
  const loud = report.results[0].findings.filter((f) => f.severity !== 'notice' || f.id === 'config-error');
  assert.deepEqual(
    loud.map((f) => `${f.id}: ${f.message}`),
    [],
    readFileSync(file, 'utf8'),
  );
}

test('regression from a European CSV: delimiter, decimal comma, standardize, one_hot, standardized targets', async () => {
  const lines = ['sqft;rooms;score;plan;price'];
  for (let i = 0; i < 300; i++) {
    const plan = ['basic', 'pro', 'team'][i % 3];
    lines.push(
      [
        (800 + unit(i, 1) * 1500).toFixed(0),
        String(1 + (i % 3)),
        (unit(i, 2) - 0.5).toFixed(3).replace('.', ','),
        plan,
        (150000 + unit(i, 3) * 90000).toFixed(0),
      ].join(';'),
    );
  }
  write('homes.csv', lines.join('\n') + '\n');
  const result = await init({ data: 'homes.csv', targets: ['price'] });
  assert.equal(result.file, path.join(root, 'homes.preflight.yml'));
  const text = result.text;
  assert.match(text, /^task: regression /m);
  assert.match(text, /^ {2}delimiter: ";"$/m);
  assert.match(text, /^ {2}decimal: ","$/m);
  assert.match(text, /^ {4}standardize: \[sqft\]/m);
  assert.match(text, /^ {4}one_hot: \[plan\]/m);
  assert.match(text, /^ {4}none: \[rooms, score\]/m);
  assert.match(text, /^ {2}targets: standardize/m);
  assert.match(text, /loss: mean_squared_error/);
  assert.match(text, /units: 1, activation: linear/);
  await assertChecksClean(result.file);
});

test('binary from class names, a guessed target, a constant and an id column left out, a validation file found', async () => {
  const make = (rows: number, salt: number) => {
    const lines = ['customer_id,age,spend,country,label'];
    for (let i = 0; i < rows; i++) {
      const spend = unit(i, salt) * 2 - 1;
      lines.push([`c${salt}-${i}`, (20 + unit(i, salt + 1) * 50).toFixed(0), spend.toFixed(3), 'NL', spend + unit(i, salt + 2) > 0.4 ? 'yes' : 'no'].join(','));
    }
    return lines.join('\n') + '\n';
  };
  write('churn_train.csv', make(400, 1));
  write('churn_val.csv', make(100, 7));
  const result = await init({ data: 'churn_train.csv' });
  const text = result.text;
  assert.match(text, /^task: binary +# 2 class names \(no, yes\)/m);
  assert.match(text, /targets: \[label\] +# guessed/);
  assert.match(text, /validation: churn_val.csv/);
  assert.match(text, /features: \[age, spend\]/);
  assert.match(text, /# left out: customer_id \(text with 400 distinct values: an id or free text\)/);
  assert.match(text, /# left out: country \(a single category\)/);
  assert.match(text, /^ {2}inputs:\n {4}standardize: \[age\].*\n {4}none: \[spend\]/m);
  assert.match(text, /loss: binary_crossentropy/);
  assert.match(text, /units: 1, activation: sigmoid/);
  await assertChecksClean(result.file);
});

test('multiclass class ids from Parquet, and multilabel from several 0/1 targets', async () => {
  const rows = 240;
  const a = Array.from({ length: rows }, (_, i) => unit(i, 4) * 2 - 1);
  const b = Array.from({ length: rows }, (_, i) => unit(i, 5) * 2 - 1);
  const species = Array.from({ length: rows }, (_, i) => (a[i] > 0.3 ? 2 : b[i] > 0 ? 1 : 0) + (i % 7 === 0 ? 1 : 0) - (i % 7 === 0 && a[i] > 0.3 ? 1 : 0));
  write(
    'flowers.parquet',
    new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'a', data: a, type: 'DOUBLE' },
          { name: 'b', data: b, type: 'DOUBLE' },
          { name: 'species', data: species.map(BigInt), type: 'INT64' },
        ],
      }),
    ),
  );
  const multi = await init({ data: 'flowers.parquet', targets: ['species'] });
  assert.match(multi.text, /^task: multiclass +# the target holds whole numbers 0..2/m);
  assert.match(multi.text, /loss: sparse_categorical_crossentropy/);
  assert.match(multi.text, /units: 3, activation: softmax/);
  assert.match(multi.text, /inputs: none/);
  await assertChecksClean(multi.file);

  const lines = ['x1,x2,tag_a,tag_b,tag_c'];
  for (let i = 0; i < rows; i++) lines.push([a[i].toFixed(3), b[i].toFixed(3), a[i] > 0 ? 1 : 0, b[i] > 0 ? 1 : 0, a[i] + b[i] > 0.5 ? 1 : 0].join(','));
  write('tags.csv', lines.join('\n') + '\n');
  const labels = await init({ data: 'tags.csv', targets: ['tag_a', 'tag_b', 'tag_c'] });
  assert.match(labels.text, /^task: multilabel/m);
  assert.match(labels.text, /units: 3, activation: sigmoid/);
  assert.match(labels.text, /loss: binary_crossentropy/);
  await assertChecksClean(labels.file);
});

test('never overwrites without --force; --model and --framework pytorch write the model key and torch.nn losses', async () => {
  write('small.csv', ['x,y', ...Array.from({ length: 60 }, (_, i) => `${unit(i, 9).toFixed(3)},${i % 2}`)].join('\n') + '\n');
  const out = write('taken.preflight.yml', 'version: 1\n');
  const refused = await initConfig({ data: 'small.csv', out: 'taken.preflight.yml', force: false }, root, root);
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.match(refused.message, /exists; pass --force to overwrite it/);
  assert.equal(readFileSync(out, 'utf8'), 'version: 1\n');

  const forced = await init({ data: 'small.csv', out: 'taken.preflight.yml', force: true, model: path.join(root, 'net.onnx'), framework: 'pytorch' });
  assert.equal(readFileSync(out, 'utf8'), forced.text);
  assert.match(forced.text, /^ {2}onnx: net.onnx$/m);
  assert.doesNotMatch(forced.text, /layers:/);
  assert.match(forced.text, /^ {2}framework: pytorch$/m);
  assert.match(forced.text, /loss: BCEWithLogitsLoss/);
  assert.match(forced.text, /batch_size: 6 /);

  const missing = await initConfig({ data: 'nope.csv', out: 'other.preflight.yml', force: false }, root, root);
  assert.equal(missing.ok, false);
  assert.equal(existsSync(path.join(root, 'other.preflight.yml')), false);
});

test('the command line: init and its options; mistakes are usage errors', () => {
  const settings = parseArgs(['init', 'data/train.csv', '--target', 'a,b', '--model=m.onnx', '--framework', 'keras', '--out', 'x.preflight.yml', '--force']);
  assert.equal(settings.command, 'init');
  assert.deepEqual(settings.init, { force: true, data: 'data/train.csv', targets: ['a', 'b'], model: 'm.onnx', framework: 'keras', out: 'x.preflight.yml' });
  assert.throws(
    () => parseArgs(['init', '--framework', 'jax']),
    (e) => e instanceof UsageError && /Expected one of: pytorch, keras/.test(e.message),
  );
  assert.throws(() => parseArgs(['init', 'a.csv', 'b.csv']), UsageError);
  assert.throws(() => parseArgs(['init', '--target']), UsageError);
  assert.throws(() => parseArgs(['init', '--smoke']), UsageError);
});

test('a guessed target that is free text is refused with the reason, and nothing is written', async () => {
  write('notes.csv', ['x,comment', ...Array.from({ length: 30 }, (_, i) => `${unit(i, 3).toFixed(2)},${i % 3 === 0 ? 'ok' : i}`)].join('\n') + '\n');
  const result = await initConfig({ data: 'notes.csv', force: false }, root, root);
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.message, /target column comment holds text that is not a small set of class names/);
  assert.equal(existsSync(path.join(root, 'notes.preflight.yml')), false);
});
