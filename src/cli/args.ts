// Parses the command line of INTERFACES.md into one typed settings object; every mistake says what was expected.
import { MAX_SMOKE_STEPS } from '../config/schema.ts';
import type { BackendChoice } from '../engine/backend.ts';
import { MAX_LANES } from '../engine/worker.ts';
import type { FailOn } from '../report/types.ts';
import type { Framework, InitSettings } from './init.ts';

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
const BACKENDS: BackendChoice[] = ['auto', 'node', 'wasm', 'cpu'];

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
                             from 4 cores up, else 1 for the control runs and 2 for the follow-up runs)
  --color / --no-color       force colours on or off in text output

init writes a commented starter config from a table (csv, tsv, json, jsonl, parquet): its columns, the task
read from the target, a matching loss and output, and the preprocessing the data needs. DATA defaults to
train.csv (or data/train.csv, .parquet, ...); --out defaults to <DATA name>.preflight.yml here; an existing
file is only replaced with --force. --model writes model: {onnx|keras: FILE} instead of a starter model.

Exit codes: 0 no finding reaches --fail-on, 1 one does, 2 the command was misused or failed.`;

export function parseArgs(argv: string[]): CliSettings {
  const settings: CliSettings = { command: 'check', paths: [], format: 'text', failOn: 'error', smoke: true, backend: 'auto', verify: true };
  const args = [...argv];
  const first = args[0];
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return { ...settings, command: 'help' };
  if (first === '--version' || first === 'version') return { ...settings, command: 'version' };
  if (first === 'init') return { ...settings, command: 'init', init: parseInitArgs(args.slice(1)) };
  if (first !== 'check') throw new UsageError(`Unknown command "${first}". Expected "check" or "init".`);
  args.shift();
  while (args.length > 0) {
    const arg = args.shift()!;
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inlineValue ?? args.shift();
      if (v === undefined || (inlineValue === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case '--format':
        settings.format = oneOf(flag, value(), FORMATS);
        break;
      case '--out':
        settings.outDir = value();
        break;
      case '--fail-on':
        settings.failOn = oneOf(flag, value(), FAIL_ON);
        break;
      case '--no-smoke':
        settings.smoke = false;
        break;
      case '--smoke':
        settings.smoke = true;
        break;
      case '--steps':
        settings.steps = wholeNumber(flag, value(), 1, MAX_SMOKE_STEPS);
        break;
      case '--seed':
        settings.seed = wholeNumber(flag, value(), 0, 2 ** 31 - 1);
        break;
      case '--time-budget':
        settings.timeBudgetS = positiveNumber(flag, value());
        break;
      case '--backend':
        settings.backend = oneOf(flag, value(), BACKENDS);
        break;
      case '--root':
        settings.root = value();
        break;
      case '--base':
        settings.base = gitRef(flag, value());
        break;
      case '--no-verify':
        settings.verify = false;
        break;
      case '--lanes':
        settings.lanes = wholeNumber(flag, value(), 1, MAX_LANES);
        break;
      case '--color':
        settings.color = true;
        break;
      case '--no-color':
        settings.color = false;
        break;
      case '--help':
      case '-h':
        return { ...settings, command: 'help' };
      default:
        if (flag.startsWith('-')) throw new UsageError(`Unknown option "${flag}". Run "nn-preflight --help" for the options.`);
        settings.paths.push(arg);
    }
  }
  if (settings.base !== undefined && !settings.smoke) throw new UsageError('--base compares smoke runs, so it cannot go with --no-smoke.');
  if (settings.paths.length === 0) settings.paths.push('.');
  return settings;
}

const FRAMEWORKS: Framework[] = ['pytorch', 'keras'];

function parseInitArgs(argv: string[]): InitSettings {
  const init: InitSettings = { force: false };
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift()!;
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inlineValue ?? args.shift();
      if (v === undefined || v === '' || (inlineValue === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case '--target':
        init.targets = value().split(',').map((t) => t.trim()).filter((t) => t !== '');
        if (init.targets.length === 0) throw new UsageError('--target needs a column name.');
        break;
      case '--model':
        init.model = value();
        break;
      case '--framework':
        init.framework = oneOf(flag, value(), FRAMEWORKS);
        break;
      case '--out':
        init.out = value();
        break;
      case '--force':
        init.force = true;
        break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`Unknown init option "${flag}". Expected --target, --model, --framework, --out or --force.`);
        if (init.data !== undefined) throw new UsageError(`init takes one data file; got "${init.data}" and "${arg}".`);
        init.data = arg;
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

/** A ref git can take as one argument: no spaces, not an option, no `..` range. */
function gitRef(flag: string, value: string): string {
  if (/^[^\s-][^\s]*$/.test(value) && !value.includes('..')) return value;
  throw new UsageError(`Invalid ${flag} "${value}". Expected a git ref (a branch, tag or commit), e.g. origin/main.`);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`Invalid ${flag} "${value}". Expected a number of seconds above 0.`);
  return n;
}
