// The action's log. Every line that may hold text from the pull request goes through here, escaped
// the way the toolkit escapes command data, so it cannot forge workflow commands (see
// report/workflow-commands.ts). core.warning/error/notice escape their message and properties already.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { escapeCommandData } from '../report/workflow-commands.ts';
import type { GitHubLog } from '../github/client.ts';

export function logInfo(message: string): void {
  core.info(escapeCommandData(message));
}

export const githubLog: GitHubLog = { info: logInfo, warning: (m) => core.warning(m) };

/**
 * Runs `work` with workflow commands switched off behind a random token: libraries that print on their
 * own (TF.js in the smoke worker, Vega while drawing) may echo names from the pull request, and none of
 * that output can then act as a command. Our own annotations are emitted after this.
 */
export async function withCommandsStopped<T>(work: () => Promise<T>): Promise<T> {
  const token = randomBytes(16).toString('hex');
  process.stdout.write(`::stop-commands::${token}\n`);
  try {
    return await work();
  } finally {
    process.stdout.write(`::${token}::\n`);
  }
}

/**
 * Opens a collapsible group in the log. The title may hold a path from the pull request, so it is
 * escaped like any command data (workflow-commands.ts) rather than passed through core.startGroup.
 */
export function startGroup(title: string): void {
  process.stdout.write(`::group::${escapeCommandData(title)}\n`);
}

export function endGroup(): void {
  process.stdout.write('::endgroup::\n');
}
