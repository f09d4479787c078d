// The report on disk: report.json (what a workflow_run publisher or a merge job reads), report.md,
// report.sarif (for code scanning's upload-sarif) and publish-context.json, written before anything is posted so a GitHub failure never loses findings.
// Also reads the report.json files of matrix jobs back for the merge job.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReport } from '../report/build.ts';
import { parseReportJson, renderJson } from '../report/json.ts';
import { renderMarkdown, type MarkdownOptions } from '../report/markdown.ts';
import { renderSarif } from '../report/sarif.ts';
import { checks } from '../checks/index.ts';
import type { ConfigResult, FailOn, Report } from '../report/types.ts';
import { TOOL_VERSION } from '../version.ts';

export const REPORT_JSON = 'report.json';
export const REPORT_MARKDOWN = 'report.md';
export const REPORT_SARIF = 'report.sarif';
/**
 * What the publisher may use besides the report: the working directory (checked). The comment key of the
 * job is recorded for people reading the artifact; the publisher takes its key from its own inputs.
 */
export const PUBLISH_CONTEXT = 'publish-context.json';

export interface PublishContext {
  key: string;
  workingDirectory: string;
  headSha: string;
  pullRequest?: number;
}

export class ReportFileError extends Error {}

/**
 * report.sarif for `github/codeql-action/upload-sarif`: code scanning wants paths from the repository
 * root, so each config and finding path goes through `toRepoPath` (the working directory prefixed).
 */
export function renderRepoSarif(report: Report, toRepoPath: (file: string) => string, docsBaseUrl?: string): string {
  const results = report.results.map((result) => ({
    ...result,
    config: toRepoPath(result.config),
    findings: result.findings.map((finding) => ({ ...finding, file: toRepoPath(finding.file) })),
  }));
  return renderSarif({ ...report, results }, { checks: checks.map((check) => check.meta), ...(docsBaseUrl ? { docsBaseUrl } : {}) });
}

export function writeReportFiles(
  dir: string,
  report: Report,
  markdown: MarkdownOptions,
  context: PublishContext,
  toRepoPath: (file: string) => string = (file) => file,
): string {
  mkdirSync(dir, { recursive: true });
  const jsonPath = path.join(dir, REPORT_JSON);
  writeFileSync(jsonPath, renderJson(report));
  writeFileSync(path.join(dir, REPORT_MARKDOWN), renderMarkdown(report, markdown));
  writeFileSync(path.join(dir, REPORT_SARIF), renderRepoSarif(report, toRepoPath, markdown.docsBaseUrl));
  writeFileSync(path.join(dir, PUBLISH_CONTEXT), JSON.stringify(context, null, 2) + '\n');
  return jsonPath;
}

/** report.json files named by `inputs` (files, or folders searched for report.json), sorted. */
export function findReportFiles(base: string, inputs: readonly string[]): string[] {
  const found = new Set<string>();
  for (const input of inputs) {
    const target = path.resolve(base, input);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(target).isDirectory();
    } catch {
      throw new ReportFileError(
        `merge-reports: '${input}' does not exist. Expected a report.json file or a folder holding some (download the matrix jobs' artifacts first).`,
      );
    }
    if (!isDirectory) {
      found.add(target);
      continue;
    }
    for (const entry of readdirSync(target, { recursive: true, encoding: 'utf8' })) {
      if (path.basename(entry) === REPORT_JSON) found.add(path.join(target, entry));
    }
  }
  return [...found].sort();
}

/** One report out of several (one per matrix job), judged again with this job's fail-on. */
export function mergeReportFiles(files: readonly string[], failOn: FailOn): Report {
  if (files.length === 0) throw new ReportFileError("merge-reports: no report.json found. Expected the matrix jobs' report artifacts.");
  const results: ConfigResult[] = [];
  for (const file of files) {
    const parsed = parseReportJson(readFileSync(file, 'utf8'));
    if ('error' in parsed) throw new ReportFileError(`merge-reports: ${file} is not a valid nn-preflight report: ${parsed.error}`);
    results.push(...parsed.results);
  }
  return buildReport(results, failOn, TOOL_VERSION);
}
