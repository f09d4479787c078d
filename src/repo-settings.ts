// The repository settings file for the edges (CLI and action): loaded once per run, its problems turned
// into config-error findings of a result of its own, so a broken settings file is reported like a
// broken config (file, line, key) and its settings do not apply.
import { checks, checksById } from './checks/index.ts';
import { findingFromDraft } from './checks/run.ts';
import { loadRepoSettings, type RepoSettings } from './config/repo-settings.ts';
import type { ConfigResult } from './report/types.ts';

export interface LoadedRepoSettings {
  settings?: RepoSettings;
  /** the settings file's own result when it could not be used */
  result?: ConfigResult;
}

/** `display` turns the file's repository path into the path reports show (the CLI's are relative to the current folder). */
export function readRepoSettings(root: string, display: (repoPath: string) => string = (repoPath) => repoPath): LoadedRepoSettings {
  const loaded = loadRepoSettings(
    root,
    checks.map((check) => check.meta.id),
  );
  if (loaded.ok) return loaded.settings ? { settings: loaded.settings } : {};
  const meta = checksById.get('config-error')!.meta;
  const findings = loaded.problems.map((problem) =>
    findingFromDraft(
      meta,
      {
        message: `${problem.message}. None of the repository settings apply until this is fixed.`,
        fix: problem.expected
          ? `Use ${problem.expected}${problem.received ? ` (found ${problem.received})` : ''}.`
          : 'Correct the settings file as the message says (format: docs/CONFIG.md, "Repository settings").',
        ...(problem.key !== undefined ? { key: problem.key } : {}),
        line: problem.line ?? 1,
        ...(problem.column !== undefined ? { column: problem.column } : {}),
        evidence: { expected: problem.expected, received: problem.received },
      },
      display(loaded.file),
    ),
  );
  return { result: { config: display(loaded.file), name: 'repository settings', findings } };
}
