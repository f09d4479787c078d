import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../scripts/chromium.ts';
import { CONTENT_SECURITY_POLICY, renderHtmlReport } from '../../src/report/html/render.ts';
import { sectionOfCheck } from '../../src/report/html/sections.ts';
import { counterfactualRun, HOSTILE_NAME, imageRun, reportOf, tabularRun } from './fixtures.ts';

const SVG_NAMESPACES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']);

/** The section each finding card sits in, read back from the page. */
function findingSections(html: string): { id: string; section: string; sectionHasChart: boolean }[] {
  const placed: { id: string; section: string; sectionHasChart: boolean }[] = [];
  for (const part of html.split(/<section class="panel" id="[^"]+" data-section="/).slice(1)) {
    const section = part.slice(0, part.indexOf('"'));
    const body = part.slice(0, part.indexOf('</section>'));
    for (const match of body.matchAll(/<div class="finding [^"]*" data-check="([^"]+)"/g)) {
      placed.push({ id: match[1], section, sectionHasChart: body.includes('<svg') });
    }
  }
  return placed;
}

/** Relative luminance (0 black .. 1 white) of a CSS `rgb(...)` colour, roughly: enough to tell light from dark. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

const rendering = (async () => {
  // The third config carries a base comparison and fix checks, so the browser test draws their charts too.
  const runs = [tabularRun(), imageRun(), counterfactualRun()];
  const report = reportOf(runs);
  return { runs, report, html: await renderHtmlReport(report) };
})();

test('the report is one self-contained page: strict CSP, no script, no URL but SVG namespaces', async () => {
  const { html } = await rendering;
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`));
  assert.equal(CONTENT_SECURITY_POLICY, "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
  assert.ok(!/<script/i.test(html));
  assert.ok(!html.includes('A chart could not be drawn'), 'every chart of the fixture drew');
  assert.ok(!/<link\b|@import|url\((?!#)/i.test(html), 'no stylesheet or resource reference');
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
  assert.deepEqual(
    urls.filter((url) => !SVG_NAMESPACES.has(url)),
    [],
  );
  const sources = [...html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1]);
  assert.ok(sources.length > 0 && sources.every((src) => src.startsWith('data:image/png;base64,')));
});

test('user text is escaped everywhere it appears', async () => {
  const { html } = await rendering;
  assert.ok(!html.includes(HOSTILE_NAME));
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!html.includes('<b>mlp</b>'), 'the config name is text, not markup');
  assert.ok(html.includes('housing &lt;b&gt;mlp&lt;/b&gt;'));
});

test('every finding sits in the section of its evidence, beside a chart when one applies', async () => {
  const { html, report } = await rendering;
  const placed = findingSections(html);
  const all = report.results.flatMap((r) => r.findings.map((f) => f.id));
  assert.deepEqual(placed.map((p) => p.id).sort(), [...all].sort(), 'each finding is shown once');
  for (const p of placed) {
    assert.equal(p.section, sectionOfCheck(p.id), p.id);
    if (p.section !== 'other') assert.ok(p.sectionHasChart, `${p.id} has a chart beside it`);
  }
});

test('every in-page link lands on an element of the page', async () => {
  const { html, report } = await rendering;
  const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
  const targets = [...html.matchAll(/<a href="#([^"]+)"/g)].map((m) => m[1]);
  const findingCount = report.results.reduce((n, r) => n + r.findings.length, 0);
  assert.ok(targets.length >= findingCount, 'each finding is listed with a link to its panel');
  for (const target of targets) assert.ok(ids.has(target), `#${target} exists`);
});

test('the image run shows its sample images, channel ranges and class names', async () => {
  const { html, runs } = await rendering;
  const imageArticle = html.slice(html.indexOf('<article id="config-1"'));
  const tiles = imageArticle.match(/<figure class="tile">/g) ?? [];
  assert.equal(tiles.length, Math.min(24, runs[1].evidence!.data!.train.split.sample.rows));
  assert.match(imageArticle, /<figcaption>dog \(1\)<\/figcaption>/);
  assert.match(imageArticle, /Per-channel value range after preprocessing/);
  assert.match(imageArticle, /black = 0, white = 1/);
});

test('in headless Chromium every chart and image renders, offline, in light and dark themes', { timeout: 120_000 }, async () => {
  const { html } = await rendering;
  const dir = mkdtempSync(path.join(tmpdir(), 'nnp-html-'));
  const file = path.join(dir, 'report.html');
  writeFileSync(file, html);
  const browser = await launchChromium();
  try {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      const charts = await page.$$eval('svg.nnp-chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = svg.querySelectorAll('.role-mark path, .role-mark line, .role-mark rect, .role-mark text, .role-mark circle').length;
          const title = svg.querySelector('title')?.textContent ?? '';
          return { title, width: box.width, height: box.height, marks };
        }),
      );
      const expected = (html.match(/<svg[^>]*class="[^"]*nnp-chart/g) ?? []).length;
      assert.ok(expected >= 10, `the fixture report draws many charts (${expected})`);
      assert.equal(charts.length, expected, 'the browser parsed every chart');
      for (const chart of charts) {
        assert.ok(chart.width > 0 && chart.height > 0, `${chart.title} has a size`);
        assert.ok(chart.marks > 0, `${chart.title} draws marks`);
      }

      const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ complete: img.complete, width: img.naturalWidth })));
      assert.ok(images.length > 0);
      for (const image of images) assert.ok(image.complete && image.width > 0, 'image decoded');

      assert.deepEqual(
        requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')),
        [],
        'nothing fetched from the network',
      );
      assert.deepEqual(problems, [], 'no console errors (a CSP violation would be one)');

      // Axis text and the page background follow the colour scheme.
      // (The page function stays free of named helpers: tsx would wrap them in a `__name` call the page lacks.)
      const css = await page.evaluate(() => {
        const label = document.querySelector('svg.nnp-chart .role-axis-label text');
        return { axisText: label ? getComputedStyle(label).fill : '', background: getComputedStyle(document.body).backgroundColor };
      });
      const colours = { axisText: luminance(css.axisText), background: luminance(css.background) };
      if (colorScheme === 'light') {
        assert.ok(colours.background > 0.9 && colours.axisText < 0.3, JSON.stringify(colours));
      } else {
        assert.ok(colours.background < 0.15 && colours.axisText > 0.7, JSON.stringify(colours));
      }
      if (process.env.NNP_KEEP_SCREENSHOTS)
        await page.screenshot({ path: path.join(process.env.NNP_KEEP_SCREENSHOTS, `report-${colorScheme}.png`), fullPage: true });
      await context.close();
    }
    // Control: the same checks notice a page that does reach for the network (blocked by the CSP).
    const tampered = path.join(dir, 'tampered.html');
    writeFileSync(tampered, html.replace('</main>', '<img src="http://example.invalid/pixel.png" alt=""></main>'));
    const page = await browser.newPage();
    const seen: string[] = [];
    page.on('request', (request) => seen.push(request.url()));
    page.on('console', (message) => seen.push(message.text()));
    await page.goto(pathToFileURL(tampered).href, { waitUntil: 'load' });
    assert.ok(
      seen.some((entry) => entry.includes('example.invalid')),
      'an outside URL is either requested or reported as blocked',
    );
    await page.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
