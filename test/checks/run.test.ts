import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findingFromDraft, runChecks } from '../../src/checks/run.ts';
import { checksById } from '../../src/checks/index.ts';
import type { Check } from '../../src/checks/types.ts';
import { defineMessages, message, says } from '../../src/checks/messages.ts';
import { makeEvidence, smokeTrace } from './factory.ts';

const meta = (id: string, needs: Check['meta']['needs'] = []): Check['meta'] => ({
  id,
  title: id,
  pitfall: 'test',
  kind: 'static',
  defaultSeverity: 'warning',
  docs: `docs/checks/${id}.md`,
  needs,
  section: 'other',
});

const fixed = (id: string, needs: Check['meta']['needs'] = [], key = 'training.learning_rate'): Check => ({
  meta: meta(id, needs),
  run: () => [{ message: `${id} fired on this setup`, fix: 'do something', key }],
});

describe('runChecks', () => {
  it('skips data checks without data and smoke checks without a trace', () => {
    const evidence = makeEvidence({ noData: true });
    const ids = runChecks(evidence, [fixed('a'), fixed('b', ['data']), fixed('c', ['smoke'])]).map((f) => f.id);
    assert.deepEqual(ids, ['a']);
    const withAll = makeEvidence({ smoke: smokeTrace() });
    assert.deepEqual(
      runChecks(withAll, [fixed('a'), fixed('b', ['data']), fixed('c', ['smoke'])])
        .map((f) => f.id)
        .sort(),
      ['a', 'b', 'c'],
    );
  });

  it('locates the key in the config and fills id, title, docs and file', () => {
    const evidence = makeEvidence({ learningRate: 3 });
    const [finding] = runChecks(evidence, [fixed('a')]);
    const expectedLine = evidence.source.lines.findIndex((l) => l.includes('learning_rate:')) + 1;
    assert.equal(finding.line, expectedLine);
    assert.equal(finding.column, 3);
    assert.equal(finding.file, 'test.preflight.yml');
    assert.equal(finding.docs, 'docs/checks/a.md');
    assert.deepEqual(finding.evidence, {});
  });

  it('applies severity overrides and drops checks set to off', () => {
    const evidence = makeEvidence({ checks: { a: 'error', b: 'off' } });
    const findings = runChecks(evidence, [fixed('a'), fixed('b'), fixed('c')]);
    assert.deepEqual(
      findings.map((f) => [f.id, f.severity]),
      [
        ['a', 'error'],
        ['c', 'warning'],
      ],
    );
  });

  it('turns a throwing check into an internal-error finding that names it', () => {
    const broken: Check = {
      meta: meta('broken'),
      run: () => {
        throw new Error('boom');
      },
    };
    const findings = runChecks(makeEvidence(), [broken, fixed('a')]);
    const internal = findings.find((f) => f.id === 'internal-error');
    assert.ok(internal);
    assert.equal(internal.evidence.check, 'broken');
    assert.equal(internal.evidence.error, 'boom');
    assert.ok(
      findings.some((f) => f.id === 'a'),
      'the other checks still run',
    );
  });

  it('words a finding from its message id and data: the paragraph, the headline, and the id and data beside them', () => {
    const templates = defineMessages({
      'rate-off': says<{ rate: number }>(
        (d) => `The rate ${d.rate} is off. It will not train.`,
        (d) => `The rate ${d.rate} is off.`,
      ),
    });
    const worded: Check = {
      meta: { ...meta('worded'), messages: templates },
      run: () => [{ message: message(templates, 'rate-off', { rate: 3 }), fix: 'lower it', key: 'training.learning_rate' }],
    };
    const [finding] = runChecks(makeEvidence(), [worded]);
    assert.equal(finding.message, 'The rate 3 is off. It will not train.');
    assert.equal(finding.headline, 'The rate 3 is off.');
    assert.equal(finding.messageId, 'rate-off');
    assert.deepEqual(finding.messageData, { rate: 3 });
  });

  it('gives a free-text finding its first sentence as headline, and a check naming a message it lacks an internal-error', () => {
    const [free] = runChecks(makeEvidence(), [fixed('a')]);
    assert.equal(free.headline, 'a fired on this setup');
    assert.equal(free.messageId, undefined);
    const typo: Check = { meta: { ...meta('typo'), messages: {} }, run: () => [{ message: { id: 'no-such-message', data: {} }, fix: 'fix', key: 'training' }] };
    const [internal] = runChecks(makeEvidence(), [typo]);
    assert.equal(internal.id, 'internal-error');
    assert.equal(internal.messageId, 'check-failed');
    assert.match(String(internal.evidence.error), /typo has no message "no-such-message"/);
  });

  it('sorts by severity, then line', () => {
    const evidence = makeEvidence();
    const at = (id: string, severity: 'error' | 'warning' | 'notice', key: string): Check => ({
      meta: meta(id),
      run: () => [{ severity, message: 'message long enough', fix: 'fix', key }],
    });
    const findings = runChecks(evidence, [
      at('n', 'notice', 'version'),
      at('w2', 'warning', 'training.loss'),
      at('w1', 'warning', 'data.train'),
      at('e', 'error', 'training.batch_size'),
    ]);
    assert.deepEqual(
      findings.map((f) => f.id),
      ['e', 'w1', 'w2', 'n'],
    );
  });

  it('runs every registered check on a healthy setup without internal errors or errors', () => {
    const findings = runChecks(makeEvidence({ smoke: smokeTrace() }));
    assert.deepEqual(
      findings.filter((f) => f.id === 'internal-error' || f.severity === 'error'),
      [],
    );
  });
});

describe('findingFromDraft', () => {
  it('keeps a data file location and drops config suggestions there', () => {
    const evidence = makeEvidence();
    const finding = findingFromDraft(
      checksById.get('data-error')!.meta,
      {
        message: 'data/train.csv, line 7: bad quote',
        fix: 'fix the file',
        file: 'data/train.csv',
        line: 7,
        key: 'data.train',
        suggestion: { line: 3, replacement: 'x' },
      },
      'test.preflight.yml',
      evidence.source,
    );
    assert.equal(finding.file, 'data/train.csv');
    assert.equal(finding.line, 7);
    assert.equal(finding.severity, 'error');
    assert.equal(finding.suggestion, undefined);
  });

  it('works without a source (config that failed to parse)', () => {
    const finding = findingFromDraft(
      checksById.get('config-error')!.meta,
      { message: 'YAML syntax error', fix: 'fix it', line: 2, column: 5 },
      'a.preflight.yml',
    );
    assert.deepEqual([finding.file, finding.line, finding.column, finding.id], ['a.preflight.yml', 2, 5, 'config-error']);
  });
});
