import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { commentableLines, planSuggestions, suggestionBody } from '../../src/github/review.ts';
import type { Finding } from '../../src/checks/types.ts';
import { diffRightLines } from './fake-github/server.ts';

test('added and context lines are commentable, removed lines are not', () => {
  const patch = ['@@ -1,4 +1,5 @@', ' version: 1', '-name: old', '+name: new', '+task: binary', ' data:', ' x: 1'].join('\n');
  assert.deepEqual(
    [...commentableLines(patch)].sort((a, b) => a - b),
    [1, 2, 3, 4, 5],
  );
});

test('several hunks keep their own line numbers; "no newline" markers take no line', () => {
  const patch = ['@@ -2,2 +2,2 @@ name', ' a', '-b', '+B', '@@ -20,2 +20,3 @@ training:', ' y', '+z', ' w', '\\ No newline at end of file'].join('\n');
  assert.deepEqual(
    [...commentableLines(patch)].sort((a, b) => a - b),
    [2, 3, 20, 21, 22],
  );
});

test('a hunk header without counts means one line', () => {
  assert.deepEqual([...commentableLines('@@ -0,0 +1 @@\n+only')], [1]);
});

test('agrees with an independent reading of random diffs', () => {
  const row = fc.oneof(fc.constant('+'), fc.constant('-'), fc.constant(' '));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.array(row, { minLength: 1, maxLength: 8 })), { minLength: 1, maxLength: 4 }), (hunks) => {
      let oldStart = 1;
      let newStart = 1;
      const lines: string[] = [];
      for (const [gap, rows] of hunks) {
        oldStart += gap;
        newStart += gap;
        const oldCount = rows.filter((r) => r !== '+').length;
        const newCount = rows.filter((r) => r !== '-').length;
        lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...rows.map((r, i) => `${r}line ${i}`));
        oldStart += oldCount;
        newStart += newCount;
      }
      const patch = lines.join('\n');
      assert.deepEqual(
        [...commentableLines(patch)].sort((a, b) => a - b),
        [...diffRightLines(patch)].sort((a, b) => a - b),
      );
    }),
    { numRuns: 200 },
  );
});

function finding(line: number, replacement: string): Finding {
  return {
    id: 'x',
    severity: 'error',
    title: 'T',
    message: 'M',
    fix: 'F',
    file: 'a.preflight.yml',
    line,
    docs: 'docs/checks/x.md',
    evidence: {},
    suggestion: { line, replacement },
  };
}

test('suggestions inside the diff are placed, others and a second fix for one line go to the comment', () => {
  const files = [{ filename: 'sub/a.preflight.yml', status: 'modified', patch: '@@ -3,2 +3,2 @@\n-a\n+b\n c' }];
  const plan = planSuggestions([finding(3, 'x: 1'), finding(3, 'x: 2'), finding(9, 'y: 1')], files, (f) => `sub/${f}`, 'job');
  assert.deepEqual(
    plan.placeable.map((s) => [s.path, s.line]),
    [['sub/a.preflight.yml', 3]],
  );
  assert.deepEqual(
    plan.outsideDiff.map((f) => f.suggestion!.replacement),
    ['x: 2', 'y: 1'],
  );
});

test('a replacement holding backticks cannot close the suggestion fence', () => {
  const body = suggestionBody(finding(1, 'name: ```evil```'), 'name: ```evil```', 'job');
  assert.match(body, /^````suggestion\nname: ```evil```\n````$/m);
});
