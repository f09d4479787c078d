// The files a pull request changes, read page by page. GitHub lists at most 3,000 files for a pull
// request; past that the list is cut, and the caller checks every config instead of guessing.
import type { GitHubClient } from './client.ts';

export const FILES_PER_PAGE = 100;
/** GitHub's cap on `GET /pulls/{n}/files` (documented on "List pull requests files"). */
export const MAX_PULL_REQUEST_FILES = 3000;

export interface ChangedFile {
  filename: string;
  status: string;
  previousFilename?: string;
  /** unified diff of the file; GitHub leaves it out for binary and very large diffs */
  patch?: string;
}

export interface ChangedFiles {
  files: ChangedFile[];
  /** true when the pull request changes more files than GitHub lists */
  truncated: boolean;
}

export interface PullRequestRef {
  owner: string;
  repo: string;
  pullNumber: number;
}

export async function listChangedFiles(octokit: GitHubClient, pr: PullRequestRef, changedFileCount?: number): Promise<ChangedFiles> {
  const files: ChangedFile[] = [];
  const pages = octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.pullNumber,
    per_page: FILES_PER_PAGE,
  });
  for await (const page of pages) {
    for (const file of page.data) {
      files.push({
        filename: file.filename,
        status: file.status,
        previousFilename: file.previous_filename ?? undefined,
        patch: file.patch ?? undefined,
      });
    }
    if (files.length >= MAX_PULL_REQUEST_FILES) break;
  }
  const truncated = files.length >= MAX_PULL_REQUEST_FILES || (changedFileCount !== undefined && changedFileCount > files.length);
  return { files, truncated };
}

/** Every path the pull request touches, old names of renamed files included (a rename moves data away). */
export function touchedPaths(files: readonly ChangedFile[]): Set<string> {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file.filename);
    if (file.previousFilename) paths.add(file.previousFilename);
  }
  return paths;
}
