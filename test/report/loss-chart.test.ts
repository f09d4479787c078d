// The loss-<name>.svg files: the one loss-series model drawn by Vega-Lite, headless, as standalone SVG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lossChartInput, renderLossChartSvg, stackSvgs } from '../../src/report/loss-chart.ts';
import { trainingPoints, validationPoints } from '../../src/report/loss-series.ts';
import { checkXml } from './xml.ts';
import { smoke } from './fixtures.ts';

test('the Vega-Lite chart draws the same series as the loss-series model', () => {
  const summary = smoke();
  const input = lossChartInput(summary, undefined, 't');
  const byName = Object.fromEntries(input.series.map((s) => [s.name, s.points]));
  assert.deepEqual(
    byName.training,
    trainingPoints(summary).map((p) => ({ x: p.step, y: p.value })),
  );
  assert.deepEqual(
    byName.validation,
    validationPoints(summary).map((p) => ({ x: p.step, y: p.value })),
  );
  assert.deepEqual(byName['baseline: predict the mean'], [
    { x: 1, y: 1 },
    { x: 400, y: 1 },
  ]);
});

test('a diverged run: the SVG is well-formed, counts what it could not draw and marks where the run broke', async () => {
  const loss = [3, 2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NaN];
  const svg = await renderLossChartSvg(smoke({ loss, steps: loss.length, val_loss: [], val_steps: [], first_non_finite: { step: 4, where: 'loss' } }), {
    title: 'diverged',
  });
  assert.deepEqual(checkXml(svg).problems, []);
  assert.match(svg, /3 values not drawn/);
  assert.match(svg, /first non-finite loss/);
  assert.doesNotMatch(svg, />(NaN|Infinity)</, 'no axis label or value prints a non-finite number');
});

test('no loss at all still gives a valid SVG that says so; the title is escaped', async () => {
  const svg = await renderLossChartSvg(smoke({ loss: [], val_loss: [], val_steps: [], steps: 0 }), { title: 'a|b<script>alert("x")</script> & co' });
  assert.deepEqual(checkXml(svg).problems, []);
  assert.match(svg, /no finite values to draw/);
  assert.doesNotMatch(svg, /<script/);
});

test('with an LR range test the file holds both charts, one under the other', async () => {
  const lrs = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
  const svg = await renderLossChartSvg(smoke({ lr_range: { lrs, losses: [2, 1.9, 1.2, 0.8, 5], suggested: 1e-3 }, learning_rate: 0.01 }), { title: 't' });
  const root = checkXml(svg).elements[0];
  const inner = checkXml(svg)
    .elements.filter((e) => e.name === 'svg')
    .slice(1);
  assert.equal(inner.length, 2);
  assert.equal(Number(inner[0].attributes.y), 0);
  assert.equal(Number(inner[1].attributes.y), Number(inner[0].attributes.height));
  assert.equal(Number(root.attributes.height), Number(inner[0].attributes.height) + Number(inner[1].attributes.height));
  assert.match(svg, /Learning-rate range test/);
  assert.match(svg, /configured 0\.01/);
});

test('stacking keeps each chart whole and sizes the document to fit', () => {
  const a = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><rect/></svg>';
  const b = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><circle/></svg>';
  const stacked = stackSvgs([a, b], 'x');
  assert.match(stacked, /^<svg [^>]*width="120" height="70"/);
  assert.ok(stacked.includes('<svg x="0" y="40" xmlns'));
});
