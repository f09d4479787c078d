// Every action input is parsed here, once, into one typed settings object. Errors say what was
// expected, so a typo in a workflow (`fail-on: warn`) stops the job with a message that names the fix
// instead of quietly falling back to a default.
import { MAX_SMOKE_STEPS } from '../config/schema.ts';
import type { FailOn } from '../report/types.ts';
import { LOGIN_PATTERN } from '../github/comment-author.ts';
import { isGitRef } from '../follow-ups/base-copy.ts';
import { DEFAULT_CONFIG_GLOB } from '../discover.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/types.ts';

export const INPUT = {
  configs: 'configs',
  onlyChanged: 'only-changed',
  githubToken: 'github-token',
  comment: 'comment',
  commentKey: 'comment-key',
  commentAuthor: 'comment-author',
  failOn: 'fail-on',
  smoke: 'smoke',
  steps: 'steps',
  seed: 'seed',
  timeBudget: 'time-budget',
  backend: 'backend',
  workingDirectory: 'working-directory',
  reportDir: 'report-dir',
  suggestions: 'suggestions',
  discoverOnly: 'discover-only',
  mergeReports: 'merge-reports',
  baseRef: 'base-ref',
} as const;

export const DEFAULT_REPORT_DIR = 'nn-preflight-report';

export type CommentMode = 'update' | 'new' | 'off' | 'on-findings';

export interface ActionSettings {
  configs: string[];
  /** true/false as given; 'auto' means "on pull requests only" */
  onlyChanged: boolean | 'auto';
  githubToken: string;
  comment: CommentMode;
  /** the key in the sticky comment's hidden marker; empty means the workflow job id */
  commentKey: string;
  /** the login the token comments as, when it is another GitHub App's bot (`my-app[bot]`); else found from the token */
  commentAuthor?: string;
  failOn: FailOn;
  smoke: boolean;
  steps?: number;
  seed?: number;
  timeBudgetS?: number;
  backend: BackendChoice;
  workingDirectory: string;
  reportDir: string;
  suggestions: boolean;
  discoverOnly: boolean;
  /** the ref to compare against; undefined: the event's own base (pull request base, push's previous head) */
  baseRef?: string;
  /** report.json files (paths or globs) from earlier jobs to merge instead of checking */
  mergeReports: string[];
}

export type InputReader = (name: string) => string;

export class InputError extends Error {}

const TRUE_WORDS = ['true', 'yes', 'on'];
const FALSE_WORDS = ['false', 'no', 'off'];
const FAIL_ON = ['error', 'warning', 'notice', 'never'] as const;
const COMMENT_MODES = ['update', 'new', 'off', 'on-findings'] as const;
const COMMENT_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

/** Splits a multi-line or comma-separated input into trimmed, non-empty items. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim().toLowerCase();
  if (value === '') return fallback;
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new InputError(`Invalid input '${name}': '${raw}'. Expected true or false.`);
}

function parseChoice<T extends string>(name: string, raw: string, choices: readonly T[], fallback: T): T {
  const value = raw.trim().toLowerCase();
  if (value === '') return fallback;
  const match = choices.find((choice) => choice === value);
  if (match === undefined) {
    throw new InputError(`Invalid input '${name}': '${raw}'. Expected one of: ${choices.join(', ')}.`);
  }
  return match;
}

function parseNumber(name: string, raw: string, options: { integer: boolean; min: number; max?: number }): number | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  const parsed = Number(value);
  const kind = options.integer ? 'a whole number' : 'a number';
  const max = options.max ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(parsed) || (options.integer && !Number.isInteger(parsed)) || parsed < options.min || parsed > max) {
    throw new InputError(`Invalid input '${name}': '${raw}'. Expected ${kind} >= ${options.min}${options.max !== undefined ? ` and <= ${options.max}` : ''}.`);
  }
  return parsed;
}

/** A path input that must stay inside the workspace: relative, without `..` segments. */
function parseRelativePath(name: string, raw: string, fallback: string): string {
  const value = raw.trim() === '' ? fallback : raw.trim();
  const segments = value.split(/[\\/]+/);
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || segments.includes('..')) {
    throw new InputError(`Invalid input '${name}': '${raw}'. Expected a path relative to the workspace, without '..'.`);
  }
  return value;
}

function parseOnlyChanged(raw: string): boolean | 'auto' {
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'auto') return 'auto';
  return parseBoolean(INPUT.onlyChanged, raw, true);
}

export function parseInputs(read: InputReader): ActionSettings {
  const configs = splitList(read(INPUT.configs));
  const commentKey = read(INPUT.commentKey).trim();
  if (commentKey !== '' && !COMMENT_KEY.test(commentKey)) {
    throw new InputError(`Invalid input '${INPUT.commentKey}': '${commentKey}'. Expected 1-100 letters, digits, '.', '_' or '-'.`);
  }
  const commentAuthor = read(INPUT.commentAuthor).trim();
  if (commentAuthor !== '' && !LOGIN_PATTERN.test(commentAuthor)) {
    throw new InputError(`Invalid input '${INPUT.commentAuthor}': '${commentAuthor}'. Expected a GitHub login such as my-app[bot].`);
  }
  const reportDir = read(INPUT.reportDir).trim();
  return {
    configs: configs.length > 0 ? configs : [DEFAULT_CONFIG_GLOB],
    onlyChanged: parseOnlyChanged(read(INPUT.onlyChanged)),
    githubToken: read(INPUT.githubToken).trim(),
    comment: parseChoice(INPUT.comment, read(INPUT.comment), COMMENT_MODES, 'update'),
    commentKey,
    ...(commentAuthor !== '' ? { commentAuthor } : {}),
    failOn: parseChoice(INPUT.failOn, read(INPUT.failOn), FAIL_ON, 'error'),
    smoke: parseBoolean(INPUT.smoke, read(INPUT.smoke), true),
    steps: parseNumber(INPUT.steps, read(INPUT.steps), { integer: true, min: 1, max: MAX_SMOKE_STEPS }),
    seed: parseNumber(INPUT.seed, read(INPUT.seed), { integer: true, min: 0 }),
    timeBudgetS: parseNumber(INPUT.timeBudget, read(INPUT.timeBudget), { integer: false, min: 1 }),
    backend: parseChoice(INPUT.backend, read(INPUT.backend), BACKEND_CHOICES, 'auto'),
    workingDirectory: parseRelativePath(INPUT.workingDirectory, read(INPUT.workingDirectory), '.'),
    reportDir: reportDir === '' ? DEFAULT_REPORT_DIR : reportDir,
    suggestions: parseBoolean(INPUT.suggestions, read(INPUT.suggestions), true),
    discoverOnly: parseBoolean(INPUT.discoverOnly, read(INPUT.discoverOnly), false),
    mergeReports: splitList(read(INPUT.mergeReports)),
    baseRef: parseBaseRef(read(INPUT.baseRef)),
  };
}

/** A branch, tag or commit id; never something git would read as an option or a range. */
function parseBaseRef(raw: string): string | undefined {
  const ref = raw.trim();
  if (ref === '') return undefined;
  if (!isGitRef(ref)) {
    throw new InputError(
      `Invalid input '${INPUT.baseRef}': '${ref}'. Expected a branch, tag or commit id (letters, digits, '.', '_', '-', '/', git's ~^@{} suffixes; no '..').`,
    );
  }
  return ref;
}
