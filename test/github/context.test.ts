// What the run compares with, read from the event: a pull request's base, a push's previous head, or
// nothing (a new branch, a deleted one, other events).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readWorkflowContext } from '../../src/action/context.ts';

const env = (eventName: string) => ({
  GITHUB_REPOSITORY: 'octo/models',
  GITHUB_WORKSPACE: '/tmp/ws',
  GITHUB_EVENT_NAME: eventName,
  GITHUB_SHA: 'f'.repeat(40),
});
const before = 'b'.repeat(40);

test('the base commit comes from the event that started the run', () => {
  const pull = { number: 3, pull_request: { number: 3, head: { sha: 'a'.repeat(40) }, base: { sha: 'c'.repeat(40) } } };
  assert.equal(readWorkflowContext(env('pull_request'), pull).baseSha, 'c'.repeat(40));
  assert.equal(readWorkflowContext(env('push'), { before, after: 'f'.repeat(40) }).baseSha, before);
  assert.equal(readWorkflowContext(env('push'), { before: '0'.repeat(40) }).baseSha, undefined, 'a new branch has no previous head');
  assert.equal(readWorkflowContext(env('push'), { before, deleted: true }).baseSha, undefined, 'a deleted branch is not checked against anything');
  assert.equal(readWorkflowContext(env('push'), { before: '--output=x' }).baseSha, undefined, 'only a commit id is taken from the payload');
  assert.equal(readWorkflowContext(env('workflow_dispatch'), { before }).baseSha, undefined);
});
