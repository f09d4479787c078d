// One config that throws costs only its own report: it becomes an internal-error finding (an error, so
// an unchecked setup never passes as checked), and every other config of the run keeps its findings.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCheckWithRuns } from '../../src/pipeline.ts';

const root = mkdtempSync(path.join(tmpdir(), 'nnp-isolation-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(path.join(root, 'data'));
writeFileSync(path.join(root, 'data/train.csv'), ['x1,x2,y', ...Array.from({ length: 40 }, (_, i) => `${i * 1000},${i % 5},${i % 2}`)].join('\n') + '\n');

function config(name: string): string {
  const file = path.join(root, `${name}.preflight.yml`);
  writeFileSync(
    file,
    [
      'version: 1',
      `name: ${name}`,
      'data:',
      '  train: data/train.csv',
      '  targets: [y]',
      'model:',
      '  layers:',
      '    - {type: dense, units: 8, activation: relu}',
      '    - {type: dense, units: 1, activation: sigmoid}',
      'training:',
      '  loss: binary_crossentropy',
      '',
    ].join('\n'),
  );
  return file;
}

test('a run of two configs where the first throws while its data loads: one internal-error, the second config reported in full', async () => {
  const broken = config('broken');
  const sound = config('sound');
  const { report, runs } = await runCheckWithRuns({
    root,
    configs: [broken, sound],
    smoke: false,
    backend: 'cpu',
    failOn: 'error',
    onProgress: (event) => {
      if (event.config === broken && event.phase === 'data') throw new Error('simulated loader crash');
    },
  });
  assert.equal(report.results.length, 2);
  const [first, second] = report.results;
  assert.equal(first.config, broken);
  assert.deepEqual(
    first.findings.map((f) => [f.id, f.severity]),
    [['internal-error', 'error']],
  );
  assert.match(first.findings[0].message, /simulated loader crash/);
  assert.match(first.findings[0].message, /not checked/);
  assert.equal(report.conclusion, 'failure', 'an unchecked config fails the run');

  assert.equal(second.name, 'sound');
  assert.ok(
    second.findings.some((f) => f.id === 'unscaled-inputs'),
    JSON.stringify(second.findings.map((f) => f.id)),
  );
  assert.ok(!second.findings.some((f) => f.id === 'internal-error'));
  assert.ok(runs[1].evidence, 'the second config keeps its evidence for the charts');
});

test('a config that throws later, while its checks are reported, is isolated the same way', async () => {
  const broken = config('late');
  const sound = config('fine');
  const { report } = await runCheckWithRuns({
    root,
    configs: [sound, broken],
    smoke: false,
    backend: 'cpu',
    failOn: 'never',
    onProgress: (event) => {
      if (event.config === broken && event.phase === 'checks') throw new RangeError('Maximum call stack size exceeded');
    },
  });
  assert.deepEqual(
    report.results.map((r) => r.findings.some((f) => f.id === 'internal-error')),
    [false, true],
  );
  assert.ok(report.results[0].findings.length > 0);
});

test('the visual report: a config whose charts cannot be drawn gets a note, the other config its page', async () => {
  const { renderHtmlReport } = await import('../../src/report/html/render.ts');
  const { report } = await runCheckWithRuns({ root, configs: [config('drawn'), config('undrawable')], smoke: false, backend: 'cpu', failOn: 'never' });
  // Chart data in a shape no chart expects, as a renderer bug would meet it.
  report.results[1] = { ...report.results[1], dataCharts: { figures: null } as never };
  const html = await renderHtmlReport(report);
  assert.match(html, /id="config-1"><h2>undrawable<\/h2><p class="note">The visual report of this config could not be drawn/);
  assert.match(html, /id="config-0"><h2>drawn<\/h2>/);
  assert.ok(html.indexOf('<svg') >= 0 && html.indexOf('<svg') < html.indexOf('id="config-1"'), 'the first config keeps its charts');
});
