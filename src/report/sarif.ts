// SARIF 2.1.0 for GitHub code scanning: one run, one rule per check, one result per finding.
import { createHash } from 'node:crypto';
import type { Severity } from '../config/types.ts';
import type { Finding, FindingRule } from '../findings/types.ts';
import { sortBySeverity } from './describe.ts';
import type { Report } from './types.ts';

export interface SarifOptions {
  checks: FindingRule[];
  /** the tool's home page, e.g. https://github.com/OWNER/nn-preflight */
  informationUri?: string;
  /** prefix for the checks' docs paths; derived from a GitHub `informationUri` when absent */
  docsBaseUrl?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
/** GitHub code scanning rejects runs with more results than this. */
export const MAX_SARIF_RESULTS = 25_000;
const FINGERPRINT_KEY = 'nnPreflightFinding/v1';

/** The severity names GitHub shows for non-security alerts. */
const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', notice: 'recommendation' };

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', notice: 'note' };

/** A repository-relative path with forward slashes and no leading `./`. */
export function toRepoUri(file: string): string {
  let uri = file.replace(/\\/g, '/');
  while (uri.startsWith('./')) uri = uri.slice(2);
  return uri.replace(/\/{2,}/g, '/');
}

function docsUrl(docs: string, options: SarifOptions): string | undefined {
  let base = options.docsBaseUrl;
  if (!base && options.informationUri && /^https:\/\/github\.com\/[^/]+\/[^/]+\/?$/.test(options.informationUri)) {
    base = `${options.informationUri.replace(/\/$/, '')}/blob/HEAD/`;
  }
  if (!base || !/^https?:\/\//.test(base)) return undefined;
  try {
    return new URL(toRepoUri(docs), base.endsWith('/') ? base : `${base}/`).toString();
  } catch {
    return undefined;
  }
}

/** Rule metadata for an id no check declares (internal-error, or a check from a newer version). */
function fallbackMeta(finding: Finding): FindingRule {
  return {
    id: finding.id,
    title: finding.title,
    pitfall: 'other',
    kind: 'static',
    defaultSeverity: finding.severity,
    docs: finding.docs,
  };
}

function sarifRule(meta: FindingRule, options: SarifOptions): Record<string, unknown> {
  const helpUri = docsUrl(meta.docs, options);
  const description = `${meta.title} (pitfall: ${meta.pitfall}; ${meta.kind} check).`;
  const rule: Record<string, unknown> = {
    id: meta.id,
    name: toPascalCase(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: description },
    help: {
      text: helpUri ? `${description} See ${helpUri}` : `${description} See ${meta.docs} in the nn-preflight repository.`,
      markdown: helpUri
        ? `**${meta.title}** (pitfall: ${meta.pitfall}; ${meta.kind} check). [Documentation](${helpUri})`
        : `**${meta.title}** (pitfall: ${meta.pitfall}; ${meta.kind} check). See \`${meta.docs}\`.`,
    },
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties: { tags: ['nn-preflight', meta.pitfall, meta.kind], precision: 'high', 'problem.severity': PROBLEM_SEVERITY[meta.defaultSeverity] },
  };
  if (helpUri) rule.helpUri = helpUri;
  return rule;
}

function toPascalCase(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Stable across line moves when the finding names a config key; otherwise the line anchors it (the
 * message holds measured numbers that change from run to run).
 */
function fingerprint(finding: Finding, config: string): string {
  const anchor = finding.key ?? `line ${finding.line ?? 'none'}`;
  return createHash('sha256')
    .update([finding.id, toRepoUri(config), toRepoUri(finding.file), anchor].join('\u0000'))
    .digest('hex');
}

function sarifResult(finding: Finding, config: string, ruleIndex: number): Record<string, unknown> {
  const physicalLocation: Record<string, unknown> = { artifactLocation: { uri: toRepoUri(finding.file || config) } };
  if (finding.line !== undefined && Number.isInteger(finding.line) && finding.line >= 1) {
    const region: Record<string, number> = { startLine: finding.line };
    if (finding.column !== undefined && Number.isInteger(finding.column) && finding.column >= 1) region.startColumn = finding.column;
    physicalLocation.region = region;
  }
  const messageText = finding.fix ? `${finding.message}\n\nFix: ${finding.fix}` : finding.message;
  return {
    ruleId: finding.id,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: messageText || finding.title },
    locations: [{ physicalLocation }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding, config) },
    properties: { config: toRepoUri(config), ...(finding.key ? { key: finding.key } : {}) },
  };
}

export function renderSarif(report: Report, options: SarifOptions): string {
  const rules: FindingRule[] = [...options.checks].sort((a, b) => a.id.localeCompare(b.id));
  const ruleIndex = new Map(rules.map((meta, index) => [meta.id, index]));
  const results: Record<string, unknown>[] = [];
  const ranked = report.results.flatMap((result) => sortBySeverity(result.findings).map((finding) => ({ finding, config: result.config })));
  for (const { finding, config } of ranked.slice(0, MAX_SARIF_RESULTS)) {
    if (!ruleIndex.has(finding.id)) {
      ruleIndex.set(finding.id, rules.length);
      rules.push(fallbackMeta(finding));
    }
    results.push(sarifResult(finding, config, ruleIndex.get(finding.id)!));
  }
  // Silenced findings stay in the log as SARIF means them: suppressed in the source, with the reason.
  const suppressed = report.results.flatMap((result) => (result.suppressed ?? []).map((finding) => ({ finding, config: result.config })));
  for (const { finding, config } of suppressed.slice(0, Math.max(0, MAX_SARIF_RESULTS - results.length))) {
    if (!ruleIndex.has(finding.id)) {
      ruleIndex.set(finding.id, rules.length);
      rules.push(fallbackMeta(finding));
    }
    results.push({
      ...sarifResult(finding, config, ruleIndex.get(finding.id)!),
      suppressions: [{ kind: 'inSource', justification: finding.suppression.reason }],
    });
  }

  const driver: Record<string, unknown> = {
    name: report.tool.name,
    version: report.tool.version,
    rules: rules.map((meta) => sarifRule(meta, options)),
  };
  if (/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(report.tool.version)) driver.semanticVersion = report.tool.version;
  if (options.informationUri) driver.informationUri = options.informationUri;

  const sarif = {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver },
        results,
        columnKind: 'unicodeCodePoints',
        properties: { conclusion: report.conclusion, failOn: report.failOn, omittedResults: Math.max(0, ranked.length - MAX_SARIF_RESULTS) },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
