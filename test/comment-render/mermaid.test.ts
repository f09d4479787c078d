// Every Mermaid chart the PR comment can hold must parse with Mermaid's own parser: GitHub shows a
// chart that does not parse as an error box instead of the picture. The parser needs a DOM, so it
// runs in Debian's headless Chromium with the bundle from node_modules (no network).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { BaseComparison } from '../../src/evidence/comparison.ts';
import { composeCommentBody } from '../../src/github/comment-body.ts';
import { buildReport } from '../../src/report/build.ts';
import { evidenceCharts } from '../../src/report/html/mermaid-evidence.ts';
import type { ConfigResult, Report } from '../../src/report/types.ts';
import { launchChromium } from '../../scripts/chromium.ts';
import type { DataCharts } from '../../src/report/chart-data.ts';
import { extractMermaidBlocks, mermaidParseError, openMermaidPage } from '../../scripts/render-comment.ts';
import { everySeverityReport, finding, nanLossReport, smoke } from '../report/fixtures.ts';

const MARKDOWN = { mermaid: true, runUrl: 'https://github.com/o/r/actions/runs/1', docsBaseUrl: 'https://github.com/o/r/blob/v1/' };

// Names a user controls end up in chart titles and axis labels.
const HOSTILE_NAME = 'my "quoted" `model` <b>x</b> ; %% [1, 2] --> end';

function comparedWithBase(loss: number[]): BaseComparison {
  const curve = loss.map((value) => value * 1.4);
  return {
    ref: 'origin/main "base"',
    status: 'compared',
    metric: 'loss',
    steps: loss.length,
    seeds: [0, 1],
    base: { finals: [1.2, 1.3], meanFinal: 1.25, curve },
    head: { finals: [0.2, 0.25], meanFinal: 0.225, curve: loss },
    difference: -1.025,
    seedNoise: 0.05,
    threshold: 0.15,
    verdict: 'improvement',
    changes: [],
    changedFiles: [],
    notes: [],
  };
}

function fixCheck(change: string, before: number, after: number) {
  return { change, seed: 0, steps: 100, metric: 'loss', before, after, verified: after < before / 2 };
}

/** A config with a hostile name, a base comparison, fix checks, and input-scaling and gradient findings. */
function chartHeavyResult(): ConfigResult {
  const summary = smoke();
  return {
    config: 'configs/odd name.preflight.yml',
    name: HOSTILE_NAME,
    smoke: summary,
    comparison: comparedWithBase(summary.loss),
    findings: [
      finding('unscaled-inputs', 'warning', { evidence: { fix_check: fixCheck('preprocessing.inputs: standardize', 2.3e11, 1.1e-3) } }),
      finding('init-scale-mismatch', 'warning', { evidence: { fix_check: fixCheck(`kernel_initializer "he_normal" for ${HOSTILE_NAME}`, 0.5, 0.49) } }),
      finding('exploding-gradients', 'error'),
      finding('dead-relus', 'warning'),
    ],
  };
}

// Only the fields the evidence charts read: feature stds (one zero, one huge, one tiny), gradient norms and dead/saturated shares.
const featureCharts: DataCharts = {
  figures: {},
  featureStd: [
    { name: 'sqft "area"', train: 965, validation: 900 },
    { name: 'flag', train: 0, validation: 0 },
    { name: 'tiny <1>', train: 1e-9, validation: 2e-9 },
    { name: 'z', train: 1, validation: 1.1 },
  ],
  featureCount: 4,
};
const gradientLayers = [
  { name: 'dense_1', grad_norm: [1e6, 4e7], update_ratio: [], dead_fraction: 0.9 },
  { name: 'dense "2"', grad_norm: [Number.NaN, Number.NaN], update_ratio: [], dead_fraction: 0 },
  { name: 'dense_3', grad_norm: [3e-4, 1e-5], update_ratio: [], saturated_fraction: 0.55 },
];

function commentBody(report: Report, charts?: Record<string, string[]>): string {
  return composeCommentBody({
    report,
    marker: '<!-- nn-preflight:test -->',
    markdown: { ...MARKDOWN, evidenceCharts: charts },
    outsideDiff: [],
    toRepoPath: (file) => file,
  });
}

/** Comment bodies covering every kind of chart the markdown renderer draws. */
function commentBodies(): { label: string; body: string }[] {
  const heavy = chartHeavyResult();
  const heavyReport = buildReport([heavy], 'error', 'test');
  return [
    { label: 'every severity with a smoke trace', body: commentBody(everySeverityReport()) },
    { label: 'NaN loss and a learning-rate range test', body: commentBody(nanLossReport()) },
    {
      label: 'base comparison, fix checks, evidence charts',
      body: commentBody(heavyReport, {
        [heavy.config]: evidenceCharts({ ...heavy, dataCharts: featureCharts, smoke: { ...heavy.smoke!, layers: gradientLayers } }),
      }),
    },
  ];
}

let browser: Browser | undefined;
let page: Page | undefined;

before(async () => {
  browser = await launchChromium();
  page = await openMermaidPage(browser);
});

after(async () => {
  await browser?.close();
});

test('the fence extractor finds each mermaid block and nothing else', () => {
  const markdown = ['```mermaid', 'pie', '  "a" : 1', '```', '', '```json', '{}', '```', '````mermaid', 'xychart-beta', '````'].join('\n');
  assert.deepEqual(extractMermaidBlocks(markdown), ['pie\n  "a" : 1', 'xychart-beta']);
});

test('mermaid rejects a broken chart in this page, so a pass below means something', { timeout: 20_000 }, async () => {
  assert.ok(page);
  assert.equal(await mermaidParseError(page, 'xychart-beta\n  x-axis ["a", "b"]\n  bar [1, 2]'), undefined);
  assert.notEqual(await mermaidParseError(page, 'xychart-beta\n  x-axis ["a" "b"]\n  bar [1, 2'), undefined);
});

test('every mermaid block in the PR comment parses with mermaid itself', { timeout: 20_000 }, async () => {
  assert.ok(page);
  const failures: string[] = [];
  let charts = 0;
  for (const { label, body } of commentBodies()) {
    const blocks = extractMermaidBlocks(body);
    assert.ok(blocks.length > 0, `${label}: the comment holds no mermaid chart`);
    charts += blocks.length;
    for (const block of blocks) {
      const error = await mermaidParseError(page, block);
      if (error) failures.push(`${label}:\n${block}\n-> ${error}`);
    }
  }
  // Loss charts (3), base overlay, two fix-check bars, feature scales, gradient norms and dead/saturated units at least.
  assert.ok(charts >= 7, `only ${charts} charts were checked`);
  assert.deepEqual(failures, []);
});
