// Parses the command line of INTERFACES.md (with node:util's parseArgs) into one typed settings object;
// every mistake says what was expected.
import { parseArgs as parseCommandLine, type ParseArgsConfig } from 'node:util';
import { MAX_SMOKE_STEPS } from '../config/schema.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/types.ts';
import { MAX_LANES } from '../engine/worker.ts';
import type { FailOn } from '../report/types.ts';
import type { Framework, InitSettings } from './init.ts';
import { isGitRef } from '../follow-ups/base-copy.ts';

export type OutputFormat = 'text' | 'markdown' | 'json' | 'sarif';

export interface CliSettings {
  command: 'check' | 'init' | 'help' | 'version';
  /** `nn-preflight init` only */
  init?: InitSettings;
  paths: string[];
  format: OutputFormat;
  outDir?: string;
  failOn: FailOn;
  smoke: boolean;
  steps?: number;
  seed?: number;
  timeBudgetS?: number;
  backend: BackendChoice;
  root?: string;
  color?: boolean;
  /** git ref whose version of each config is trained alongside for comparison */
  base?: string;
  /** second-seed confirmation and fix verification runs */
  verify: boolean;
  /** worker threads the smoke runs may use at once (default: from the machine's cores) */
  lanes?: number;
}

export class UsageError extends Error {}

const FORMATS: OutputFormat[] = ['text', 'markdown', 'json', 'sarif'];
const FAIL_ON: FailOn[] = ['error', 'warning', 'notice', 'never'];
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export const USAGE = `Usage: nn-preflight check [PATH ...] [options]
       nn-preflight init [DATA] [--target COL[,COL...]] [--model FILE] [--framework pytorch|keras] [--out FILE] [--force]

Checks neural-network training configs (*.preflight.yml) for quiet training bugs.

PATH                         config files, or folders searched for *.preflight.yml|yaml (default: .)
  --format text|markdown|json|sarif   output on stdout (default: text)
  --out DIR                  also write report.md, report.json, report.sarif, report.html and loss-<name>.svg to DIR
  --fail-on error|warning|notice|never   exit 1 when a finding reaches this severity (default: error)
  --no-smoke                 static checks only, no smoke training run
  --steps N                  smoke-run training steps (default: the config's smoke.steps, 200)
  --seed N                   smoke-run seed (default: the config's smoke.seed, 0)
  --time-budget S            smoke-run seconds per config (default: the config's smoke.time_budget_s, 20)
  --backend auto|node|wasm|cpu   TensorFlow.js backend (default: auto = node if installed, else wasm, else cpu)
  --root DIR                 repository root; nothing outside it is read (default: the git root, else .)
  --base REF                 also train each config as it is at git ref REF (same sample and seeds) and
                             report training-regression / training-improvement
  --no-verify                skip the extra runs that confirm smoke errors on a second seed and prove fixes
  --lanes N                  worker threads for the smoke runs at once (1 = one after another; default: 4
                             from 4 cores up, else 2 for a heavy model's control runs, 1 for a small
                             one's, and 2 for the follow-up runs)
  --color / --no-color       force colours on or off in text output

init writes a commented starter config from a table (csv, tsv, json, jsonl, parquet): its columns, the task
read from the target, a matching loss and output, and the preprocessing the data needs. DATA defaults to
train.csv (or data/train.csv, .parquet, ...); --out defaults to <DATA name>.preflight.yml here; an existing
file is only replaced with --force. --model writes model: {onnx|keras: FILE} instead of a starter model.

Exit codes: 0 no finding reaches --fail-on, 1 one does, 2 the command was misused or failed.`;

/** The options of `check`; `--no-X` forms are options of their own (parseArgs' allowNegative needs Node 22). */
const CHECK_OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  'fail-on': { type: 'string' },
  smoke: { type: 'boolean' },
  'no-smoke': { type: 'boolean' },
  steps: { type: 'string' },
  seed: { type: 'string' },
  'time-budget': { type: 'string' },
  backend: { type: 'string' },
  root: { type: 'string' },
  base: { type: 'string' },
  'no-verify': { type: 'boolean' },
  lanes: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

const INIT_OPTIONS = {
  target: { type: 'string' },
  model: { type: 'string' },
  framework: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

type OptionToken = { name: string; rawName: string; value?: string; inlineValue?: boolean };
type Token = ({ kind: 'option'; index: number } & OptionToken) | { kind: 'positional'; value: string } | { kind: 'option-terminator' };

/**
 * The arguments in order, as node:util's parseArgs reads them (`--flag value`, `--flag=value`, `-h`).
 * Not strict: an unknown option or a missing value is reported here, in the CLI's own words.
 */
function tokensOf(args: string[], options: ParseArgsOptionsConfig): Token[] {
  return (parseCommandLine({ args, options, strict: false, allowPositionals: true, tokens: true }).tokens ?? []) as Token[];
}

/** The value a string option was given; a following `--flag` is not a value, nor (for init) an empty one. */
function optionValue(token: OptionToken, options: { allowEmpty: boolean }): string {
  const v = token.value;
  if (v === undefined || (!options.allowEmpty && v === '') || (!token.inlineValue && v.startsWith('--')))
    throw new UsageError(`${token.rawName} needs a value.`);
  return v;
}

export function parseArgs(argv: string[]): CliSettings {
  const settings: CliSettings = { command: 'check', paths: [], format: 'text', failOn: 'error', smoke: true, backend: 'auto', verify: true };
  const first = argv[0];
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return { ...settings, command: 'help' };
  if (first === '--version' || first === 'version') return { ...settings, command: 'version' };
  if (first === 'init') return { ...settings, command: 'init', init: parseInitArgs(argv.slice(1)) };
  if (first !== 'check') throw new UsageError(`Unknown command "${first}". Expected "check" or "init".`);
  for (const token of tokensOf(argv.slice(1), CHECK_OPTIONS)) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      settings.paths.push(token.value);
      continue;
    }
    const flag = token.rawName;
    const value = () => optionValue(token, { allowEmpty: true });
    switch (token.name) {
      case 'format':
        settings.format = oneOf(flag, value(), FORMATS);
        break;
      case 'out':
        settings.outDir = value();
        break;
      case 'fail-on':
        settings.failOn = oneOf(flag, value(), FAIL_ON);
        break;
      case 'no-smoke':
        settings.smoke = false;
        break;
      case 'smoke':
        settings.smoke = true;
        break;
      case 'steps':
        settings.steps = wholeNumber(flag, value(), 1, MAX_SMOKE_STEPS);
        break;
      case 'seed':
        settings.seed = wholeNumber(flag, value(), 0, 2 ** 31 - 1);
        break;
      case 'time-budget':
        settings.timeBudgetS = positiveNumber(flag, value());
        break;
      case 'backend':
        settings.backend = oneOf(flag, value(), [...BACKEND_CHOICES]);
        break;
      case 'root':
        settings.root = value();
        break;
      case 'base':
        settings.base = gitRef(flag, value());
        break;
      case 'no-verify':
        settings.verify = false;
        break;
      case 'lanes':
        settings.lanes = wholeNumber(flag, value(), 1, MAX_LANES);
        break;
      case 'color':
        settings.color = true;
        break;
      case 'no-color':
        settings.color = false;
        break;
      case 'help':
        return { ...settings, command: 'help' };
      default:
        throw new UsageError(`Unknown option "${flag}". Run "nn-preflight --help" for the options.`);
    }
  }
  if (settings.base !== undefined && !settings.smoke) throw new UsageError('--base compares smoke runs, so it cannot go with --no-smoke.');
  if (settings.paths.length === 0) settings.paths.push('.');
  return settings;
}

const FRAMEWORKS: Framework[] = ['pytorch', 'keras'];

function parseInitArgs(argv: string[]): InitSettings {
  const init: InitSettings = { force: false };
  for (const token of tokensOf(argv, INIT_OPTIONS)) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (init.data !== undefined) throw new UsageError(`init takes one data file; got "${init.data}" and "${token.value}".`);
      init.data = token.value;
      continue;
    }
    const flag = token.rawName;
    const value = () => optionValue(token, { allowEmpty: false });
    switch (token.name) {
      case 'target':
        init.targets = value()
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== '');
        if (init.targets.length === 0) throw new UsageError('--target needs a column name.');
        break;
      case 'model':
        init.model = value();
        break;
      case 'framework':
        init.framework = oneOf(flag, value(), FRAMEWORKS);
        break;
      case 'out':
        init.out = value();
        break;
      case 'force':
        init.force = true;
        break;
      default:
        throw new UsageError(`Unknown init option "${flag}". Expected --target, --model, --framework, --out or --force.`);
    }
  }
  return init;
}

function oneOf<T extends string>(flag: string, value: string, allowed: T[]): T {
  if ((allowed as string[]).includes(value)) return value as T;
  throw new UsageError(`Invalid ${flag} "${value}". Expected one of: ${allowed.join(', ')}.`);
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`Invalid ${flag} "${value}". Expected a whole number from ${min} to ${max}.`);
  return n;
}

function gitRef(flag: string, value: string): string {
  if (isGitRef(value)) return value;
  throw new UsageError(`Invalid ${flag} "${value}". Expected a git ref (a branch, tag or commit), e.g. origin/main.`);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`Invalid ${flag} "${value}". Expected a number of seconds above 0.`);
  return n;
}
