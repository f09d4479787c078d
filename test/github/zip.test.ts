import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readZipFile, ZipError } from '../../src/github/zip.ts';
import { makeZip } from './zip-writer.ts';

test('reads a file by base name from a deflated archive', () => {
  const zip = makeZip({ 'nested/report.json': '{"a":1}', 'other.txt': 'x' });
  assert.equal(readZipFile(zip, 'report.json', 1000)?.toString(), '{"a":1}');
  assert.equal(readZipFile(zip, 'missing.json', 1000), undefined);
});

test('refuses entries over the size cap and data that is not a zip', () => {
  const zip = makeZip({ 'report.json': 'y'.repeat(5000) });
  assert.throws(() => readZipFile(zip, 'report.json', 100), ZipError);
  assert.throws(() => readZipFile(Buffer.from('not a zip at all, just some bytes here'), 'report.json', 100), ZipError);
});
