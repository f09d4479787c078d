// The action's edge: reads the inputs and the run, picks the configs, runs the checks, writes the
// report files, job summary and annotations first, then posts to GitHub, sets the outputs, and is the
// one place that fails the job. Every GitHub failure is a warning here, never a crash.
import * as core from '@actions/core';
import path from 'node:path';
import { discover } from '../discover.ts';
import { readRepoSettings, type LoadedRepoSettings } from '../repo-settings.ts';
import { runOneConfig, type ConfigRun } from '../pipeline.ts';
import { resolveRunSettings } from '../run-settings.ts';
import { progressLine } from '../progress-lines.ts';
import { TOOL_VERSION } from '../version.ts';
import { readBaseCopy } from '../follow-ups/base-copy.ts';
import { gitStore } from '../follow-ups/git-store.ts';
import { evidenceCharts } from '../report/html/mermaid-evidence.ts';
import { renderHtmlReport } from '../report/html/render.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { allFindings, buildReport } from '../report/build.ts';
import { fitToLimit, type MarkdownOptions } from '../report/markdown.ts';
import type { Report } from '../report/types.ts';
import { MAX_CHECK_RUN_TEXT, planAnnotations, publishCheckRun, toAnnotation, type Annotation } from '../github/annotations.ts';
import { listChangedFiles, type ChangedFile } from '../github/changed-files.ts';
import { createGitHubClient, describeGitHubError, type GitHubClient } from '../github/client.ts';
import { endGroup, githubLog, logInfo, startGroup, withCommandsStopped } from './log.ts';
import { contentsStore } from '../github/contents-store.ts';
import { publishToPullRequest } from '../github/publish-to-pr.ts';
import { resolveCommentAuthor } from '../github/comment-author.ts';
import { findOpenPullForCommit } from '../github/pull-for-commit.ts';
import { ContextError, docsBaseUrl, readEventPayload, readWorkflowContext, type WorkflowContext } from './context.ts';
import { INPUT, InputError, parseInputs, type ActionSettings } from './inputs.ts';
import { findReportFiles, mergeReportFiles, ReportFileError, writeReportFiles } from './report-files.ts';
import {
  assertWorkspaceCheckedOut,
  lfsPointerError,
  lfsPointerFiles,
  missingChangedConfigs,
  missingFilesError,
  pathMapper,
  describeWatchSelections,
  explainChangedConfigs,
  WorkspaceError,
  type PathMapper,
} from './select.ts';

export const OUTPUT = {
  conclusion: 'conclusion',
  findings: 'findings',
  errors: 'errors',
  warnings: 'warnings',
  reportJson: 'report-json',
  configs: 'configs',
} as const;

/** GitHub's limit on one step's job summary. */
export const MAX_SUMMARY_BYTES = 1024 * 1024;
/** Room left in the summary for the publishing notes written after the report. */
const SUMMARY_RESERVE_BYTES = 16 * 1024;
const CHECK_RUN_NAME = 'nn-preflight annotations';
/**
 * Milliseconds per second of retry waits. Tests shorten the waits with this variable; in a workflow
 * it is unset and the plugins wait what GitHub asks.
 */
const RETRY_BASE_ENV = 'NN_PREFLIGHT_RETRY_BASE_MS';
/** Per-request timeout in milliseconds; tests shorten it, a workflow leaves it unset (REQUEST_TIMEOUT_MS). */
const REQUEST_TIMEOUT_ENV = 'NN_PREFLIGHT_REQUEST_TIMEOUT_MS';

const EXPECTED_ERRORS = [InputError, ContextError, WorkspaceError, ReportFileError];

export async function run(): Promise<void> {
  try {
    await runAction();
  } catch (error) {
    const known = EXPECTED_ERRORS.some((kind) => error instanceof kind);
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(known ? message : `nn-preflight failed unexpectedly: ${error instanceof Error && error.stack ? error.stack : message}`);
  }
}

interface Selection {
  configs: string[];
  changedFiles?: ChangedFile[];
  notes: string[];
}

async function runAction(): Promise<void> {
  const settings = parseInputs((name) => core.getInput(name));
  const context = readWorkflowContext(process.env, readEventPayload(process.env));
  const root = path.resolve(context.workspace, settings.workingDirectory);
  const mapper = pathMapper(settings.workingDirectory);
  const octokit = settings.githubToken ? createClient(settings.githubToken) : undefined;
  const key = settings.commentKey || context.job;
  const markdown: MarkdownOptions = { mermaid: true, runUrl: context.runUrl, docsBaseUrl: docsBaseUrl(context) };
  const githubWarnings: string[] = [];
  // The settings file sits at the repository root, above the working directory; reports name it from there.
  const repo = readRepoSettings(context.workspace, (repoPath) => path.relative(root, path.join(context.workspace, repoPath)));

  let merged: Report | undefined;
  let selection: Selection;
  if (settings.mergeReports.length > 0) {
    merged = mergeReportFiles(findReportFiles(context.workspace, settings.mergeReports), settings.failOn);
    selection = { configs: merged.results.map((result) => result.config), notes: [] };
    logInfo(`Merged ${merged.results.length} config result(s) from ${settings.mergeReports.join(', ')}.`);
  } else {
    assertWorkspaceCheckedOut(context.workspace, root);
    selection = await selectConfigs(settings, context, root, mapper, octokit, githubWarnings, repo);
  }
  core.setOutput(OUTPUT.configs, JSON.stringify(selection.configs));
  if (settings.discoverOnly) {
    logInfo(`Configs to check: ${JSON.stringify(selection.configs)}`);
    await appendSummary(`nn-preflight would check ${selection.configs.length} config(s).\n`);
    return;
  }

  const report = merged ?? (await checkConfigs(settings, root, selection, context, octokit, repo));
  // Every picture is drawn from the report alone, so a merge job draws what the matrix jobs would have.
  markdown.evidenceCharts = Object.fromEntries(report.results.map((result) => [result.config, chartsOrNone(result)]));
  // A merge job writes report.html too, but its workflow may not upload it: only a checking job links to it.
  if (!merged) markdown.htmlReportUrl = context.runUrl;
  await writeHtmlReport(path.resolve(context.workspace, settings.reportDir), report);

  // The findings leave the process before any request: report files, job summary, annotations.
  const reportJson = writeReportFiles(
    path.resolve(context.workspace, settings.reportDir),
    report,
    markdown,
    {
      key,
      workingDirectory: settings.workingDirectory,
      headSha: context.headSha,
      pullRequest: context.pullRequest?.number,
    },
    mapper.toRepoPath,
  );
  await writeSummary(report, markdown, selection.notes);
  const annotations = allFindings(report.results).map((finding) => toAnnotation(finding, mapper.toRepoPath));
  const plan = planAnnotations(annotations);
  for (const annotation of plan.commands) emitAnnotation(annotation);
  setOutputs(report, reportJson);

  if (octokit) {
    await publish(settings, context, report, selection, mapper, octokit, key, markdown, plan.overflow, githubWarnings);
  } else {
    githubWarnings.push(`No \`${INPUT.githubToken}\` given: nothing was posted to GitHub.`);
  }
  if (githubWarnings.length > 0) {
    await appendSummary('\n### GitHub\n\n' + githubWarnings.map((line) => `- ${line}`).join('\n') + '\n');
  }

  if (report.conclusion === 'failure') {
    const { error, warning, notice } = report.counts;
    core.setFailed(`nn-preflight: findings reach fail-on '${report.failOn}' (${error} error(s), ${warning} warning(s), ${notice} notice(s)).`);
  }
}

/**
 * Each config is also trained as it is at the base (the pull request's base commit, a push's previous
 * head, or the base-ref input), read with git from the checkout when it holds the history
 * (`fetch-depth: 0`), else through GitHub's API with the token.
 */
async function checkConfigs(
  settings: ActionSettings,
  root: string,
  selection: Selection,
  context: WorkflowContext,
  octokit: GitHubClient | undefined,
  repo: LoadedRepoSettings,
): Promise<Report> {
  const { configs } = selection;
  // The base-ref input wins; else the event's own base (a pull request's base, a push's previous head).
  const baseRef = settings.baseRef ?? context.baseSha;
  // The contents API cannot see renames; the pull request's file list can.
  const renames = new Map((selection.changedFiles ?? []).flatMap((file) => (file.previousFilename ? [[file.filename, file.previousFilename] as const] : [])));
  const stores = () => [
    gitStore(),
    ...(octokit ? [contentsStore(octokit, { owner: context.owner, repo: context.repo, repoRoot: context.workspace, renames })] : []),
  ];
  const lfsPointers = lfsPointerFiles(root, configs);
  if (lfsPointers.length > 0) throw lfsPointerError(lfsPointers);
  // Config paths are relative to the root, and findings name them that way.
  const runSettings = resolveRunSettings({
    root,
    cwd: root,
    configs,
    smoke: settings.smoke,
    steps: settings.steps,
    seed: settings.seed,
    timeBudgetS: settings.timeBudgetS,
    backend: settings.backend,
    failOn: settings.failOn,
    base: settings.smoke ? baseRef : undefined,
    readBase: (configPath, ref) => readBaseCopy(configPath, ref, stores()),
    repoSettings: repo.settings,
    leadingResults: repo.result ? [repo.result] : [],
    onProgress: (event) => {
      const line = progressLine(event);
      if (line !== undefined) logInfo(line);
    },
  });
  // One collapsible group per config in the log; commands stay stopped inside it (libraries may print
  // names from the pull request), so the group opens before they stop and closes after they resume.
  // A broken settings file's result comes first, like a broken config.
  const runs: ConfigRun[] = (runSettings.leadingResults ?? []).map((result) => ({ result }));
  for (const config of configs) {
    startGroup(`nn-preflight: ${config}`);
    try {
      runs.push(await withCommandsStopped(() => runOneConfig(config, runSettings)));
    } finally {
      endGroup();
    }
  }
  return buildReport(
    runs.map((run) => run.result),
    settings.failOn,
    TOOL_VERSION,
  );
}

/** One config's evidence charts; a chart that cannot be drawn costs that config its pictures, not the report. */
function chartsOrNone(result: Report['results'][number]): string[] {
  try {
    return evidenceCharts(result);
  } catch (error) {
    core.warning(`The evidence charts of ${result.config} could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

/** report.html beside report.json, for the workflow's upload-artifact step; a drawing failure only costs the picture. */
async function writeHtmlReport(dir: string, report: Report): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true });
    const html = await withCommandsStopped(() => renderHtmlReport(report));
    writeFileSync(path.join(dir, 'report.html'), html);
  } catch (error) {
    core.warning(`The HTML report could not be written: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function createClient(token: string): GitHubClient {
  const base = Number(process.env[RETRY_BASE_ENV]);
  const timeout = Number(process.env[REQUEST_TIMEOUT_ENV]);
  return createGitHubClient(token, githubLog, {
    ...(Number.isFinite(base) && base >= 0 ? { retryAfterBaseMs: base } : {}),
    ...(Number.isFinite(timeout) && timeout > 0 ? { requestTimeoutMs: timeout } : {}),
  });
}

async function selectConfigs(
  settings: ActionSettings,
  context: WorkflowContext,
  root: string,
  mapper: PathMapper,
  octokit: GitHubClient | undefined,
  warnings: string[],
  repo: LoadedRepoSettings,
): Promise<Selection> {
  const found = discover(root, { patterns: settings.configs, repoRoot: context.workspace, ignore: repo.settings?.ignore });
  const all = found.configs;
  const notes: string[] = [];
  if (found.stopped) {
    const stopped = `Discovery stopped after ${found.stopped.entries} files and folders, its limit: configs beyond them were not searched. Narrow \`configs\` or \`working-directory\`, or list the folders without configs under \`ignore:\` in .github/nn-preflight.yml.`;
    core.notice(stopped);
    notes.push(stopped);
  }
  const pr = context.pullRequest;
  const onlyChanged = settings.onlyChanged === 'auto' ? pr !== undefined : settings.onlyChanged;
  if (!pr) {
    if (settings.onlyChanged === true) notes.push('`only-changed` applies to pull requests only; every config was checked.');
    return { configs: all, notes };
  }
  if (!octokit) {
    warnings.push("No token to list the pull request's files: every config was checked.");
    return { configs: all, notes };
  }
  let changed: Awaited<ReturnType<typeof listChangedFiles>>;
  try {
    changed = await listChangedFiles(octokit, { owner: context.owner, repo: context.repo, pullNumber: pr.number }, pr.changedFiles);
  } catch (error) {
    warnings.push(`${describeGitHubError(`list the files of pull request #${pr.number}`, error)} Every config was checked.`);
    return { configs: all, notes };
  }
  const missing = missingChangedConfigs(root, changed.files, mapper);
  if (missing.length > 0) throw missingFilesError(missing, pr.headSha);
  if (!onlyChanged) return { configs: all, changedFiles: changed.files, notes };
  if (changed.truncated) {
    notes.push(`The pull request changes more files than GitHub lists (${changed.files.length}), so every config was checked.`);
    return { configs: all, changedFiles: changed.files, notes };
  }
  const explained = explainChangedConfigs(root, all, changed.files, mapper);
  const configs = explained.map((selected) => selected.config);
  logInfo(`${configs.length} of ${all.length} config(s) are touched by the pull request's ${changed.files.length} changed file(s).`);
  for (const selected of explained)
    logInfo(
      `  ${selected.config}: ${selected.reason === 'watch' ? `${selected.file} matches watch: ${selected.glob}` : selected.reason === 'config' ? 'the config changed' : `${selected.file} changed`}`,
    );
  const watchNote = describeWatchSelections(explained);
  if (watchNote) notes.push(watchNote);
  return { configs, changedFiles: changed.files, notes };
}

/** The job summary's share of the step limit, counted in bytes as GitHub does. */
async function writeSummary(report: Report, markdown: MarkdownOptions, notes: readonly string[]): Promise<void> {
  const budget = MAX_SUMMARY_BYTES - SUMMARY_RESERVE_BYTES;
  const noteText = notes.map((note) => `> [!NOTE]\n> ${note}\n`).join('\n');
  let maxChars = budget - noteText.length;
  let text = fitToLimit(report, markdown, maxChars);
  // Characters outside ASCII take several bytes, so shrink until the bytes fit too.
  while (Buffer.byteLength(text + noteText) > budget && maxChars > 1000) {
    maxChars = Math.floor(maxChars * 0.7);
    text = fitToLimit(report, markdown, maxChars);
  }
  await appendSummary(text + (noteText ? '\n' + noteText : ''));
}

/** Outside a runner (no GITHUB_STEP_SUMMARY) the summary is skipped with a warning; the report files remain. */
async function appendSummary(markdown: string): Promise<void> {
  try {
    await core.summary.addRaw(markdown).write();
  } catch (error) {
    core.summary.emptyBuffer();
    core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function emitAnnotation(annotation: Annotation): void {
  const properties = { title: annotation.title, file: annotation.path, startLine: annotation.line };
  if (annotation.severity === 'error') core.error(annotation.message, properties);
  else if (annotation.severity === 'warning') core.warning(annotation.message, properties);
  else core.notice(annotation.message, properties);
}

function setOutputs(report: Report, reportJson: string): void {
  const { error, warning, notice } = report.counts;
  core.setOutput(OUTPUT.conclusion, report.conclusion);
  core.setOutput(OUTPUT.findings, String(error + warning + notice));
  core.setOutput(OUTPUT.errors, String(error));
  core.setOutput(OUTPUT.warnings, String(warning));
  core.setOutput(OUTPUT.reportJson, reportJson);
}

async function publish(
  settings: ActionSettings,
  context: WorkflowContext,
  report: Report,
  selection: Selection,
  mapper: PathMapper,
  octokit: GitHubClient,
  key: string,
  markdown: MarkdownOptions,
  overflow: readonly Annotation[],
  warnings: string[],
): Promise<void> {
  const pr = context.pullRequest;
  if (pr?.fromFork && context.eventName === 'pull_request') {
    // GitHub gives a fork's pull request a read-only token: writing would only earn 403s.
    warnings.push(
      'This pull request comes from a fork, so the token is read-only: the report is in this summary, the annotations and ' +
        `\`${settings.reportDir}/report.json\`. Upload that folder as an artifact and publish it with the workflow_run publisher (docs/github.md).`,
    );
    if (overflow.length > 0) warnings.push(`${overflow.length} annotation(s) beyond GitHub's per-step limit are only in the report.`);
    return;
  }

  let target = pr ? { number: pr.number, headSha: pr.headSha } : undefined;
  if (!target && settings.comment !== 'off') {
    try {
      target = await findOpenPullForCommit(octokit, context.owner, context.repo, context.sha);
      if (target) logInfo(`Commit ${context.sha.slice(0, 12)} is the head of open pull request #${target.number}.`);
      else logInfo(`No open pull request has ${context.sha.slice(0, 12)} as its head: the report is in the job summary.`);
    } catch (error) {
      warnings.push(describeGitHubError(`look up the pull request for commit ${context.sha.slice(0, 12)}`, error));
    }
  }
  if (target) {
    const author = await resolveCommentAuthor(octokit, settings.githubToken, githubLog, settings.commentAuthor);
    const outcome = await publishToPullRequest(
      octokit,
      {
        pr: { owner: context.owner, repo: context.repo, pullNumber: target.number },
        headSha: target.headSha,
        report,
        key,
        author,
        comment: settings.comment,
        suggestions: settings.suggestions,
        changedFiles: selection.changedFiles,
        toRepoPath: mapper.toRepoPath,
        markdown,
        notes: selection.notes,
      },
      githubLog,
    );
    warnings.push(...outcome.warnings);
  }

  if (overflow.length > 0) {
    try {
      const url = await publishCheckRun(octokit, {
        owner: context.owner,
        repo: context.repo,
        headSha: context.headSha,
        name: CHECK_RUN_NAME,
        conclusion: report.conclusion,
        title: `${overflow.length} more finding(s)`,
        summary: fitToLimit(report, { ...markdown, mermaid: false }, MAX_CHECK_RUN_TEXT),
        annotations: overflow,
      });
      logInfo(`${overflow.length} annotation(s) beyond the per-step limit are on the check run ${url}`);
    } catch (error) {
      warnings.push(`${describeGitHubError('create a check run for the annotations beyond the per-step limit', error)} They are in the report.`);
    }
  }
}
