import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogram, sharedRange } from '../../src/report/charts/histogram.ts';
import { decadeDomain, decadeTicks, uniqueLabels } from '../../src/report/charts/scale.ts';
import { featureScaleChart, histogramChart, labelDistributionChart, layerBarChart, lossCurvesChart, valueRangeChart } from '../../src/report/charts/index.ts';

test('histogram counts every finite value in range once and counts NaN/Infinity apart', () => {
  const values = [0, 0.1, 0.5, 0.99, 1, Number.NaN, Number.POSITIVE_INFINITY, 2];
  const h = histogram(values, { min: 0, max: 1 }, 4);
  assert.equal(h.bins.length, 4);
  assert.equal(h.nonFinite, 2);
  assert.equal(h.finite, 5, 'the value 2 lies outside the range');
  assert.deepEqual(
    h.bins.map((b) => b.count),
    [2, 0, 1, 2],
    'the last bin includes its end (1)',
  );
  assert.equal(h.bins[0].start, 0);
  assert.equal(h.bins[3].end, 1);
});

test('a shared range covers all series and is widened around a single repeated value', () => {
  assert.deepEqual(
    sharedRange([
      [1, 5],
      [-2, 3, Number.NaN],
    ]),
    { min: -2, max: 5 },
  );
  const single = sharedRange([[3, 3, 3]])!;
  assert.ok(single.min < 3 && single.max > 3);
  assert.equal(sharedRange([[Number.NaN]]), undefined);
});

test('log domains snap to whole decades and include reference values', () => {
  assert.deepEqual(decadeDomain([0.03, 400]), [0.01, 1000]);
  assert.deepEqual(decadeDomain([50, 60], [1]), [1, 100]);
  assert.equal(decadeDomain([0, -1, Number.NaN]), undefined);
  assert.deepEqual(decadeTicks([1e-3, 1e2]), [1e-3, 1e-2, 1e-1, 1, 10, 100]);
  assert.ok(decadeTicks([1e-30, 1e30]).length <= 10);
  assert.deepEqual(uniqueLabels(['a', 'b', 'a']), ['a', 'b', 'a (2)']);
});

/** Elements that draw data (not the axis frame): Vega puts them in groups with role-mark. */
function markCount(svg: string): number {
  const groups = svg.match(/<g class="mark-[a-z]+ role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g) ?? [];
  return groups.reduce((n, group) => n + (group.match(/<(path|line|rect|text|circle)\b/g) ?? []).length, 0);
}

function assertChart(svg: string, title: string): void {
  assert.match(svg, /^<svg[^>]*class="[^"]*nnp-chart/);
  assert.ok(svg.includes(`<title>${title}</title>`), `accessible title ${title}`);
  assert.ok(markCount(svg) > 0, `${title} draws marks`);
  assert.ok(!/href=|url\((?!#)|@import/.test(svg), 'nothing in the SVG can load a resource (only local #fragment references)');
  assert.ok(svg.includes('prefers-color-scheme: dark'), 'the SVG carries its dark-theme rules');
  assert.ok(!/<rect[^>]*fill="(white|#fff|#ffffff)"/i.test(svg), 'no opaque white background');
}

test('every chart renders to a themed SVG with marks, axis titles and escaped user text', async () => {
  const hostile = '<script>alert(1)</script>';
  const scales = await featureScaleChart({
    preprocessing: 'standardize',
    features: [
      { name: hostile, raw: { mean: 1500, std: 400 }, processed: { mean: 0, std: 1 } },
      { name: 'flat', raw: { mean: 2, std: 0 }, processed: { mean: 0, std: 0 } },
    ],
  });
  assertChart(scales, 'Feature scales');
  assert.ok(!scales.includes('<script>'), 'user text is escaped');
  assert.ok(scales.includes('&lt;script&gt;'));
  assert.match(scales, /not drawn on the log axis: flat/);

  const hist = await histogramChart({
    title: 'sqft',
    panels: [{ title: 'raw', axisTitle: 'value (data units)', series: [{ name: 'train', values: [1, 2, 2, 3, Number.NaN] }] }],
  });
  assertChart(hist, 'Histogram of sqft');
  assert.match(hist, /value \(data units\)/);
  assert.match(hist, /1 NaN\/Infinity value not drawn/);

  const labels = await labelDistributionChart({
    classes: [
      { label: 'cat', count: 90 },
      { label: 'dog', count: 10 },
    ],
  });
  assertChart(labels, 'Label distribution');
  assert.match(labels, /90 \(90\.0%\)/);

  const loss = await lossCurvesChart({
    title: 'Loss',
    xTitle: 'training step',
    yTitle: 'loss (mse)',
    series: [
      {
        name: 'training',
        points: [
          { x: 1, y: 10 },
          { x: 2, y: Number.NaN },
          { x: 3, y: 2 },
        ],
      },
    ],
  });
  assertChart(loss, 'Loss');
  assert.match(loss, /1 value not drawn/);

  const layers = await layerBarChart({
    title: 'Gradients',
    layers: ['d0', 'd1'],
    series: [{ name: 'norm', values: [1e-6, 3] }],
    valueTitle: 'gradient norm (log scale)',
    scale: 'log',
  });
  assertChart(layers, 'Gradients');
  assert.match(layers, /gradient norm \(log scale\)/);

  const ranges = await valueRangeChart({ title: 'Ranges', ranges: [{ name: 'channel 0', min: 0, max: 255, mean: 120, std: 50 }], valueTitle: 'pixel value' });
  assertChart(ranges, 'Ranges');
});

test('the log-scale layer chart gives a bar ten times the value a longer bar', async () => {
  const svg = await layerBarChart({ title: 'G', layers: ['a', 'b'], series: [{ name: 'norm', values: [0.01, 10] }], valueTitle: 'norm', scale: 'log' });
  const widths = [...svg.matchAll(/aria-roledescription="bar" d="M[\d.]+,[\d.]+h([\d.]+)/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 2);
  assert.ok(widths[1] > widths[0] && widths[0] > 0, `bars ${widths}`);
});

test('clip-path ids differ between charts, so charts inline in one page do not share clips', async () => {
  const draw = (values: number[]) => layerBarChart({ title: 'G', layers: ['a', 'b'], series: [{ name: 'n', values }], valueTitle: 'norm', scale: 'log' });
  const ids = (svg: string) => [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  const first = await draw([0.1, 10]);
  const second = await draw([1, 100]);
  assert.ok(ids(first).length > 0);
  assert.ok(
    ids(first).every((id) => !ids(second).includes(id)),
    `${ids(first)} vs ${ids(second)}`,
  );
  for (const svg of [first, second]) {
    for (const ref of svg.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids(svg).includes(ref[1]), `reference ${ref[1]} resolves inside its own chart`);
  }
  assert.equal(await draw([0.1, 10]), first, 'rendering is deterministic');
});
