import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearTicks } from '../../src/report/chart-scale.ts';
import { renderLossChartSvg } from '../../src/report/svg.ts';
import { everySeverityReport, nanLossReport, smoke } from './fixtures.ts';
import { checkXml, type XmlElement } from './xml.ts';

function seriesPaths(elements: XmlElement[], name: string): XmlElement[] {
  return elements.filter((e) => e.name === 'path' && e.attributes['data-series'] === name);
}

function moves(path: XmlElement): number {
  return path.attributes.d.split('M').length - 1;
}

test('the XML checker catches what it should', () => {
  assert.deepEqual(checkXml('<a x="1"><b/>t &amp; u</a>').problems, []);
  assert.ok(checkXml('<a><b></a>').problems.length > 0);
  assert.ok(checkXml('<a>x & y</a>').problems.length > 0);
  assert.ok(checkXml('<a x=1></a>').problems.length > 0);
  assert.ok(checkXml('<a></a><b></b>').problems.length > 0);
});

test('the chart is well-formed SVG with both loss series, axis labels and a legend', () => {
  const svg = renderLossChartSvg(everySeverityReport().results[0].smoke!, { title: 'Loss: housing' });
  const { problems, elements } = checkXml(svg);
  assert.deepEqual(problems, []);
  assert.equal(elements[0].name, 'svg');
  assert.equal(elements[0].attributes.xmlns, 'http://www.w3.org/2000/svg');
  assert.equal(seriesPaths(elements, 'training loss').length, 1);
  assert.equal(seriesPaths(elements, 'validation loss').length, 1);
  assert.equal(moves(seriesPaths(elements, 'training loss')[0]), 1, 'an unbroken line');
  assert.ok(svg.includes('>step</text>') && svg.includes('>loss</text>'));
  assert.ok(svg.includes('prefers-color-scheme: dark'));
  assert.ok(!svg.includes('currentColor'));
  assert.ok(!elements.some((e) => e.name === 'rect' && e.attributes.fill), 'transparent background');
});

test('NaN leaves a gap, a red band and a note; the LR range panel is drawn on a log-lr axis', () => {
  const svg = renderLossChartSvg(nanLossReport().results[0].smoke!, { title: 'diverged' });
  const { problems, elements } = checkXml(svg);
  assert.deepEqual(problems, []);
  assert.ok(!svg.includes('NaN') || svg.includes('(NaN/Inf)'), 'NaN appears only in the note');
  const coordinates = seriesPaths(elements, 'training loss')[0].attributes.d;
  assert.ok(!coordinates.includes('NaN') && !coordinates.includes('Infinity'));
  assert.ok(elements.some((e) => e.name === 'rect' && e.attributes.class === 'nonfinite'));
  // 140 training losses from step 61 on, and the validation loss at step 100.
  assert.ok(svg.includes('141 non-finite values (NaN/Inf) from step 61'));
  assert.equal(seriesPaths(elements, 'loss after a few steps').length, 1);
  assert.ok(svg.includes('learning rate (log scale)'));
  assert.ok(svg.includes('suggested 0.003'));
});

test('a loss spanning more than two decades gets a log axis; a flat one does not', () => {
  const wide = renderLossChartSvg(smoke({ loss: [1000, 100, 10, 1, 0.5], val_loss: [], val_steps: [] }), { title: 't' });
  assert.ok(wide.includes('loss (log scale)'));
  const narrow = renderLossChartSvg(smoke({ loss: [2, 2, 2], val_loss: [], val_steps: [] }), { title: 't' });
  assert.ok(!narrow.includes('log scale'));
  assert.deepEqual(checkXml(narrow).problems, []);
});

test('an isolated NaN splits the line into two pieces', () => {
  const svg = renderLossChartSvg(smoke({ loss: [3, 2, Number.NaN, 1.5, 1], val_loss: [], val_steps: [] }), { title: 't' });
  assert.equal(moves(seriesPaths(checkXml(svg).elements, 'training loss')[0]), 2);
});

test('empty and all-NaN series still give a valid chart that says so', () => {
  const empty = renderLossChartSvg(smoke({ loss: [], val_loss: [], val_steps: [] }), { title: 'empty' });
  assert.deepEqual(checkXml(empty).problems, []);
  assert.ok(empty.includes('No loss values recorded'));
  const allNaN = renderLossChartSvg(smoke({ loss: [Number.NaN, Number.NaN], val_loss: [], val_steps: [] }), { title: 'nan' });
  assert.deepEqual(checkXml(allNaN).problems, []);
  assert.ok(allNaN.includes('No finite values to draw'));
});

test('the title is escaped', () => {
  const svg = renderLossChartSvg(smoke(), { title: 'a|b<script>alert("x")</script> & co' });
  const { problems, elements } = checkXml(svg);
  assert.deepEqual(problems, []);
  assert.ok(!elements.some((e) => e.name === 'script'));
  assert.ok(svg.includes('a|b&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'));
});

test('ticks stay few and finite for extreme and nearly equal values', () => {
  const nearlyEqual = renderLossChartSvg(smoke({ loss: [1, 1 + Number.EPSILON, 1], val_loss: [], val_steps: [] }), { title: 't' });
  assert.deepEqual(checkXml(nearlyEqual).problems, []);
  const extreme = renderLossChartSvg(smoke({ loss: [-1e308, 1e308, 0], val_loss: [], val_steps: [] }), { title: 't' });
  assert.deepEqual(checkXml(extreme).problems, []);
  assert.ok(!extreme.includes('NaN'));
  assert.deepEqual(linearTicks(0, 10), [0, 2, 4, 6, 8, 10]);
  assert.ok(linearTicks(1e20, 1e20 + 1).length <= 20);
});
