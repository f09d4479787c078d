#!/usr/bin/env node
// The command line: parse, find the configs, run them, render the one report, exit by --fail-on.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, USAGE, UsageError, type CliSettings } from './args.ts';
import { initConfig } from './init.ts';
import { discover } from '../discover.ts';
import { readRepoSettings } from '../repo-settings.ts';
import { runOneConfig, type ConfigRun } from '../pipeline.ts';
import { resolveRunSettings, type ProgressEvent } from '../run-settings.ts';
import { buildReport } from '../report/build.ts';
import { renderText } from '../report/text.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderJson } from '../report/json.ts';
import { renderSarif } from '../report/sarif.ts';
import { renderLossChartSvg } from '../report/loss-chart.ts';
import { renderHtmlReport } from '../report/html/render.ts';
import { checks } from '../checks/index.ts';
import type { Report } from '../report/types.ts';
import { TOOL_VERSION } from '../version.ts';
import { neutraliseCommandLine, neutraliseCommandLines, neutraliseCommandsInJson } from '../report/workflow-commands.ts';
import { stripControl } from '../report/escape.ts';
import { progressLine } from '../progress-lines.ts';
import { colorWanted } from './color.ts';

async function main(argv: string[]): Promise<number> {
  let settings: CliSettings;
  try {
    settings = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`nn-preflight: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (settings.command === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (settings.command === 'version') {
    process.stdout.write(TOOL_VERSION + '\n');
    return 0;
  }

  if (settings.command === 'init') {
    const result = await initConfig(settings.init ?? { force: false }, process.cwd(), findRepositoryRoot(process.cwd()));
    if (!result.ok) {
      process.stderr.write(`nn-preflight init: ${result.message}\n`);
      return 2;
    }
    const shown = path.relative(process.cwd(), result.file) || result.file;
    process.stdout.write(`wrote ${shown}\n${result.notes.map((n) => `  ${n}\n`).join('')}next: nn-preflight check ${shown}\n`);
    return 0;
  }

  const root = path.resolve(settings.root ?? findRepositoryRoot(process.cwd()));
  const repo = readRepoSettings(root, (repoPath) => path.relative(process.cwd(), path.join(root, repoPath)));
  const configs: string[] = [];
  for (const given of settings.paths) {
    if (!existsSync(given)) {
      process.stderr.write(`nn-preflight: "${given}" does not exist.\n`);
      return 2;
    }
    if (statSync(given).isDirectory()) {
      const found = discover(path.resolve(given), { repoRoot: root, ignore: repo.settings?.ignore });
      if (found.stopped)
        process.stderr.write(
          `nn-preflight: notice: discovery in "${given}" stopped after ${found.stopped.entries} files and folders, its limit; configs beyond them were not searched. Name the folders that hold configs, or list the rest under \`ignore:\` in .github/nn-preflight.yml.\n`,
        );
      configs.push(...found.configs.map((rel) => path.join(given, rel)));
    } else configs.push(given);
  }
  if (configs.length === 0) {
    process.stderr.write(`nn-preflight: no *.preflight.yml found in ${settings.paths.join(', ')}.\n`);
    return 2;
  }

  const interactive = settings.format === 'text' && process.stderr.isTTY === true;
  // Resolved once: every config of the run shares these settings and the run's budget.
  const runSettings = resolveRunSettings({
    root,
    cwd: process.cwd(),
    configs,
    smoke: settings.smoke,
    steps: settings.steps,
    seed: settings.seed,
    timeBudgetS: settings.timeBudgetS,
    backend: settings.backend,
    failOn: settings.failOn,
    // In CI (stderr not a terminal) one plain line per phase, so the log shows where a run is.
    onProgress: interactive ? showProgress : process.stderr.isTTY ? undefined : logProgressLine,
    base: settings.base,
    verify: settings.verify,
    repoSettings: repo.settings,
    lanes: settings.lanes,
  });
  // A broken settings file is reported first, like a broken config.
  const runs: ConfigRun[] = repo.result ? [{ result: repo.result }] : [];
  for (const config of configs) runs.push(await runOneConfig(config, runSettings));
  if (interactive) process.stderr.write('\r\x1b[K');
  const report = buildReport(
    runs.map((r) => r.result),
    settings.failOn,
    TOOL_VERSION,
  );

  const charts: Record<string, string> = {};
  if (settings.outDir) {
    mkdirSync(settings.outDir, { recursive: true });
    for (const result of report.results) {
      if (!result.smoke) continue;
      const file = `loss-${fileSafe(result.name)}.svg`;
      try {
        writeFileSync(path.join(settings.outDir, file), await renderLossChartSvg(result.smoke, { title: result.name, comparison: result.comparison }));
        charts[result.config] = file;
      } catch (error) {
        // One config's chart is not worth the other configs' reports.
        process.stderr.write(
          neutraliseCommandLines(
            `nn-preflight: the loss chart of ${result.config} could not be drawn: ${error instanceof Error ? error.message : String(error)}`,
          ) + '\n',
        );
      }
    }
    writeFileSync(path.join(settings.outDir, 'report.html'), await renderHtmlReport(report));
    writeFileSync(path.join(settings.outDir, 'report.md'), renderMarkdown(report, { charts, htmlReportUrl: 'report.html' }));
    writeFileSync(path.join(settings.outDir, 'report.json'), renderJson(report));
    writeFileSync(path.join(settings.outDir, 'report.sarif'), renderSarif(report, { checks: checks.map((c) => c.meta) }));
  }
  // In a workflow `run:` step GitHub reads commands from this output, and the report quotes the pull request.
  const output = render(report, settings, charts);
  process.stdout.write(settings.format === 'json' || settings.format === 'sarif' ? neutraliseCommandsInJson(output) : neutraliseCommandLines(output));
  return report.conclusion === 'failure' ? 1 : 0;
}

function render(report: Report, settings: CliSettings, charts: Record<string, string>): string {
  switch (settings.format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, { checks: checks.map((c) => c.meta) });
    case 'markdown':
      // The same Mermaid loss chart as the PR comment, so pasted markdown renders on GitHub.
      return renderMarkdown(report, { charts, mermaid: true });
    case 'text':
      return renderText(report, { color: colorWanted(settings.color, process.env, process.stdout.isTTY === true) });
  }
}

function showProgress(event: ProgressEvent): void {
  const pct = event.fraction !== undefined ? ` ${Math.round(event.fraction * 100)}%` : '';
  const line = progressLine({ ...event, fraction: undefined }) ?? '';
  process.stderr.write(`\r\x1b[K${line}${pct}`);
}

function logProgressLine(event: ProgressEvent): void {
  const line = progressLine(event);
  // A path from a pull request can hold a line break or `::`: one line, no workflow command.
  if (line !== undefined) process.stderr.write(neutraliseCommandLine(stripControl(line).replace(/[\r\n]+/g, ' ')) + '\n');
}

/** The nearest folder holding `.git`: configs may name any file inside the repository, nothing outside. */
function findRepositoryRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'config';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      neutraliseCommandLines(`nn-preflight: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`) + '\n',
    );
    process.exitCode = 2;
  },
);
