// How the counterfactual runs read in the reports: the base curve in the loss chart, the comparison
// table, and each fix check's before/after. Synthetic numbers, no training.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/checks/types.ts';
import type { BaseComparison } from '../../src/evidence/comparison.ts';
import { fixCheckLine, fixProofOf, renderComparison, renderFixCheck } from '../../src/report/markdown-counterfactual.ts';
import { buildMermaidLossChart } from '../../src/report/mermaid.ts';
import type { SmokeSummary } from '../../src/report/types.ts';

function smoke(loss: number[]): SmokeSummary {
  return { backend: 'cpu', steps: loss.length, seconds: 1, steps_per_second: 1, loss, val_loss: [], val_steps: [] };
}

function lineValues(block: string): number[][] {
  return block
    .split('\n')
    .filter((l) => l.trim().startsWith('line ['))
    .map((l) => JSON.parse(l.trim().slice(5)) as number[]);
}

describe('base curve in the Mermaid loss chart', () => {
  it('draws the base as a second line on the same steps', () => {
    const chart = buildMermaidLossChart(smoke([4, 3, 2, 1]), 'Loss', { label: 'main', loss: [4, 3.5, 3, 2.5] });
    const [head, base] = lineValues(chart.block);
    assert.deepEqual(head, [4, 3, 2, 1]);
    assert.deepEqual(base, [4, 3.5, 3, 2.5]);
    assert.match(chart.caption, /grey: training loss at main \(base\)/);
  });

  it('keeps the base steps when the head diverged early, drawing the head at the top from there', () => {
    const chart = buildMermaidLossChart(smoke([1, 2, 50, Number.NaN]), 'Loss', { label: 'main', loss: [1, 0.8, 0.6, 0.5, 0.4, 0.3] });
    const [head, base] = lineValues(chart.block);
    assert.equal(base.length, 6);
    assert.deepEqual(head, [1, 2, 50, 50, 50, 50]);
    assert.match(chart.caption, /non-finite after step 3 and drawn at the top/);
  });

  it('is the plain chart without a base', () => {
    assert.equal(lineValues(buildMermaidLossChart(smoke([3, 2, 1]), 'Loss').block).length, 1);
  });
});

const compared: BaseComparison = {
  ref: 'origin/main',
  status: 'compared',
  metric: 'loss',
  steps: 60,
  seeds: [0, 1, 2],
  base: { finals: [0.1, 0.12, 0.11], meanFinal: 0.11, curve: [1, 0.5, 0.1] },
  head: { finals: [Number.POSITIVE_INFINITY, 0.9, 1], meanFinal: Number.POSITIVE_INFINITY, curve: [1, 5] },
  difference: Number.POSITIVE_INFINITY,
  seedNoise: 0.05,
  threshold: 0.15,
  verdict: 'regression',
  changes: [{ key: 'training.learning_rate', base: '0.01', head: '3', revertedFinal: 0.1 }],
  changedFiles: ['data/train.csv'],
  notes: [],
};

describe('renderComparison', () => {
  it('shows the finals per seed, the bar, and each changed key with its own effect', () => {
    const text = renderComparison(compared);
    assert.match(text, /trains \*\*worse\*\* than the base/);
    assert.match(text, /\| final loss per seed \| 0\.1, 0\.12, 0\.11 \| diverged, 0\.9, 1 \|/);
    assert.match(text, /a change counts beyond 0\.15/);
    assert.match(text, /<code>training\.learning\\_rate<\/code> \| 0\.01 \| 3 \| 0\.1 \|/);
    assert.match(text, /<code>data\/train\.csv<\/code> \| \| contents changed/);
  });

  it('says why a config was not compared', () => {
    const text = renderComparison({
      ref: 'main',
      status: 'unavailable',
      reason: 'the ref main is not in the local git history',
      changes: [],
      changedFiles: [],
      notes: [],
    });
    assert.match(text, /not compared \(the ref main is not in the local git history\)/);
    assert.match(renderComparison({ ref: 'main', status: 'new-config', changes: [], changedFiles: [], notes: [] }), /new in this change/);
  });
});

function finding(fixCheck: Record<string, unknown>): Finding {
  return {
    id: 'unscaled-inputs',
    severity: 'warning',
    title: 'Input features are not scaled',
    message: 'm',
    fix: 'f',
    file: 'a.yml',
    docs: 'docs/checks/unscaled-inputs.md',
    evidence: { fix_check: fixCheck },
  };
}

describe('fix checks in markdown', () => {
  const base = { change: 'preprocessing.inputs: standardize', seed: 0, steps: 60, metric: 'loss', before: 2, after: 0.5 };

  it('marks a verified fix and charts before and after', () => {
    const verified = finding({ ...base, verified: true });
    assert.equal(fixProofOf(verified), 'verified');
    const block = renderFixCheck(verified)!;
    assert.match(block, /✅ Verified fix/);
    assert.match(block, /bar \[2, 0\.5\]/);
    assert.match(fixCheckLine(verified)!, /✅ \*\*Verified fix\*\*/);
  });

  it('says when a fix holds only with the others, and when it does not hold', () => {
    const together = finding({
      ...base,
      after: 1.9,
      verified: false,
      combined: { changes: [base.change, 'b'], metric: 'loss / baseline', before: 5, after: 0.1, verified: true },
    });
    assert.equal(fixProofOf(together), 'verified-together');
    assert.match(fixCheckLine(together)!, /Part of a fix verified together \(<code>preprocessing\.inputs: standardize<\/code> \+ <code>b<\/code>\)/);
    // A change the smallest verified set left out is not verified by it.
    const leftOut = finding({
      ...base,
      after: 1.9,
      verified: false,
      combined: { changes: [base.change, 'b'], minimal: ['b'], metric: 'loss / baseline', before: 5, after: 0.1, verified: true },
    });
    assert.match(fixCheckLine(leftOut)!, /^Not verified alone/);
    const failed = finding({ ...base, after: 1.9, verified: false });
    assert.equal(fixProofOf(failed), 'not-verified');
    assert.match(renderFixCheck(failed)!, /Fix not verified/);
    assert.equal(fixProofOf({ ...failed, evidence: {} }), undefined);
  });

  it('does not chart a diverged side', () => {
    const block = renderFixCheck(finding({ ...base, before: null, verified: true }))!;
    assert.doesNotMatch(block, /```mermaid/);
    assert.match(block, /Final loss diverged without the fix, 0\.5 with it/);
  });
});
