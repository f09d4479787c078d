// The shared report layout: root causes with their verified fix once, symptoms nested, the rest one line each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/build.ts';
import { parseReportJson, renderJson } from '../../src/report/json.ts';
import { describeEffect, finalLossOf, firstSentence, fixWithoutVerification, headlineOf, layoutOf } from '../../src/report/layout.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderText } from '../../src/report/text.ts';
import { renderHtmlReport } from '../../src/report/html/render.ts';
import type { ConfigResult } from '../../src/report/types.ts';
import { finding, smoke } from './fixtures.ts';

const solo = (change: string, before: number, after: number, verified: boolean, combined?: object) => ({
  change,
  seed: 0,
  steps: 100,
  metric: 'loss',
  before,
  after,
  afterStart: before,
  verified,
  ...(combined ? { combined } : {}),
});

function brokenResult(): ConfigResult {
  const together = {
    changes: ['preprocessing.inputs: standardize', 'preprocessing.targets: standardize', 'training.learning_rate: 0.01'],
    metric: 'loss',
    before: 8,
    after: 0.2,
    afterStart: 8,
    verified: true,
    minimal: ['preprocessing.inputs: standardize', 'preprocessing.targets: standardize'],
  };
  const verifiedSentence =
    ' Not verified alone: with preprocessing.inputs: standardize the smoke run did not clearly train better. Verified together with the other fixes (...).';
  return {
    config: 'c.preflight.yml',
    name: 'c',
    smoke: smoke({ controls: { baseline: { kind: 'mean', loss: 2 } } }),
    findings: [
      finding('unscaled-inputs', 'warning', {
        file: 'c.preflight.yml',
        line: 10,
        fix: `Standardize the inputs.${verifiedSentence}`,
        evidence: { fix_check: solo('preprocessing.inputs: standardize', 8, 7, false, together) },
      }),
      finding('unscaled-targets', 'warning', {
        file: 'c.preflight.yml',
        line: 11,
        evidence: { fix_check: solo('preprocessing.targets: standardize', 8, 6, false, together) },
      }),
      finding('learning-rate-too-low', 'warning', {
        file: 'c.preflight.yml',
        line: 20,
        evidence: { suggested: 0.01, fix_check: solo('training.learning_rate: 0.01', 8, 7.5, false, together) },
      }),
      finding('output-activation-mismatch', 'error', {
        file: 'c.preflight.yml',
        line: 17,
        symptoms: ['initial-loss-off'],
        evidence: { fix_check: solo('model.layers[2].activation: linear', 8, 1, true) },
      }),
      finding('initial-loss-off', 'warning', { file: 'c.preflight.yml', line: 17, causedBy: 'output-activation-mismatch' }),
      finding('no-validation-data', 'notice', { file: 'c.preflight.yml', line: 3 }),
    ],
  };
}

test('a fix verified alone and a set verified together are one root cause each; symptoms nest under their cause', () => {
  const layout = layoutOf(brokenResult());
  assert.deepEqual(
    layout.rootCauses.map((cause) => cause.changes),
    [['model.layers[2].activation: linear'], ['preprocessing.inputs: standardize', 'preprocessing.targets: standardize']],
  );
  const [alone, together] = layout.rootCauses;
  assert.deepEqual(
    alone.symptoms.map((f) => f.id),
    ['initial-loss-off'],
  );
  assert.deepEqual(
    together.causes.map((f) => f.id),
    ['unscaled-inputs', 'unscaled-targets'],
  );
  // The effect is against the trivial baseline (loss 2): 8 -> 0.2 is 4x -> 0.1x, measured with all three changes.
  assert.deepEqual({ before: together.effect.before, after: together.effect.after, unit: together.effect.unit }, { before: 4, after: 0.1, unit: 'baseline' });
  assert.match(
    describeEffect(together.effect),
    /^loss as a multiple of the trivial baseline 4× → 0\.1× \(100 steps, seed 0, measured with all 3 suggested fixes applied\)$/,
  );
  // The learning-rate change was not needed: its finding stays an ordinary line.
  assert.deepEqual(
    layout.others.map((f) => f.id),
    ['learning-rate-too-low', 'no-validation-data'],
  );
});

test('every renderer shows each root cause once, in the same order', async () => {
  const report = buildReport([brokenResult()], 'error', '0.1.0');
  const markdown = renderMarkdown(report, { mermaid: true });
  const text = renderText(report, { color: false, width: 400 });
  const html = await renderHtmlReport(report);
  for (const [name, out] of [
    ['markdown', markdown],
    ['text', text],
    ['html', html],
  ] as const) {
    const first = out.indexOf('activation: linear');
    const second = out.indexOf('preprocessing.inputs: standardize');
    assert.ok(first >= 0 && second > first, `${name}: the root causes in order`);
    assert.ok(out.indexOf('Fix first') >= 0 && out.indexOf('Fix first') < first, `${name}: under "Fix first"`);
    assert.doesNotMatch(out, /Verified together with the other fixes/, `${name}: the fix text's verification sentence is not repeated`);
  }
  assert.equal(markdown.split('verified: loss').length - 1, 2, 'markdown states each effect once');
  assert.match(markdown, /suggested learning rate 0\.01\b/);
});

test("the headline is the finding's own, else its message's first sentence; it survives report.json", () => {
  assert.equal(firstSentence('Loss is 3.5e+11, i.e. 8x the baseline. Fix it. More.'), 'Loss is 3.5e+11, i.e. 8x the baseline.');
  assert.equal(firstSentence('No sentence end here'), 'No sentence end here');
  assert.equal(headlineOf(finding('x', 'warning', { message: 'First one. Second one.' })), 'First one.');
  assert.equal(headlineOf(finding('x', 'warning', { message: 'First one. Second one.', headline: 'Given headline 42.' })), 'Given headline 42.');
  assert.ok(headlineOf(finding('x', 'warning', { message: `${'word '.repeat(60)}end.` })).length <= 160);
  const report = buildReport([{ config: 'a.yml', name: 'a', findings: [finding('x', 'warning', { headline: 'Kept 7.' })] }], 'error', '0.1.0');
  const parsed = parseReportJson(renderJson(report));
  assert.ok('results' in parsed);
  assert.equal(parsed.results[0].findings[0].headline, 'Kept 7.');
});

test('the fix text loses the appended verification sentence only when a fix check is there', () => {
  const [first] = brokenResult().findings;
  assert.equal(fixWithoutVerification(first), 'Standardize the inputs.');
  const plain = finding('x', 'warning', { fix: 'Do it. Verified: with nothing.' });
  assert.equal(fixWithoutVerification(plain), plain.fix);
});

test('final loss: the mean of the last 10% of steps, Infinity once the run diverged', () => {
  const loss = Array.from({ length: 100 }, (_, i) => (i < 90 ? 10 : 1 + (i - 90) / 10));
  assert.ok(Math.abs(finalLossOf(loss)! - 1.45) < 1e-9);
  assert.equal(finalLossOf([1, Number.NaN, 2]), Number.POSITIVE_INFINITY);
  assert.equal(finalLossOf([]), undefined);
});
