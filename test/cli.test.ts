// The built command line as a user runs it: exit codes, formats, and the files --out writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'dist', 'cli.js');

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

test('the bundled example fails at fail-on error, passes at never, and --out writes every report file', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'nnp-cli-'));
  const failing = run(['check', 'examples', '--no-smoke', '--format', 'json', '--out', out]);
  assert.equal(failing.status, 1, failing.stderr);
  const report = JSON.parse(failing.stdout) as { results: { config: string; findings: { id: string; severity: string }[] }[]; conclusion: string };
  assert.equal(report.conclusion, 'failure');
  const configs = report.results.map((r) => r.config);
  for (const example of [
    'examples/housing/housing-price.preflight.yml',
    'examples/wine/wine-quality.preflight.yml',
    'examples/keras-archive/churn.preflight.yml',
    'examples/pytorch-mlp/house-price.preflight.yml',
  ]) {
    assert.ok(configs.includes(example), `${example} is checked (got ${configs.join(', ')})`);
  }
  assert.deepEqual(
    report.results.find((r) => r.config === 'examples/keras-archive/churn.preflight.yml')?.findings.map((f) => f.id),
    [],
    'the Keras example is clean',
  );
  // The PyTorch example (an ONNX export) is clean too: nothing above a notice.
  const pytorch = report.results.find((r) => r.config.includes('pytorch-mlp'));
  assert.deepEqual(
    pytorch?.findings.filter((f) => f.severity !== 'notice').map((f) => f.id),
    [],
  );
  const ids = new Set(report.results.flatMap((r) => r.findings.map((f) => f.id)));
  for (const id of ['unscaled-inputs', 'unscaled-targets', 'output-activation-mismatch', 'learning-rate-too-high'])
    assert.ok(ids.has(id), `example should show ${id}`);
  for (const file of ['report.md', 'report.json', 'report.sarif', 'report.html']) assert.ok(existsSync(path.join(out, file)), file);
  assert.match(readFileSync(path.join(out, 'report.md'), 'utf8'), /\[Visual report[^\]]*\]\(report\.html\)/);
  assert.equal(JSON.parse(readFileSync(path.join(out, 'report.sarif'), 'utf8')).version, '2.1.0');
  assert.match(readFileSync(path.join(out, 'report.html'), 'utf8'), /<svg/);

  const passing = run(['check', 'examples', '--no-smoke', '--fail-on', 'never']);
  assert.equal(passing.status, 0, passing.stderr);
  assert.match(passing.stdout, /housing-price-mlp/);
});

test('misuse exits 2 with a message on stderr', () => {
  for (const args of [['check', '--format', 'xml'], ['check', 'no/such/path.preflight.yml'], ['frobnicate']]) {
    const result = run(args);
    assert.equal(result.status, 2, args.join(' '));
    assert.match(result.stderr, /nn-preflight:/);
    assert.equal(result.stdout, '');
  }
});

test('sarif and markdown formats print one document', () => {
  const sarif = run(['check', 'examples/housing', '--no-smoke', '--format', 'sarif']);
  const parsed = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] };
  assert.ok(parsed.runs[0].results.some((r) => r.ruleId === 'unscaled-inputs'));
  const markdown = run(['check', 'examples/housing', '--no-smoke', '--format', 'markdown']);
  assert.match(markdown.stdout, /^## nn-preflight/m);
  assert.match(markdown.stdout, /^- .*unscaled-inputs.*\(line \d+\)$/m, 'one line per finding');
  assert.doesNotMatch(markdown.stdout, /```mermaid/, 'no smoke run, no loss chart');
});
