import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../src/report/build.ts';
import { renderSarif, toRepoUri } from '../../src/report/sarif.ts';
import { CHECKS, cleanReport, everySeverityReport, finding } from './fixtures.ts';

const INFO = 'https://github.com/owner/nn-preflight';

function sarifOf(report = everySeverityReport()) {
  return JSON.parse(renderSarif(report, { checks: CHECKS, informationUri: INFO }));
}

test('the log has the top-level fields GitHub code scanning requires', () => {
  const sarif = sarifOf();
  assert.equal(sarif.version, '2.1.0');
  assert.match(sarif.$schema, /sarif-2\.1\.0/);
  assert.equal(sarif.runs.length, 1);
  const driver = sarif.runs[0].tool.driver;
  assert.equal(driver.name, 'nn-preflight');
  assert.equal(driver.version, '0.1.0');
  assert.equal(driver.semanticVersion, '0.1.0');
  assert.equal(driver.informationUri, INFO);
});

test('every rule carries its descriptions, help, default level and tags', () => {
  const rules = sarifOf().runs[0].tool.driver.rules;
  assert.deepEqual(rules.map((r: { id: string }) => r.id).sort(), CHECKS.map((c) => c.id).sort());
  for (const rule of rules) {
    assert.equal(typeof rule.name, 'string');
    assert.ok(rule.shortDescription.text.length > 0);
    assert.ok(rule.fullDescription.text.length > 0);
    assert.ok(rule.help.text.length > 0 && rule.help.markdown.length > 0);
    assert.equal(rule.helpUri, `${INFO}/blob/HEAD/docs/checks/${rule.id}.md`);
    assert.ok(Array.isArray(rule.properties.tags) && rule.properties.tags.includes('nn-preflight'));
  }
  const level = (id: string) => rules.find((r: { id: string }) => r.id === id).defaultConfiguration.level;
  assert.equal(level('non-finite-loss'), 'error');
  assert.equal(level('unscaled-inputs'), 'warning');
  assert.equal(level('class-imbalance'), 'note');
});

test('results map severities to levels and point at repo-relative lines', () => {
  const run = sarifOf().runs[0];
  const rules = run.tool.driver.rules;
  assert.equal(run.results.length, 3);
  for (const result of run.results) {
    assert.equal(rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at the rule');
    assert.ok(result.message.text.includes('Fix: '));
    assert.equal(result.locations.length, 1);
    const location = result.locations[0].physicalLocation;
    assert.ok(!location.artifactLocation.uri.includes('\\'));
    assert.ok(!location.artifactLocation.uri.startsWith('/') && !location.artifactLocation.uri.startsWith('./'));
    if (location.region) assert.ok(location.region.startLine >= 1);
    assert.equal(typeof Object.values(result.partialFingerprints)[0], 'string');
  }
  const byId = (id: string) => run.results.find((r: { ruleId: string }) => r.ruleId === id);
  assert.equal(byId('non-finite-loss').level, 'error');
  assert.equal(byId('unscaled-inputs').level, 'warning');
  assert.equal(byId('class-imbalance').level, 'note');
  assert.equal(byId('non-finite-loss').locations[0].physicalLocation.artifactLocation.uri, 'configs/win/housing.preflight.yml');
  assert.deepEqual(byId('unscaled-inputs').locations[0].physicalLocation.region, { startLine: 7, startColumn: 5 });
  assert.equal(byId('class-imbalance').locations[0].physicalLocation.region, undefined, 'no region without a line');
});

test('a finding from an undeclared check gets a rule of its own; a clean report has no results', () => {
  const report = buildReport([{ config: 'c.preflight.yml', name: 'c', findings: [finding('internal-error', 'error', { file: '' })] }], 'error', '0.1.0');
  const run = sarifOf(report).runs[0];
  const rule = run.tool.driver.rules[run.results[0].ruleIndex];
  assert.equal(rule.id, 'internal-error');
  assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'c.preflight.yml', 'falls back to the config');
  assert.deepEqual(sarifOf(cleanReport()).runs[0].results, []);
});

test('fingerprints survive a line move but tell different findings apart', () => {
  const at = (line: number, key: string) =>
    sarifOf(buildReport([{ config: 'c.yml', name: 'c', findings: [finding('unscaled-inputs', 'warning', { line, key })] }], 'error', '0.1.0')).runs[0]
      .results[0].partialFingerprints;
  assert.deepEqual(at(3, 'a.b'), at(9, 'a.b'));
  assert.notDeepEqual(at(3, 'a.b'), at(3, 'a.c'));
});

test('toRepoUri uses forward slashes without a leading ./', () => {
  assert.equal(toRepoUri('.\\configs\\a.yml'), 'configs/a.yml');
  assert.equal(toRepoUri('./configs//a.yml'), 'configs/a.yml');
});
