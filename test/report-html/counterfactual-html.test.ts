// The counterfactual runs in the HTML report: the base ref's curve in the loss chart with the
// comparison table under it, and each finding's fix check in its card. Synthetic numbers, no training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtmlReport } from '../../src/report/html/render.ts';
import type { HtmlRun } from './fixtures.ts';
import { findingCard } from '../../src/report/html/findings-html.ts';
import { baseComparison, counterfactualRun, finding, fixCheck, reportOf, tabularRun } from './fixtures.ts';

const render = (run: HtmlRun) => renderHtmlReport(reportOf([run]));

/** The SVG of the chart titled `title`, from its accessible title to its end. */
function chart(html: string, title: string): string {
  const start = html.indexOf(`<title>${title}</title>`);
  assert.ok(start >= 0, `a chart titled ${title}`);
  return html.slice(start, html.indexOf('</svg>', start));
}

/** The accessible description of a chart: the series it draws, in order. */
function description(svg: string): string {
  return svg.match(/<desc>([^<]*)<\/desc>/)?.[1] ?? '';
}

/** The body of one report section of the first config. */
function panel(html: string, section: string): string {
  const start = html.indexOf(`data-section="${section}"`);
  assert.ok(start >= 0, `a ${section} panel`);
  return html.slice(start, html.indexOf('</section>', start));
}

test('the base run is drawn in the smoke run loss chart only when the config was compared', async () => {
  const compared = chart(await render(counterfactualRun()), 'Smoke run loss');
  assert.match(description(compared), /for training, validation, baseline: predict the mean, training at base origin\/main\./);
  assert.match(compared, />training at base origin\/main</, 'the legend names the base');

  const atCommit = chart(await render(counterfactualRun(baseComparison({ ref: 'a'.repeat(40) }))), 'Smoke run loss');
  assert.match(description(atCommit), /training at base aaaaaaa\./, 'a commit id is shortened');

  const plain = chart(await render(tabularRun()), 'Smoke run loss');
  assert.match(description(plain), /for training, validation, baseline: predict the mean\./);
  assert.ok(!plain.includes('at base'), 'no base series without a comparison');
  const unavailable = chart(await render(counterfactualRun(baseComparison({ status: 'unavailable', reason: 'no history' }))), 'Smoke run loss');
  assert.ok(!unavailable.includes('at base'), 'a comparison that did not run has no curve to draw');
});

test('the comparison table shows the finals per seed, the means, the bar and each changed key', async () => {
  const loss = panel(await render(counterfactualRun()), 'loss');
  const table = loss.slice(loss.indexOf('<div class="comparison"'));
  assert.match(
    table,
    /Compared with base <code>origin\/main<\/code>:<\/strong> <span class="verdict verdict-regression">trains <strong>worse<\/strong> than the base/,
  );
  assert.match(table, /<tr><td>final loss per seed<\/td><td>0\.1, 0\.12, 0\.11<\/td><td>diverged, 0\.9, 1<\/td><\/tr>/);
  assert.match(table, /<tr><td>mean<\/td><td>0\.11<\/td><td>diverged<\/td><\/tr>/);
  assert.match(table, /Seed noise x1\.051 \(pooled std of ln loss 0\.05\); a change counts beyond x1\.162 either way/);
  assert.match(table, /<tr><td><code>training\.learning_rate<\/code><\/td><td>0\.01<\/td><td>3<\/td><td>0\.1<\/td><\/tr>/);
  assert.match(table, /<tr><td><code>model\.layers\[1\]\.units<\/code><\/td><td>64<\/td><td>8<\/td><td><\/td><\/tr>/, 'an unmeasured revert stays empty');
  assert.match(table, /<tr><td><code>data\/train\.csv<\/code><\/td><td><\/td><td>contents changed<\/td>/);
  assert.match(table, /base read from GitHub&#39;s API; head seed 0 gave no final loss\./);
});

test('the comparison sits in the panel of the training-regression finding, under the loss chart', async () => {
  const loss = panel(await render(counterfactualRun()), 'loss');
  assert.match(loss, /data-check="training-regression"/);
  const chartAt = loss.indexOf('<title>Smoke run loss</title>');
  const tableAt = loss.indexOf('<div class="comparison"');
  assert.ok(chartAt >= 0 && tableAt > chartAt, 'the table follows the chart');
});

test('a comparison that did not run says why in one line, with or without a smoke run', async () => {
  const html = await render(counterfactualRun(baseComparison({ ref: 'main', status: 'unavailable', reason: 'the ref main is not in the local git history' })));
  assert.match(
    panel(html, 'loss'),
    /<p class="comparison muted" data-status="unavailable">Base <code>main<\/code>: not compared \(the ref main is not in the local git history\)\.<\/p>/,
  );
  assert.doesNotMatch(html, /final loss per seed/);

  const noSmoke: HtmlRun = {
    result: { config: 'a.preflight.yml', name: 'a', findings: [], comparison: baseComparison({ status: 'new-config', base: undefined }) },
  };
  assert.match(panel(await render(noSmoke), 'loss'), /Base <code>origin\/main<\/code>: new in this change\./);
});

test('a verified fix check shows its badge, both final losses and a small chart of both runs', async () => {
  const card = await findingCard(finding('unscaled-inputs', 'a.yml', { evidence: { fix_check: fixCheck() } }));
  assert.match(card, /<span class="proof verified">verified<\/span> Smoke run with <code>preprocessing\.inputs: standardize<\/code>: final loss 2 → 0\.5/);
  const svg = chart(card, 'Loss with and without the fix');
  assert.match(description(svg), /for as configured, with the fix\./);
  const width = Number(card.match(/<svg[^>]* width="(\d+)"/)?.[1]);
  assert.ok(width > 0 && width < 400, `the chart fits the card (${width}px)`);
});

test('an unverified fix check says not verified, and a diverged side reads as diverged', async () => {
  const card = await findingCard(
    finding('learning-rate-too-high', 'a.yml', { evidence: { fix_check: fixCheck({ before: null, after: 1.9, verified: false }) } }),
  );
  assert.match(card, /<span class="proof not-verified">not verified<\/span>/);
  assert.doesNotMatch(card, /class="proof verified"/);
  assert.match(card, /final loss diverged → 1\.9/);

  const together = await findingCard(
    finding('learning-rate-too-high', 'a.yml', {
      evidence: { fix_check: fixCheck({ verified: false, combined: { changes: ['a', 'b'], metric: 'loss', before: 5, after: 0.1, verified: true } }) },
    }),
  );
  assert.match(together, /<span class="proof verified-together">verified with the other fixes<\/span>/);
  assert.match(together, /All suggested fixes together \(<code>a<\/code> \+ <code>b<\/code>\): final loss 5 → 0\.1, verified\./);
});

test('a card without a fix check has no fix-check block, and one without a curve has no chart', async () => {
  assert.doesNotMatch(await findingCard(finding('unscaled-inputs', 'a.yml')), /fix-check|<svg/);
  const card = await findingCard(finding('unscaled-inputs', 'a.yml', { evidence: { fix_check: fixCheck({ curve: undefined }) } }));
  assert.match(card, /class="proof verified"/);
  assert.doesNotMatch(card, /<svg/);
});

test('refs, keys, values, notes and fix changes from the report are escaped', async () => {
  const hostile = '<script>alert(1)</script>';
  const run = counterfactualRun(
    baseComparison({
      ref: hostile,
      changes: [{ key: `model.${hostile}`, base: hostile, head: '"&' }],
      changedFiles: [hostile],
      notes: [hostile],
    }),
  );
  run.result.findings.push(finding('non-finite-loss', run.result.config, { evidence: { fix_check: fixCheck({ change: hostile, metric: hostile }) } }));
  const html = await render(run);
  assert.ok(!/<script/i.test(html), 'no script tag anywhere');
  assert.match(html, /Compared with base <code>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/code>/);
  assert.match(html, /<code>model\.&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/code>/);
  assert.match(html, /<td>&quot;&amp;<\/td>/);
  assert.match(html, /Smoke run with <code>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/code>/);
  assert.match(html, /training at base &lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'the series name in the chart is escaped too');
});
