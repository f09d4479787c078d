import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CELL_EMPTY, CELL_NUMBER, CELL_TEXT, parseCell, parseCellText, parsedCell, scanPlainNumber } from '../../src/data/number-cell.ts';

function cell(text: string): { kind: number; value?: number } {
  const bytes = Buffer.from(text, 'latin1');
  const kind = parseCell(bytes, 0, bytes.length);
  return kind === CELL_NUMBER ? { kind, value: parsedCell.value } : { kind };
}

test('numbers in the usual spellings', () => {
  const cases: [string, number][] = [
    ['1e-3', 0.001],
    ['-0.5', -0.5],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    [' 42 ', 42],
    ['1E5', 100000],
    ['123456789012345678', 123456789012345678],
    ['1e300', 1e300],
    ['nan', NaN],
    ['NaN', NaN],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['+inf', Infinity],
    ['3\r', 3],
  ];
  for (const [text, expected] of cases) assert.deepEqual(cell(text), { kind: CELL_NUMBER, value: expected }, text);
});

test('missing markers are empty and words are text', () => {
  for (const text of ['', '  ', 'NA', 'null', 'None', 'N/A']) assert.equal(cell(text).kind, CELL_EMPTY, text);
  for (const text of ['paris', '1,5', '0x10', '12abc', 'e5', '-', '1e', '--1']) assert.equal(cell(text).kind, CELL_TEXT, text);
  assert.equal(parseCellText('  7.25 '), CELL_NUMBER);
  assert.equal(parsedCell.value, 7.25);
});

test('any double printed by JavaScript reads back exactly, through both paths', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const text = String(v);
      const bytes = Buffer.from(`${text},`);
      assert.deepEqual(cell(text), { kind: CELL_NUMBER, value: Number(text) });
      const end = scanPlainNumber(bytes, 0, bytes.length, 0x2c);
      if (end >= 0) {
        assert.equal(end, text.length);
        assert.equal(parsedCell.value, Number(text));
      }
    }),
    { numRuns: 2000 },
  );
});

test('decimal strings with up to 15 digits take the fast path and match Number()', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), fc.integer({ min: 0, max: 15 }), (mantissa, decimals) => {
      const digits = Math.abs(mantissa)
        .toString()
        .padStart(decimals + 1, '0');
      const text = `${mantissa < 0 ? '-' : ''}${digits.slice(0, digits.length - decimals)}${decimals ? '.' : ''}${digits.slice(digits.length - decimals)}`;
      const bytes = Buffer.from(text);
      assert.equal(scanPlainNumber(bytes, 0, bytes.length, 0x2c), bytes.length, text);
      assert.equal(parsedCell.value, Number(text), text);
    }),
    { numRuns: 3000 },
  );
});
