// report.json carries its schema version, and docs/report.schema.json (generated from the reader's schema)
// is current and describes what the tool writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseReportJson, renderJson, REPORT_SCHEMA_FILE, REPORT_SCHEMA_VERSION, reportJsonSchemaText } from '../../src/report/json.ts';
import { imageRun, reportOf, tabularRun } from '../report-html/fixtures.ts';

const schemaText = readFileSync(new URL(`../../${REPORT_SCHEMA_FILE}`, import.meta.url), 'utf8');

test('docs/report.schema.json is what `npm run schema` writes now', () => {
  assert.equal(schemaText, reportJsonSchemaText(), 'run `npm run schema` and commit docs/report.schema.json');
});

test('a written report names its schema version and validates against the published schema', () => {
  const json = renderJson(reportOf([tabularRun(), imageRun()]));
  const doc = JSON.parse(json) as Record<string, unknown>;
  assert.equal(doc.schema_version, REPORT_SCHEMA_VERSION);
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(schemaText));
  assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5)));
  // A report without the field (written before it existed) still reads; another version does not.
  const { schema_version: _dropped, ...older } = doc;
  assert.ok('results' in parseReportJson(JSON.stringify(older)));
  assert.ok('error' in parseReportJson(JSON.stringify({ ...doc, schema_version: REPORT_SCHEMA_VERSION + 1 })));
});
