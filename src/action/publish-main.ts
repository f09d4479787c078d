// The workflow_run publisher's edge (`uses: OWNER/nn-preflight/publish@v1`): reads its inputs, hands
// the triggering run to src/github/publish.ts, posts through the same code as the main action, and
// is the one place that fails this job. The findings themselves never fail it: the run that produced
// them already did.
import * as core from '@actions/core';
import { pathMapper } from './select.ts';
import { ContextError, docsBaseUrl, readEventPayload, readWorkflowContext } from './context.ts';
import { INPUT, InputError, parseInputs } from './inputs.ts';
import { createGitHubClient, describeGitHubError, type GitHubLog } from '../github/client.ts';
import { publishToPullRequest } from '../github/publish-to-pr.ts';
import { resolveCommentAuthor } from '../github/comment-author.ts';
import {
  downloadArtifact,
  keepConfigSuggestions,
  pullRequestForRun,
  PublishError,
  readReportArtifact,
  triggeringRunFromPayload,
  type TriggeringRun,
} from '../github/publish.ts';
import { globListMatcher } from '../discover.ts';
import { ZipError } from '../github/zip.ts';
import { githubLog, logInfo } from './log.ts';
import { evidenceCharts } from '../report/html/mermaid-evidence.ts';

export const PUBLISH_INPUT = { artifactName: 'artifact-name' } as const;
const DEFAULT_ARTIFACT = 'nn-preflight-report';
const DEFAULT_KEY = 'preflight';
const RETRY_BASE_ENV = 'NN_PREFLIGHT_RETRY_BASE_MS';

const log: GitHubLog = githubLog;

export async function runPublish(): Promise<void> {
  try {
    await publish();
  } catch (error) {
    const known = [InputError, ContextError, PublishError, ZipError].some((kind) => error instanceof kind);
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(known ? `nn-preflight publish: ${message}` : describeGitHubError('publish the report', error));
  }
}

async function publish(): Promise<void> {
  const settings = parseInputs((name) => core.getInput(name));
  const artifactName = core.getInput(PUBLISH_INPUT.artifactName).trim() || DEFAULT_ARTIFACT;
  const payload = readEventPayload(process.env);
  const context = readWorkflowContext(process.env, payload);
  const run = triggeringRunFromPayload(payload);
  if (!run) throw new InputError('This step publishes a report from a `workflow_run` event; this run was triggered by something else.');
  if (run.event !== 'pull_request' && run.event !== 'pull_request_target') {
    logInfo(`The triggering run was for '${run.event}', not a pull request: nothing to publish.`);
    return;
  }
  if (!settings.githubToken) throw new InputError(`Input '${INPUT.githubToken}' is required to publish.`);
  const octokit = createGitHubClient(settings.githubToken, log, retryOptions());

  const zip = await downloadArtifact(octokit, context.owner, context.repo, run.id, artifactName);
  const downloaded = readReportArtifact(zip);
  const pull = await pullRequestForRun(octokit, context.owner, context.repo, run);
  if (!pull) {
    core.info(
      `No open pull request has ${run.headSha.slice(0, 12)} from ${run.headRepository ?? '(no head repository in the event)'} as its head (it moved on or closed): nothing posted.`,
    );
    return;
  }
  // The key names which sticky comment this job owns: it comes from this workflow, never from the
  // artifact, so a forged report cannot aim at another job's comment.
  const key = settings.commentKey || DEFAULT_KEY;
  const { toRepoPath } = pathMapper(downloaded.workingDirectory ?? '.');
  const isConfig = globListMatcher(settings.configs);
  const report = keepConfigSuggestions(downloaded.report, isConfig, toRepoPath);
  const provenance = provenanceNote(run, `${context.owner}/${context.repo}`);
  const outcome = await publishToPullRequest(
    octokit,
    {
      pr: { owner: context.owner, repo: context.repo, pullNumber: pull.number },
      headSha: run.headSha,
      report,
      key,
      author: await resolveCommentAuthor(octokit, settings.githubToken, log, settings.commentAuthor),
      comment: settings.comment,
      suggestions: settings.suggestions,
      toRepoPath,
      // The evidence charts come from the report alone, so the comment shows what the checking run's would.
      markdown: {
        mermaid: true,
        runUrl: run.htmlUrl,
        docsBaseUrl: docsBaseUrl(context),
        evidenceCharts: Object.fromEntries(report.results.map((result) => [result.config, evidenceCharts(result)])),
      },
      notes: [provenance],
      provenance,
    },
    log,
  );
  const lines = [
    `nn-preflight published the report of run ${run.id} on pull request #${pull.number}${outcome.commentUrl ? `: ${outcome.commentUrl}` : ''}.`,
    ...outcome.warnings.map((w) => `- ${w}`),
  ];
  await core.summary.addRaw(lines.join('\n') + '\n').write();
  core.setOutput('pull-request', String(pull.number));
}

/**
 * What the comment and each suggestion say about where the findings come from: this workflow did not
 * check anything, it posts what the pull request's own run reported (a fork's run, which the fork controls).
 */
export function provenanceNote(run: TriggeringRun, baseRepository: string): string {
  const runText = run.htmlUrl ? `[run ${run.id}](${run.htmlUrl})` : `run ${run.id}`;
  const fork = run.headRepository && run.headRepository.toLowerCase() !== baseRepository.toLowerCase() ? ` from the fork \`${run.headRepository}\`` : '';
  return `Reported by ${runText} of the pull request's head commit \`${run.headSha.slice(0, 12)}\`${fork}. This workflow posted that report without checking anything itself: the findings, their numbers and any **verified** fix are as that run reported them.`;
}

function retryOptions() {
  const base = Number(process.env[RETRY_BASE_ENV]);
  return Number.isFinite(base) && base >= 0 ? { retryAfterBaseMs: base } : {};
}
