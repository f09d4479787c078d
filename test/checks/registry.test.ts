// The catalogue, the registry and the docs must agree: every CHECKS.md id has a module and a docs
// page with the required headings, and every registered check has its page.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checks, checksById } from '../../src/checks/index.ts';
import { SHARED_DIR } from '../shared-dir.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CATALOGUE = path.join(SHARED_DIR, 'spec/CHECKS.md');
const HEADINGS = ['## What it detects', '## Why it breaks training', '## How it is detected', '## How to fix it', '## Example'];
const SEVERITY: Record<string, string> = { E: 'error', W: 'warning', N: 'notice' };

/** Rows of the catalogue table: `| id | pitfall | kind | sev | what |`. */
function catalogue(): { id: string; pitfall: string; kind: string; severity: string }[] {
  const text = readFileSync(CATALOGUE, 'utf8');
  return text
    .split('\n')
    .filter((line) => /^\| [a-z][a-z-]+ \|/.test(line) && !line.startsWith('| id |'))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return { id: cells[1], pitfall: cells[2], kind: cells[3], severity: SEVERITY[cells[4].charAt(0)] };
    });
}

function docsProblems(id: string, title: string, docs: string): string[] {
  const file = path.join(repoRoot, docs);
  if (!existsSync(file)) return [`${docs} is missing`];
  const lines = readFileSync(file, 'utf8').split('\n');
  const problems: string[] = [];
  if (lines[0] !== `# ${id}: ${title}`) problems.push(`${docs} must start with "# ${id}: ${title}"`);
  let at = 0;
  for (const heading of HEADINGS) {
    const found = lines.indexOf(heading, at);
    if (found < 0) problems.push(`${docs} lacks "${heading}" (in order)`);
    else at = found;
  }
  if (!lines.some((l) => l.startsWith('```yaml'))) problems.push(`${docs} has no YAML example`);
  return problems;
}

describe('check registry', () => {
  const rows = catalogue();

  it('parses the catalogue', () => {
    assert.ok(rows.length >= 38, `expected the full table, got ${rows.length} rows`);
  });

  it('has a module for every catalogue id, with the catalogue pitfall, kind and severity', () => {
    for (const row of rows) {
      const check = checksById.get(row.id);
      assert.ok(check, `no module registered for ${row.id}`);
      assert.equal(check.meta.pitfall, row.pitfall, `${row.id} pitfall`);
      assert.equal(check.meta.kind, row.kind, `${row.id} kind`);
      assert.equal(check.meta.defaultSeverity, row.severity, `${row.id} severity`);
    }
  });

  it('is sorted by id with no duplicates', () => {
    const ids = checks.map((c) => c.meta.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(checksById.size, ids.length);
  });

  it('gives every check a docs page with the required headings', () => {
    const problems = checks.flatMap((c) => {
      assert.equal(c.meta.docs, `docs/checks/${c.meta.id}.md`);
      return docsProblems(c.meta.id, c.meta.title, c.meta.docs);
    });
    assert.deepEqual(problems, []);
  });

  it('declares what each check needs consistently with its kind', () => {
    for (const c of checks) {
      if (c.meta.kind === 'static') assert.ok(!c.meta.needs.includes('smoke'), `${c.meta.id} is static but needs smoke`);
      // static+smoke checks must still run without a trace, so they cannot require one.
      if (c.meta.kind === 'static+smoke') assert.ok(!c.meta.needs.includes('smoke'), `${c.meta.id} would be skipped without smoke`);
    }
  });

  it("shows a check's evidence chart in the comment and its section in the page with the same data", () => {
    // The comment's chart and the page's panel draw the same evidence (once dead-relus drew gradient norms
    // in the comment but sat beside the dead-unit chart in the page).
    const sectionOfChart = { 'feature-scales': 'scales', 'gradient-norms': 'gradients', 'unit-fractions': 'units' } as const;
    for (const c of checks) {
      if (c.meta.chart) assert.equal(c.meta.section, sectionOfChart[c.meta.chart], c.meta.id);
    }
    assert.equal(checksById.get('dead-relus')?.meta.chart, 'unit-fractions');
  });

  it('gives a config fix only to checks whose fix run can try one', () => {
    const withFix = checks.filter((c) => c.meta.fix).map((c) => c.meta.id);
    assert.deepEqual(withFix, [
      'batch-too-large',
      'constant-feature',
      'constant-initialization',
      'feature-scale-spread',
      'init-scale-mismatch',
      'learning-rate-too-high',
      'learning-rate-too-low',
      'missing-hidden-activation',
      'output-activation-mismatch',
      'target-out-of-activation-range',
      'unscaled-inputs',
      'unscaled-targets',
    ]);
  });

  it('states every exported threshold of a check on its docs page, so docs and code cannot drift apart', async () => {
    const missing: string[] = [];
    for (const c of checks) {
      const page = readFileSync(path.join(repoRoot, c.meta.docs), 'utf8');
      const module = (await import(`../../src/checks/${c.meta.id}.ts`)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (typeof value !== 'number') continue;
        const spellings = [
          String(value),
          value
            .toExponential()
            .replace(/\.?0+e/, 'e')
            .replace('e+', 'e'),
          `${Number((value * 100).toPrecision(6))}%`,
        ];
        if (!spellings.some((spelling) => page.includes(spelling))) missing.push(`${c.meta.docs} lacks ${name} = ${spellings.join(' or ')}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('gives every check its message templates, except the findings the pipeline words itself', () => {
    const withoutMessages = checks.filter((c) => Object.keys(c.meta.messages ?? {}).length === 0).map((c) => c.meta.id);
    assert.deepEqual(withoutMessages, ['config-error', 'data-error', 'smoke-skipped']);
  });

  it('marks as main-run-only exactly the smoke checks a fix run can judge again', () => {
    const mainRunOnly = checks.filter((c) => c.meta.mainRunOnly).map((c) => c.meta.id);
    assert.deepEqual(mainRunOnly, [
      'dead-relus',
      'exploding-gradients',
      'init-scale-mismatch',
      'initial-loss-off',
      'loss-not-decreasing',
      'non-finite-loss',
      'saturated-activations',
      'vanishing-gradients',
    ]);
    for (const c of checks) if (c.meta.mainRunOnly) assert.notEqual(c.meta.kind, 'static', c.meta.id);
  });
});
