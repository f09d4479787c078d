import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/build.ts';
import { fitToLimit, renderMarkdown, renderMermaidLossChart } from '../../src/report/markdown.ts';
import { isEvenlySpaced, MERMAID_MAX_POINTS } from '../../src/report/mermaid.ts';
import { cleanReport, everySeverityReport, finding, hugeReport, nanLossReport, smoke } from './fixtures.ts';

const DOCS = 'https://github.com/owner/nn-preflight/blob/v1/';

/** Cells of a GFM table row, split at pipes that are not backslash-escaped. */
function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') {
      cell += row[i] + (row[i + 1] ?? '');
      i++;
    } else if (row[i] === '|') {
      cells.push(cell);
      cell = '';
    } else {
      cell += row[i];
    }
  }
  cells.push(cell);
  return cells.slice(1, -1).map((c) => c.trim());
}

/** One-line findings: [badge, the rest of the line], most severe first within a section. */
function findingRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .map((line) => /^\s*- (?:↳ )?((?:🔴|🟡|🔵) (?:error|warning|notice)) (.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1], match[2]]);
}

function mermaidBlocks(markdown: string): string[] {
  return markdown
    .split('```mermaid\n')
    .slice(1)
    .map((rest) => rest.slice(0, rest.indexOf('\n```')));
}

test('evenly spaced grids get a numeric axis, grids with gaps keep one label per step', () => {
  assert.ok(isEvenlySpaced([1, 4, 6, 9, 11]), 'rounding by one step is still even');
  assert.ok(!isEvenlySpaced([1, 2, 3, 40, 41]), 'a stretch of left-out steps is a gap');
  assert.ok(!isEvenlySpaced([1, 2]), 'two points: labels are readable anyway');
});

function seriesLengths(block: string): { xAxis: number; lines: number[] } {
  const listLength = (line: string) => line.slice(line.indexOf('[') + 1, line.lastIndexOf(']')).split(',').length;
  const lines = block.split('\n').map((l) => l.trim());
  const xAxis = lines.find((l) => l.startsWith('x-axis'));
  return { xAxis: xAxis ? listLength(xAxis) : 0, lines: lines.filter((l) => l.startsWith('line [')).map(listLength) };
}

test('one line per finding, most severe first, check linked to its docs page', () => {
  const report = everySeverityReport();
  const markdown = renderMarkdown(report, { docsBaseUrl: DOCS });
  const rows = findingRows(markdown);
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows.map((cells) => cells[0].split(' ')[1]),
    ['error', 'warning', 'notice'],
  );
  assert.ok(rows[0][1].startsWith(`[non-finite-loss](${DOCS}docs/checks/non-finite-loss.md): `));
  assert.match(rows[0][1], /\(<code>configs\\+win\\+housing\.preflight\.yml:3<\/code>\)$/, 'a finding in another file shows its path');
  assert.ok(rows[1][1].endsWith('(line 7)'), 'a finding in the config the heading names shows its line alone');
  assert.ok(
    markdown.split('\n').every((line) => line.length <= 400),
    'no line over 400 characters',
  );
  assert.ok(markdown.includes('❌ **Failure**'));
  assert.ok(markdown.includes('No findings.'), 'the clean config says so');
});

test('evidence sits in collapsed blocks with the measured numbers', () => {
  const markdown = renderMarkdown(everySeverityReport(), {});
  const blocks = markdown.split('<details><summary>Evidence').slice(1);
  assert.equal(blocks.length, 3);
  assert.ok(blocks.some((b) => b.includes('| featureMax | 255 |')));
  assert.ok(
    blocks.some((b) => b.includes('```json') && b.includes('"dense_1"')),
    'nested evidence as JSON',
  );
  assert.ok(blocks.every((b) => b.includes('</details>')));
});

test('summary lines of collapsed blocks are raw HTML, so names in them carry no markdown escapes', () => {
  // GitHub reads a line starting with <details> as an HTML block: a backslash there shows literally.
  const fixCheck = { change: "kernel_initializer matched to each layer's activation", seed: 0, steps: 50, metric: 'loss', before: 2, after: 1, verified: true };
  const report = buildReport(
    [
      {
        config: 'configs/my_model.preflight.yml',
        name: 'my_model',
        findings: [finding('init-scale-mismatch', 'warning', { file: 'configs/my_model.preflight.yml', evidence: { limit: 10, fix_check: fixCheck } })],
      },
    ],
    'error',
    'test',
  );
  const markdown = renderMarkdown(report, { mermaid: true });
  const summaries = markdown.split('\n').filter((line) => line.startsWith('<details><summary>'));
  const evidence = summaries.find((line) => line.includes('Evidence'));
  const fix = summaries.find((line) => line.includes('Verified fix'));
  assert.ok(evidence?.includes('<code>configs/my_model.preflight.yml:12</code>'), evidence);
  assert.ok(fix?.includes('<code>kernel_initializer matched to each layer&#39;s activation</code>'), fix);
  assert.ok(
    summaries.every((line) => !line.includes('\\')),
    summaries.join('\n'),
  );
});

test('a clean report renders a success verdict without finding lines', () => {
  const markdown = renderMarkdown(cleanReport(), { heading: 'Preflight' });
  assert.ok(markdown.startsWith('## Preflight'));
  assert.ok(markdown.includes('✅ **Success**'));
  assert.equal(findingRows(markdown).length, 0);
});

test('user text cannot break the table, inject HTML, or ping people', () => {
  const report = buildReport(
    [
      {
        config: 'cfg/a|b<script>.preflight.yml',
        name: 'a|b<script>alert(1)</script>',
        findings: [
          finding('unscaled-inputs', 'warning', {
            file: 'cfg/a|b<script>.yml',
            message: 'value `x | y` from @someone\nsecond line <img src=x onerror=alert(1)>',
            fix: 'set `a|b` to [link](javascript:alert(1))',
          }),
        ],
      },
    ],
    'error',
    '0.1.0',
  );
  const markdown = renderMarkdown(report, { docsBaseUrl: DOCS });
  assert.ok(!markdown.includes('<script>'));
  assert.ok(!markdown.includes('<img'));
  assert.ok(!markdown.includes('@someone'));
  assert.ok(!/[^\\]\]\(javascript:/.test(markdown), 'a link bracket is escaped');
  const rows = findingRows(markdown);
  assert.equal(rows.length, 1, 'a line break in user text cannot end the finding line');
  assert.ok(rows[0][1].includes('from @\u200bsomeone second line &lt;img'), rows[0][1]);
  const heading = markdown.split('\n').find((line) => line.startsWith('### '))!;
  assert.ok(heading.includes('a\\|b&lt;script&gt;'));
});

test('unsafe link targets are not linked', () => {
  const markdown = renderMarkdown(everySeverityReport(), { docsBaseUrl: 'javascript:alert(1)//', runUrl: 'javascript:x' });
  assert.ok(!markdown.includes('javascript:'));
});

test('mermaid chart: quoted title, a numeric step axis for evenly spaced steps, at most 150 points per series, numbers table fallback', () => {
  const markdown = renderMarkdown(everySeverityReport(), { mermaid: true });
  const [block] = mermaidBlocks(markdown);
  assert.ok(block.includes('xychart-beta'));
  assert.ok(block.includes('title "Loss: housing-price-mlp"'));
  assert.ok(block.includes('y-axis "loss"'));
  const xLine = block
    .split('\n')
    .find((l) => l.trim().startsWith('x-axis'))!
    .trim();
  assert.equal(xLine, 'x-axis "step" 1 --> 400', 'first and last step kept, labelled by ticks rather than one label per point');
  const { lines } = seriesLengths(block);
  assert.equal(lines.length, 2, 'training and validation loss');
  assert.ok(
    lines.every((n) => n <= MERMAID_MAX_POINTS && n > 100),
    `series lengths ${lines.join(', ')}`,
  );
  assert.equal(lines[0], lines[1]);
  assert.ok(markdown.includes('<details><summary>Loss numbers</summary>'));
  assert.ok(renderMarkdown(everySeverityReport(), {}).indexOf('```mermaid') < 0, 'no chart unless asked');
});

test('mermaid chart leaves out NaN values and every number parses', () => {
  const chart = renderMermaidLossChart(nanLossReport().results[0].smoke!, 'title with "quotes" and `ticks`');
  assert.ok(!chart.includes('NaN') && !chart.includes('Infinity'));
  assert.ok(chart.includes(`title "title with 'quotes' and  ticks "`));
  const lineValues = chart
    .split('\n')
    .filter((l) => l.trim().startsWith('line ['))
    .flatMap((l) => l.slice(l.indexOf('[') + 1, l.lastIndexOf(']')).split(','));
  assert.ok(lineValues.length > 0);
  for (const value of lineValues) assert.ok(/^-?\d+(\.\d+)?$/.test(value.trim()), `plain decimal: ${value}`);
  assert.equal(renderMermaidLossChart(smoke({ loss: [Number.NaN], val_loss: [], val_steps: [] }), 't'), '');
});

test('an SVG chart path becomes an image link', () => {
  const markdown = renderMarkdown(everySeverityReport(), { charts: { 'configs/housing.preflight.yml': 'charts/loss housing.svg' } });
  assert.ok(markdown.includes('](charts/loss%20housing.svg)'));
});

test('fitToLimit keeps the report within the limit and says what it left out', () => {
  const report = hugeReport();
  const full = renderMarkdown(report, { mermaid: true });
  for (const maxChars of [65_536, 20_000, 3_000]) {
    const fitted = fitToLimit(report, { mermaid: true, runUrl: 'https://github.com/o/r/actions/runs/7' }, maxChars);
    assert.ok(fitted.length <= maxChars, `${fitted.length} > ${maxChars}`);
    assert.ok(fitted.length < full.length);
    assert.ok(fitted.includes('Left out: evidence details; loss charts;'), 'the note names what was dropped');
    assert.ok(fitted.includes('actions/runs/7'));
    const rows = findingRows(fitted);
    const severities = rows.map((cells) => cells[0].split(' ')[1]);
    assert.ok(severities.length > 0);
    // Rows go from the least severe up: a notice is kept only when every warning and error is.
    const kept = new Set(severities);
    if (kept.has('notice')) assert.equal(severities.filter((s) => s !== 'notice').length, report.counts.error + report.counts.warning);
    if (kept.has('warning')) assert.equal(severities.filter((s) => s === 'error').length, report.counts.error);
  }
});

test('fitToLimit leaves a report alone when it fits, and drops only evidence when that suffices', () => {
  const report = everySeverityReport();
  const full = renderMarkdown(report, { mermaid: true });
  assert.equal(fitToLimit(report, { mermaid: true }, full.length), full);
  const withoutEvidence = fitToLimit(report, { mermaid: true }, full.length - 200);
  assert.ok(withoutEvidence.length <= full.length - 200);
  assert.ok(withoutEvidence.includes('```mermaid'));
  assert.ok(withoutEvidence.includes('Left out: evidence details.'));
  assert.equal(findingRows(withoutEvidence).length, 3);
  assert.equal(renderMarkdown(report, { mermaid: true, maxChars: full.length - 200 }), withoutEvidence);
});

test('fitToLimit never exceeds even a tiny limit', () => {
  for (const maxChars of [0, 10, 150]) assert.ok(fitToLimit(hugeReport(), {}, maxChars).length <= maxChars);
});

test('the smoke line names the compiled step when it trained, and only then', async () => {
  const { describeSmoke } = await import('../../src/report/describe.ts');
  const base = { backend: 'wasm', steps: 200, seconds: 0.5, steps_per_second: 400, loss: [1, 0.5], val_loss: [] } as unknown as Parameters<
    typeof describeSmoke
  >[0];
  assert.match(describeSmoke({ ...base, backend_notes: ['training step: compiled (one plain-JS pass)'] }), /^wasm \(compiled step\) · 200 steps/);
  assert.match(
    describeSmoke({ ...base, backend_notes: ["training step: TF.js ops (compiled step not used: layer 'c' (conv2d) is not compiled)"] }),
    /^wasm · 200 steps/,
  );
  assert.match(describeSmoke(base), /^wasm · 200 steps/);
});
