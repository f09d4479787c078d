import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeCommentBody, readCommentState } from '../../src/github/comment-body.ts';
import { buildReport } from '../../src/report/build.ts';
import type { Finding } from '../../src/checks/types.ts';
import type { Severity } from '../../src/config/types.ts';

const MARKER = '<!-- nn-preflight:job -->';

function finding(severity: Severity, message = 'm'): Finding {
  return { id: 'x', severity, title: 'T', message, fix: 'F', file: 'a.preflight.yml', line: 1, docs: 'docs/checks/x.md', evidence: {} };
}

const compose = (findings: Finding[], previousBody?: string, maxChars?: number) =>
  composeCommentBody({
    report: buildReport([{ config: 'a.preflight.yml', name: 'a', findings }], 'error', '0.1.0'),
    marker: MARKER,
    markdown: {},
    outsideDiff: [],
    toRepoPath: (f) => f,
    previousBody,
    maxChars,
  });

test('the body starts with the marker and records what it reported', () => {
  const body = compose([finding('error'), finding('notice')]);
  assert.ok(body.startsWith(MARKER));
  assert.deepEqual(readCommentState(body), { findings: 2, failing: 1 });
});

test('says everything is fixed when a later run has no findings', () => {
  const before = compose([finding('error'), finding('warning')]);
  assert.match(compose([], before), /Everything is fixed: all 2 findings/);
});

test('says the failing findings are fixed when only notices remain', () => {
  const before = compose([finding('error')]);
  const after = compose([finding('notice')], before);
  assert.match(after, /Fixed: the 1 finding that failed the previous run is gone/);
  assert.doesNotMatch(compose([finding('error')], before), /fixed/i);
});

test('never exceeds the limit, however many findings', () => {
  const many = Array.from({ length: 400 }, (_, i) => finding('warning', `message ${i} `.repeat(40)));
  for (const limit of [65536, 8000]) {
    const body = compose(many, undefined, limit);
    assert.ok(body.length <= limit, `${body.length} > ${limit}`);
    assert.ok(body.startsWith(MARKER));
  }
});
