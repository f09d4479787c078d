// The publishing half for pull requests from forks. The fork's run has a read-only token, so it only
// uploads its report; a `workflow_run` workflow in the base repository (which has a write token)
// downloads that artifact, treats it as untrusted data, and posts the comment on the pull request
// whose head is the run's head commit, taken from the event rather than from the artifact.
import { parseReportJson } from '../report/json.ts';
import type { Report } from '../report/types.ts';
import type { GitHubClient } from './client.ts';
import { findOpenPullByHeadSha, type OpenPullRequest } from './pull-for-commit.ts';
import { readZipFile } from './zip.ts';

/** Largest artifact zip and report file accepted from an untrusted run. */
export const MAX_ARTIFACT_BYTES = 20 * 1024 * 1024;

export class PublishError extends Error {}

export interface TriggeringRun {
  id: number;
  headSha: string;
  /** owner/name of the repository the run's head commit came from (a fork, for a fork's pull request) */
  headRepository?: string;
  event: string;
  htmlUrl?: string;
}

export function triggeringRunFromPayload(payload: Record<string, unknown>): TriggeringRun | undefined {
  const run = payload.workflow_run as Record<string, any> | undefined;
  if (!run || typeof run.id !== 'number' || typeof run.head_sha !== 'string') return undefined;
  return {
    id: run.id,
    headSha: run.head_sha,
    headRepository: typeof run.head_repository?.full_name === 'string' ? run.head_repository.full_name : undefined,
    event: typeof run.event === 'string' ? run.event : '',
    htmlUrl: typeof run.html_url === 'string' ? run.html_url : undefined,
  };
}

export interface DownloadedReport {
  report: Report;
  /** the working directory the run reported, already checked (its comment key is never read: see publish-main) */
  workingDirectory?: string;
}

/** Reads the artifact's report.json and publish-context.json, trusting neither. */
export function readReportArtifact(zip: Buffer): DownloadedReport {
  const reportFile = readZipFile(zip, 'report.json', MAX_ARTIFACT_BYTES);
  if (!reportFile) throw new PublishError('the artifact holds no report.json');
  const parsed = parseReportJson(reportFile.toString('utf8'));
  if ('error' in parsed) throw new PublishError(`the artifact's report.json was rejected: ${parsed.error}`);
  const result: DownloadedReport = { report: parsed };
  const contextFile = readZipFile(zip, 'publish-context.json', 64 * 1024);
  if (contextFile) {
    try {
      const context = JSON.parse(contextFile.toString('utf8')) as Record<string, unknown>;
      const dir = context.workingDirectory;
      if (typeof dir === 'string' && dir.length < 300 && !dir.startsWith('/') && !dir.split(/[\\/]/).includes('..')) {
        result.workingDirectory = dir;
      }
    } catch {
      // A broken context file only costs the defaults.
    }
  }
  return result;
}

export async function downloadArtifact(octokit: GitHubClient, owner: string, repo: string, runId: number, name: string): Promise<Buffer> {
  const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, name, per_page: 100 });
  const artifact = data.artifacts.find((a) => a.name === name && !a.expired);
  if (!artifact) {
    throw new PublishError(`run ${runId} has no artifact named '${name}'. Upload the report folder with actions/upload-artifact under that name.`);
  }
  if (artifact.size_in_bytes > MAX_ARTIFACT_BYTES) {
    throw new PublishError(`artifact '${name}' is ${artifact.size_in_bytes} bytes; at most ${MAX_ARTIFACT_BYTES} are accepted`);
  }
  const response = await octokit.rest.actions.downloadArtifact({ owner, repo, artifact_id: artifact.id, archive_format: 'zip' });
  const bytes = Buffer.from(response.data as ArrayBuffer);
  if (bytes.length > MAX_ARTIFACT_BYTES) throw new PublishError(`artifact '${name}' is larger than ${MAX_ARTIFACT_BYTES} bytes`);
  return bytes;
}

/**
 * The open pull request the run was for: the one whose head is still the run's head commit. The
 * event's own `pull_requests` list is empty for forks and may name a head that has moved on, so the
 * pull request is always looked up.
 */
export async function pullRequestForRun(octokit: GitHubClient, owner: string, repo: string, run: TriggeringRun): Promise<OpenPullRequest | undefined> {
  // Matched by head repository as well as head commit: a pull request from another fork with the same
  // head commit is a different pull request. An event without a head repository matches nothing.
  if (run.headRepository === undefined) return undefined;
  return findOpenPullByHeadSha(octokit, owner, repo, run.headSha, run.headRepository);
}

/**
 * The report with one-line suggestions only where a suggestion belongs: on the config file of the
 * result it is in, when that file is a config by the publisher's own `configs` patterns and not under
 * `.github/`. A forged artifact can put any path and line in a finding; without this, a "verified fix"
 * could land on a workflow file the pull request also changes. The findings themselves stay.
 */
export function keepConfigSuggestions(report: Report, isConfig: (file: string) => boolean, toRepoPath: (file: string) => string): Report {
  const results = report.results.map((result) => {
    const configPath = toRepoPath(result.config);
    const allowed = isConfig(result.config) && !configPath.split('/').includes('.github');
    const findings = result.findings.map((finding) => {
      if (!finding.suggestion) return finding;
      if (allowed && toRepoPath(finding.file) === configPath) return finding;
      const { suggestion: _dropped, ...rest } = finding;
      return rest;
    });
    return { ...result, findings };
  });
  return { ...report, results };
}
