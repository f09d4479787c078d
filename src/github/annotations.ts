// Findings as file/line annotations. Workflow commands (`::error file=...::`) need no permission but
// GitHub shows only the first few of each level per step, so those go first and, when the token may
// write checks, the rest go to a check run whose annotations are sent in batches of 50.
import type { Severity } from '../config/types.ts';
import type { Finding } from '../findings/types.ts';
import type { Conclusion } from '../report/types.ts';
import type { GitHubClient } from './client.ts';
import { fixWithoutVerification } from '../report/layout.ts';
import { fixProofOf } from '../report/counterfactual.ts';

/** Annotations GitHub shows per step and level from workflow commands (error, warning, notice). */
export const MAX_COMMAND_ANNOTATIONS_PER_LEVEL = 10;
/** Annotations GitHub shows per job from workflow commands. */
export const MAX_COMMAND_ANNOTATIONS_PER_JOB = 50;
/** Annotations GitHub accepts in one create/update check run request. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** Check run `output.summary` and `output.text` limit. */
export const MAX_CHECK_RUN_TEXT = 65535;

export interface Annotation {
  path: string;
  line: number;
  severity: Severity;
  title: string;
  message: string;
}

export interface AnnotationPlan {
  /** sent as workflow commands */
  commands: Annotation[];
  /** beyond what workflow commands show: for a check run */
  overflow: Annotation[];
}

export function toAnnotation(finding: Finding, toRepoPath: (file: string) => string): Annotation {
  return {
    path: toRepoPath(finding.file),
    line: finding.line ?? 1,
    severity: finding.severity,
    title: `${finding.title} (${finding.id})`,
    message: annotationMessage(finding),
  };
}

/** The message and the fix; a verified fix's measured effect is said once, in the comment's "Fix first", not per line. */
function annotationMessage(finding: Finding): string {
  const fix = fixWithoutVerification(finding);
  const proof = fixProofOf(finding);
  const verified = proof === 'verified' ? ' (verified by a smoke run)' : proof === 'verified-together' ? ' (verified together with other fixes)' : '';
  return fix ? `${finding.message}\nFix: ${fix}${verified}` : finding.message;
}

export function planAnnotations(annotations: readonly Annotation[]): AnnotationPlan {
  const perLevel: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  const commands: Annotation[] = [];
  const overflow: Annotation[] = [];
  for (const annotation of annotations) {
    const fits = perLevel[annotation.severity] < MAX_COMMAND_ANNOTATIONS_PER_LEVEL && commands.length < MAX_COMMAND_ANNOTATIONS_PER_JOB;
    if (fits) {
      perLevel[annotation.severity]++;
      commands.push(annotation);
    } else {
      overflow.push(annotation);
    }
  }
  return { commands, overflow };
}

const CHECK_RUN_LEVEL: Record<Severity, 'failure' | 'warning' | 'notice'> = {
  error: 'failure',
  warning: 'warning',
  notice: 'notice',
};

function toCheckRunAnnotation(annotation: Annotation) {
  return {
    path: annotation.path,
    start_line: annotation.line,
    end_line: annotation.line,
    annotation_level: CHECK_RUN_LEVEL[annotation.severity],
    title: annotation.title.slice(0, 255),
    message: annotation.message.slice(0, 64 * 1024),
  };
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

export interface CheckRunRequest {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  conclusion: Conclusion;
  title: string;
  summary: string;
  annotations: readonly Annotation[];
}

/** Creates one check run and adds its annotations 50 at a time; returns the check run's page. */
export async function publishCheckRun(octokit: GitHubClient, request: CheckRunRequest): Promise<string> {
  const chunks = batches(request.annotations.map(toCheckRunAnnotation), MAX_ANNOTATIONS_PER_REQUEST);
  const output = (annotations: ReturnType<typeof toCheckRunAnnotation>[] | undefined) => ({
    title: request.title,
    summary: request.summary.slice(0, MAX_CHECK_RUN_TEXT),
    ...(annotations ? { annotations } : {}),
  });
  const { data } = await octokit.rest.checks.create({
    owner: request.owner,
    repo: request.repo,
    name: request.name,
    head_sha: request.headSha,
    status: 'in_progress',
    output: output(chunks[0]),
  });
  for (const chunk of chunks.slice(1)) {
    await octokit.rest.checks.update({ owner: request.owner, repo: request.repo, check_run_id: data.id, output: output(chunk) });
  }
  await octokit.rest.checks.update({
    owner: request.owner,
    repo: request.repo,
    check_run_id: data.id,
    status: 'completed',
    conclusion: request.conclusion,
  });
  return data.html_url ?? '';
}
