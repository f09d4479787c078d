// One run's settings, resolved once where they come in (the CLI's arguments, the action's inputs) and
// passed down as one value. Per config, the run's overrides and the config's own `smoke:` keys meet in
// smokeSettingsFor, the one place that picks between them.
import path from 'node:path';
import type { ListedValues } from './config/issues.ts';
import type { PreflightConfig } from './config/types.ts';
import type { BackendChoice } from './engine/types.ts';
import type { BaseReader } from './follow-ups/base-copy.ts';
import type { ConfigResult, FailOn } from './report/types.ts';
import type { RepoSettings } from './config/repo-settings.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';

export interface ProgressEvent {
  /** one per phase of a config (progress-lines.ts words them); `fraction` marks a redraw of the same phase */
  phase: 'config' | 'data' | 'static' | 'smoke' | 'smoke-done' | 'controls' | 'checks' | 'seed-confirmation' | 'base-comparison' | 'fix-checks' | 'done';
  config: string;
  detail?: string;
  fraction?: number;
}

/** What an edge knows about a run; resolveRunSettings fills in the rest. */
export interface CheckOptions {
  /** repository root: nothing outside it is read */
  root: string;
  /** config paths relative to `cwd` (as the user gave them) or absolute */
  configs: string[];
  /** the folder relative config paths start from (default: the process's current folder) */
  cwd?: string;
  smoke: boolean;
  steps?: number;
  seed?: number;
  timeBudgetS?: number;
  backend: BackendChoice;
  failOn: FailOn;
  onProgress?: (event: ProgressEvent) => void;
  /** resource bounds (default DEFAULT_LIMITS); the whole-run smoke budget is shared by every config of the run */
  limits?: Limits;
  /** git ref to compare each config with (same smoke training at the base; `--base`) */
  base?: string;
  /** where the base version comes from (default: the git history of the work tree that holds the config) */
  readBase?: BaseReader;
  /** confirm smoke errors on a second seed and prove suggested fixes with extra runs (default true) */
  verify?: boolean;
  /** the repository's `.github/nn-preflight.yml`: defaults under each config's own `checks:` and `smoke:` */
  repoSettings?: RepoSettings;
  /** results placed before the configs' own (a broken settings file's config-errors) */
  leadingResults?: ConfigResult[];
  /**
   * worker threads the smoke runs may use at once: the controls beside the main run, and the follow-up runs
   * side by side; 1 runs everything one after another. Default: from the machine's cores (defaultLanes).
   * The findings and traces are the same for every value.
   */
  lanes?: number;
}

/** What the configs of one run have spent so far: each config's share is what the earlier ones left. */
export interface RunSpending {
  smokeSeconds: number;
  dataSeconds: number;
  /** lists of allowed values already printed in the run's config errors: each is printed once per report */
  listedValues: ListedValues;
}

export interface RunSettings extends Readonly<Omit<CheckOptions, 'cwd' | 'limits' | 'verify'>> {
  readonly cwd: string;
  readonly limits: Limits;
  readonly verify: boolean;
  /** shared by every config of the run (and by the base configs its comparisons load) */
  readonly spent: RunSpending;
}

export function resolveRunSettings(options: CheckOptions): RunSettings {
  return {
    ...options,
    cwd: path.resolve(options.cwd ?? process.cwd()),
    limits: options.limits ?? DEFAULT_LIMITS,
    verify: options.verify !== false,
    spent: { smokeSeconds: 0, dataSeconds: 0, listedValues: new Map() },
  };
}

/** Settings already resolved stay as they are (and keep their run's spending); options are resolved as a run of their own. */
export function asRunSettings(options: CheckOptions | RunSettings): RunSettings {
  return 'spent' in options ? options : resolveRunSettings(options);
}

/** One config's smoke run as asked: the run's overrides, else the config's own `smoke:` keys. */
export interface SmokeSettings {
  backend: BackendChoice;
  steps: number;
  seed: number;
  /** seconds asked for, before the per-config and per-run caps */
  timeBudgetS: number;
}

export function smokeSettingsFor(settings: RunSettings, config: PreflightConfig): SmokeSettings {
  return {
    backend: settings.backend,
    steps: settings.steps ?? config.smoke.steps,
    seed: settings.seed ?? config.smoke.seed,
    timeBudgetS: settings.timeBudgetS ?? config.smoke.time_budget_s,
  };
}
