import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildReport } from '../../src/report/build.ts';
import { escapeMarkdown, escapeXml, mermaidLabel, stripControl } from '../../src/report/escape.ts';
import { fitToLimit } from '../../src/report/markdown.ts';
import { downsampleIndices, formatPlainDecimal } from '../../src/report/numbers.ts';
import { finding } from './fixtures.ts';

// Characters that break markdown, HTML or tables, mixed with ordinary text.
const hostileText = fc
  .array(fc.oneof(fc.constantFrom('|', '<', '>', '&', '`', '\\', '\n', '@', '[', ']', '(', ')', '*', '\u001b', '"'), fc.string({ maxLength: 4 })), {
    maxLength: 30,
  })
  .map((parts) => parts.join(''));

/** Pipes not escaped by a backslash. */
function bareCellBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '|') count++;
  }
  return count;
}

/** Splits at backticks that are not backslash-escaped: even parts are text, odd parts code spans. */
function splitCodeSpans(markdown: string): { text: string[]; code: string[] } {
  const parts: string[] = [''];
  for (let i = 0; i < markdown.length; i++) {
    if (markdown[i] === '\\') parts[parts.length - 1] += markdown[i] + (markdown[++i] ?? '');
    else if (markdown[i] === '`') parts.push('');
    else parts[parts.length - 1] += markdown[i];
  }
  return { text: parts.filter((_, i) => i % 2 === 0), code: parts.filter((_, i) => i % 2 === 1) };
}

test('escaped markdown never holds a bare pipe, raw HTML other than <br>, a newline or a mention', () => {
  fc.assert(
    fc.property(hostileText, (text) => {
      const escaped = escapeMarkdown(text);
      assert.equal(bareCellBreaks(escaped), 0);
      const { text: plain, code } = splitCodeSpans(escaped);
      assert.equal((plain.length + code.length) % 2, 1, 'code spans are balanced');
      for (const part of plain) {
        assert.ok(!part.replaceAll('<br>', '').includes('<'));
        assert.ok(!/@[^\u200b]/.test(part));
      }
      for (const span of code) assert.ok(!span.includes('\\') || span.includes('\\|'));
      assert.ok(!escaped.includes('\n'));
      assert.ok(!escaped.includes('\u001b'));
    }),
  );
});

test('code spans in messages stay code; other backticks are escaped', () => {
  assert.equal(escapeMarkdown('set `inputs: standardize` now'), 'set `inputs: standardize` now');
  assert.equal(escapeMarkdown('`a|b` <x>'), '`a\\|b` &lt;x&gt;');
  assert.equal(escapeMarkdown('one ` tick'), 'one \\` tick');
  assert.equal(escapeMarkdown('`a\\b` and `c`'), '\\`a\\\\b\\` and `c`');
});

test('escaped XML never holds markup characters; Mermaid labels never hold quotes or backticks', () => {
  fc.assert(
    fc.property(hostileText, (text) => {
      assert.ok(!/[<>"']/.test(escapeXml(text)));
      assert.ok(!/&(?!(amp|lt|gt|quot|#39);)/.test(escapeXml(text)));
      assert.ok(!/["`\n]/.test(mermaidLabel(text)));
      assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(stripControl(text)));
    }),
  );
});

test('fitToLimit stays within any limit', () => {
  const report = buildReport(
    [{ config: 'a|b.yml', name: 'n', findings: Array.from({ length: 40 }, (_, i) => finding(`c-${i}`, i % 3 === 0 ? 'error' : 'notice')) }],
    'error',
    '0.1.0',
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20_000 }), (maxChars) => fitToLimit(report, {}, maxChars).length <= maxChars),
    { numRuns: 40 },
  );
});

test('downsampleIndices keeps the ends, stays sorted and within the budget', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 300 }), (length, max) => {
      const picked = downsampleIndices(length, max);
      assert.ok(picked.length <= max && picked.length <= length);
      for (let i = 1; i < picked.length; i++) assert.ok(picked[i] > picked[i - 1]);
      if (length > 0) assert.equal(picked[picked.length - 1], length - 1);
      if (length > 0 && max > 1) assert.equal(picked[0], 0);
    }),
  );
});

test('formatPlainDecimal writes finite numbers without an exponent, close to the value (0 below 1e-96)', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }), (value) => {
      const text = formatPlainDecimal(value);
      assert.ok(/^-?\d+(\.\d+)?$/.test(text), text);
      const back = Number(text);
      assert.ok(Math.abs(back - value) <= Math.abs(value) * 1e-3 + 1e-96, `${value} -> ${text}`);
    }),
  );
});
