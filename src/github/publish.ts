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
const SAFE_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

export class PublishError extends Error {}

export interface TriggeringRun {
  id: number;
  headSha: string;
  event: string;
  htmlUrl?: string;
}

export function triggeringRunFromPayload(payload: Record<string, unknown>): TriggeringRun | undefined {
  const run = payload.workflow_run as Record<string, any> | undefined;
  if (!run || typeof run.id !== 'number' || typeof run.head_sha !== 'string') return undefined;
  return {
    id: run.id,
    headSha: run.head_sha,
    event: typeof run.event === 'string' ? run.event : '',
    htmlUrl: typeof run.html_url === 'string' ? run.html_url : undefined,
  };
}

export interface DownloadedReport {
  report: Report;
  /** the comment key and working directory the run reported, already checked */
  key?: string;
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
      if (typeof context.key === 'string' && SAFE_KEY.test(context.key)) result.key = context.key;
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

export async function downloadArtifact(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  runId: number,
  name: string,
): Promise<Buffer> {
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
export async function pullRequestForRun(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  run: TriggeringRun,
): Promise<OpenPullRequest | undefined> {
  return findOpenPullByHeadSha(octokit, owner, repo, run.headSha);
}
