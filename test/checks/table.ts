// ESLint-style table tests: valid setups produce nothing, invalid ones produce the expected findings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Check, FindingDraft } from '../../src/checks/types.ts';
import type { Severity } from '../../src/config/types.ts';
import { HEADLINE_MAX_CHARS, renderMessage } from '../../src/checks/messages.ts';
import { makeEvidence, type Setup } from './factory.ts';

export interface Expected {
  count?: number;
  severity?: Severity;
  key?: string;
  /** evidence fields that must match (numbers compared to 1e-6 relative) */
  evidence?: Record<string, unknown>;
  /** the suggested line must contain this text */
  suggestion?: string;
  /** the message id, and data fields that must match (like evidence) */
  message?: { id: string; data?: Record<string, unknown> };
}

export interface Table {
  valid: { name: string; setup: Setup }[];
  invalid: { name: string; setup: Setup; expect: Expected }[];
}

function matches(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    return Object.entries(expected).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
  }
  return actual === expected;
}

export function checkFirst(drafts: FindingDraft[], check: Check, expected: Expected): void {
  assert.ok(drafts.length > 0, `${check.meta.id} should report`);
  if (expected.count !== undefined) assert.equal(drafts.length, expected.count);
  const first = drafts[0];
  assert.equal(first.severity ?? check.meta.defaultSeverity, expected.severity ?? check.meta.defaultSeverity);
  if (expected.key !== undefined) assert.equal(first.key, expected.key);
  for (const [k, v] of Object.entries(expected.evidence ?? {})) {
    assert.ok(matches(first.evidence?.[k], v), `evidence.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(first.evidence?.[k])}`);
  }
  if (expected.suggestion !== undefined) {
    assert.ok(first.suggestion, 'expected a one-line suggestion');
    assert.ok(first.suggestion.replacement.includes(expected.suggestion), `suggestion "${first.suggestion.replacement}" lacks "${expected.suggestion}"`);
  }
  if (expected.message !== undefined) {
    assert.ok(typeof first.message !== 'string', 'the message is an id with data');
    assert.equal(first.message.id, expected.message.id);
    for (const [k, v] of Object.entries(expected.message.data ?? {})) {
      assert.ok(matches(first.message.data[k], v), `message data ${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(first.message.data[k])}`);
    }
  }
  for (const d of drafts) assertWorded(check, d);
}

/** Every draft names a message of its check, whose paragraph, headline and fix read as the contracts say. */
export function assertWorded(check: Check, draft: FindingDraft): void {
  assert.ok(typeof draft.message !== 'string', `${check.meta.id} words its findings through meta.messages`);
  const { text, headline } = renderMessage(check.meta, draft.message);
  assert.ok(text.length > 20 && draft.fix.length > 10, 'every finding has a message and a fix');
  assert.ok(headline.length > 0 && headline.length <= HEADLINE_MAX_CHARS, `${check.meta.id} headline is ${headline.length} characters: ${headline}`);
  assert.ok(!headline.includes('\n') && !/[.!?] +[A-Z]/.test(headline), `${check.meta.id} headline is one sentence: ${headline}`);
  assert.match(headline, /[.!?]$/, `${check.meta.id} headline ends a sentence: ${headline}`);
  // The key number, when the message has one (a missing validation split has none).
  if (Object.values(draft.message.data).some((v) => typeof v === 'number' && Number.isFinite(v)))
    assert.match(headline, /\d/, `${check.meta.id} headline carries a number: ${headline}`);
}

export function runTable(check: Check, table: Table): void {
  describe(check.meta.id, () => {
    for (const { name, setup } of table.valid) {
      it(`valid: ${name}`, () => assert.deepEqual(check.run(makeEvidence(setup)), []));
    }
    for (const { name, setup, expect } of table.invalid) {
      it(`invalid: ${name}`, () => checkFirst(check.run(makeEvidence(setup)), check, expect));
    }
  });
}
