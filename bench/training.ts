// Part (a): training steps per second of the smoke run's own loop for the MLP, CNN and LSTM of
// bench/models.ts on each backend, beside the same networks trained by PyTorch on one thread.
// Each backend runs in its own child process (a clean engine, no backend switching in between).
// Only the steps after a warm-up are timed: the loop calls `stopWhen` at each loss read-back, and the
// benchmark takes its timestamps there, so model building and the first kernel calls are left out.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { runOneConfig } from '../src/pipeline.ts';
import { initBackend } from '../src/engine/backend.ts';
import type { BackendChoice } from '../src/engine/types.ts';
import { makeLoss } from '../src/engine/losses.ts';
import { trainFresh, type RunContext } from '../src/engine/session.ts';
import { makeContext, PROBE_EVERY } from '../src/engine/smoke.ts';
import type { Evidence } from '../src/evidence/types.ts';
import { BENCH_MODELS, type BenchModelId } from './models.ts';
import { findPython } from './python.ts';
import { summarize, withLoad, type LoadWindow, type Spread } from './stats.ts';
import type { StepEngineChoice } from '../src/engine/compiled/choose.ts';
import { smokeInputOf } from '../src/evidence/smoke-input.ts';

export const WARMUP_STEPS = 20;

export interface LoopSpeed {
  stepsPerS: number;
  /** steps between the two timestamps */
  timedSteps: number;
  /** steps per second of this process's CPU time: steadier than wall time when other work shares the machine */
  cpuStepsPerS?: number;
  /** cut by the time cap before the warm-up ended: timed from the start, building and warm-up included */
  rough?: boolean;
  /** which training step ran (TrainResult.engine) */
  engine?: string;
}

export interface KernelShare {
  kernel: string;
  msPerStep: number;
  callsPerStep: number;
}

/** Where one step of the main-run loop spends its time: inside kernels, and the rest (dispatch, tape, JS). */
export interface StepProfile {
  wallMsPerStep: number;
  kernelMsPerStep: number;
  kernelCallsPerStep: number;
  top: KernelShare[];
}

export interface TfjsModelSpeed {
  model: BenchModelId;
  backend: string;
  /** which training step ran: the compiled one or TF.js's (the engine falls back to TF.js for layers it lacks) */
  engine: string;
  profile?: StepProfile;
  /** the main run's loop: probes every PROBE_EVERY steps, validation loss when there is validation data */
  smoke: LoopSpeed;
  /** the control runs' loop: no probes, losses read back every 10 steps */
  plain: LoopSpeed;
}

export interface TorchModelSpeed {
  model: BenchModelId;
  stepsPerS: number;
  cpuStepsPerS?: number;
  timedSteps: number;
}

/** Which of our training steps a series measures: a backend and an engine choice. */
export interface Variant {
  backend: BackendChoice;
  engine: StepEngineChoice;
}

export const DEFAULT_VARIANTS: Variant[] = [
  { backend: 'wasm', engine: 'auto' },
  { backend: 'wasm', engine: 'tfjs' },
];

export function variantName(v: Variant): string {
  return `${v.backend}/${v.engine}`;
}

/** One measurement of one repeat, with the load around it. */
export interface Sample<T> {
  repeat: number;
  value?: T;
  error?: string;
  load: LoadWindow;
}

export interface OurSeries {
  model: BenchModelId;
  variant: string;
  samples: Sample<TfjsModelSpeed>[];
}

export interface TorchSeries {
  model: BenchModelId;
  samples: Sample<TorchModelSpeed>[];
}

/** smoke-loop steps/s of ours over PyTorch's, taken pairwise within each repeat. */
export interface RatioSummary {
  model: BenchModelId;
  variant: string;
  engine?: string;
  ours?: Spread;
  oursPlain?: Spread;
  torch?: Spread;
  ratio?: Spread;
  plainRatio?: Spread;
  /** some measurement behind the figure ran with the load above the core count */
  busy: boolean;
  /** highest 1-minute load seen around the measurements behind the figure */
  maxLoad: number;
}

export interface TrainingBench {
  steps: Record<BenchModelId, number>;
  repeats: number;
  variants: string[];
  ours: OurSeries[];
  torch: TorchSeries[];
  torchVersion?: string;
  torchThreads?: number;
  torchMissing?: string;
  summary: RatioSummary[];
  /** TF.js profile of one step per model (the TF.js engine), taken once, not interleaved */
  profiles: TfjsModelSpeed[];
  /** every figure was taken with the load at or below the core count */
  publishable: boolean;
  errors: string[];
}

export const DEFAULT_STEPS: Record<BenchModelId, number> = { mlp: 1000, cnn: 100, lstm: 100, wide: 100 };
export const DEFAULT_REPEATS = 3;
/** Seconds one timed loop may take: the plain-JS cpu backend is far slower on convolutions. */
export const DEFAULT_CAP_S = 25;

/** The RunContext the smoke run builds (src/engine/smoke.ts), from the evidence the pipeline gathered. */
export function contextFor(evidence: Evidence): RunContext {
  const input = smokeInputOf(evidence);
  const prepared = input.data;
  if (!prepared.ok) throw new Error(prepared.reason);
  const loss = makeLoss(input.training.loss, input.training.from_logits);
  if (!loss) throw new Error(`loss ${input.training.loss} unsupported`);
  return makeContext(input, prepared.data, loss, evidence.config.smoke.seed);
}

/**
 * Steps per second between the first read-back after the warm-up and the last one. A loop that the
 * time cap cuts before two such read-backs (the CNN on the plain-JS cpu backend) is timed over every
 * step it ran, warm-up and model building included, and flagged as rough.
 */
function timeLoop(ctx: RunContext, steps: number, probeEvery: number, capS: number): LoopSpeed {
  const marks: { at: number; cpu: number; losses: number }[] = [];
  const started = performance.now();
  const result = trainFresh(ctx, {
    steps: WARMUP_STEPS + steps,
    deadline: started + capS * 1000,
    probeEvery,
    withValidation: probeEvery > 0,
    stopWhen: (losses) => {
      const cpu = process.cpuUsage();
      marks.push({ at: performance.now(), cpu: (cpu.user + cpu.system) / 1e6, losses: losses.length });
      return false;
    },
  });
  const ended = performance.now();
  const first = marks.find((m) => m.losses > WARMUP_STEPS);
  const last = marks[marks.length - 1];
  if (!first || !last || last.losses <= first.losses) {
    return { stepsPerS: result.stepsRun / ((ended - started) / 1000), timedSteps: result.stepsRun, rough: true, engine: result.engine };
  }
  const timedSteps = last.losses - first.losses;
  return { stepsPerS: timedSteps / ((last.at - first.at) / 1000), timedSteps, cpuStepsPerS: timedSteps / (last.cpu - first.cpu), engine: result.engine };
}

const PROFILED_STEPS = 20;

async function profileLoop(ctx: RunContext): Promise<StepProfile> {
  const started = performance.now();
  const info = await tf.profile(() => {
    trainFresh(ctx, { steps: PROFILED_STEPS, deadline: Number.POSITIVE_INFINITY, probeEvery: PROBE_EVERY, withValidation: true });
  });
  const wallMs = performance.now() - started;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const kernel of info.kernels) {
    // `<op>__op` entries wrap the kernel calls listed under their own names: counting both would count twice.
    if (kernel.name.endsWith('__op')) continue;
    const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    entry.calls += 1;
    byKernel.set(kernel.name, entry);
  }
  const shares = [...byKernel].map(([kernel, v]) => ({ kernel, msPerStep: v.ms / PROFILED_STEPS, callsPerStep: v.calls / PROFILED_STEPS }));
  shares.sort((a, b) => b.msPerStep - a.msPerStep);
  return {
    wallMsPerStep: wallMs / PROFILED_STEPS,
    kernelMsPerStep: shares.reduce((sum, k) => sum + k.msPerStep, 0),
    kernelCallsPerStep: shares.reduce((sum, k) => sum + k.callsPerStep, 0),
    top: shares.slice(0, 6),
  };
}

async function childMain(variant: Variant, dir: string, modelId: BenchModelId, steps: number, capS: number, withProfile: boolean): Promise<void> {
  const engine = await initBackend(variant.backend);
  const model = BENCH_MODELS.find((m) => m.id === modelId);
  const config = path.join(dir, modelId, 'preflight.yml');
  try {
    if (!model) throw new Error(`unknown model ${modelId}`);
    const run = await runOneConfig(config, { root: dir, configs: [config], smoke: false, backend: variant.backend, failOn: 'never' });
    if (!run.evidence) throw new Error(`no evidence: ${run.result.findings.map((f) => f.message).join('; ')}`);
    const ctx: RunContext = { ...contextFor(run.evidence), engine: variant.engine };
    const smoke = timeLoop(ctx, steps, PROBE_EVERY, capS);
    const plain = timeLoop(ctx, steps, 0, capS);
    const profile = withProfile && !smoke.rough ? await profileLoop(ctx) : undefined;
    tf.dispose([ctx.x, ctx.y, ctx.validation?.x, ctx.validation?.y].filter((t): t is tf.Tensor => t !== undefined));
    const speed: TfjsModelSpeed = { model: modelId, backend: engine.backend, engine: smoke.engine ?? 'tfjs', smoke, plain, profile };
    console.log(JSON.stringify({ ok: true, speed }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: `${modelId} on ${variantName(variant)}: ${error instanceof Error ? error.message : String(error)}` }));
  }
}

/** One model, one variant, in a fresh process (a clean engine, no backend switching in between). */
function runChild(
  variant: Variant,
  dir: string,
  model: BenchModelId,
  steps: number,
  capS: number,
  withProfile = false,
): { speed?: TfjsModelSpeed; error?: string } {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', variant.backend, variant.engine, dir, model, String(steps), String(capS)];
  if (withProfile) args.push('--profile');
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20 * 60 * 1000 });
  for (const line of child.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const message = JSON.parse(line) as { ok: boolean; speed?: TfjsModelSpeed; error?: string };
    if (message.ok && message.speed) return { speed: message.speed };
    if (message.error) return { error: message.error };
  }
  return {
    error: `${model} on ${variantName(variant)}: child exited with ${child.status ?? child.signal}: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`,
  };
}

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_reference.py', import.meta.url));

interface TorchRun {
  version?: string;
  threads?: number;
  speed?: TorchModelSpeed;
  error?: string;
}

/** One model in a fresh PyTorch process, on one thread, the loss read back every step. */
function runTorch(python: string, model: BenchModelId, steps: number): TorchRun {
  const spec = BENCH_MODELS.find((m) => m.id === model)!;
  const request = { warmup: WARMUP_STEPS, batch: 32, models: [{ id: model, steps, ...spec.torch }] };
  const run = spawnSync(python, [TORCH_SCRIPT, JSON.stringify(request)], { encoding: 'utf8', timeout: 20 * 60 * 1000 });
  if (run.status !== 0) return { error: `PyTorch reference (${model}) failed: ${run.stderr.trim().split('\n').slice(-2).join(' ')}` };
  const parsed = JSON.parse(run.stdout) as {
    version: string;
    threads: number;
    results: { id: BenchModelId; steps_per_s: number; cpu_steps_per_s: number; timed_steps: number }[];
  };
  const r = parsed.results[0];
  return {
    version: parsed.version,
    threads: parsed.threads,
    speed: { model: r.id, stepsPerS: r.steps_per_s, cpuStepsPerS: r.cpu_steps_per_s, timedSteps: r.timed_steps },
  };
}

export interface TrainingOptions {
  variants?: Variant[];
  models?: BenchModelId[];
  steps?: Record<BenchModelId, number>;
  repeats?: number;
  capS?: number;
  /** take one TF.js profile per model after the timed repeats */
  profile?: boolean;
  log?: (message: string) => void;
}

/**
 * Interleaved measurement: in every repeat, each model is timed under each of our variants and under
 * PyTorch back to back (the order flips every repeat, so a drift in the machine's load hits both sides
 * alike). Ratios are taken pairwise within a repeat, then summarised by their median and spread.
 */
export function measureTraining(options: TrainingOptions = {}): TrainingBench {
  const variants = options.variants ?? DEFAULT_VARIANTS;
  const models = options.models ?? BENCH_MODELS.map((m) => m.id);
  const steps = options.steps ?? DEFAULT_STEPS;
  const repeats = Math.max(1, options.repeats ?? DEFAULT_REPEATS);
  const capS = options.capS ?? DEFAULT_CAP_S;
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-bench-train-'));
  const bench: TrainingBench = {
    steps,
    repeats,
    variants: variants.map(variantName),
    ours: [],
    torch: [],
    summary: [],
    profiles: [],
    publishable: true,
    errors: [],
  };
  const python = findPython('torch');
  if (!python) bench.torchMissing = 'PyTorch is not importable (apt-get install python3-torch)';
  try {
    for (const model of BENCH_MODELS) model.write(dir);
    for (const model of models) {
      for (const variant of variants) bench.ours.push({ model, variant: variantName(variant), samples: [] });
      bench.torch.push({ model, samples: [] });
    }
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const model of models) {
        const ourTurns = variants.map((variant) => () => {
          const { value, load } = withLoad(() => runChild(variant, dir, model, steps[model], capS));
          if (value.error) bench.errors.push(value.error);
          bench.ours
            .find((s) => s.model === model && s.variant === variantName(variant))!
            .samples.push({ repeat, value: value.speed, error: value.error, load });
          log(
            `${model} ${variantName(variant)} repeat ${repeat + 1}: ${value.speed ? `${value.speed.smoke.stepsPerS.toFixed(1)} steps/s (${value.speed.engine})` : value.error} ${loadText(load)}`,
          );
        });
        const torchTurn = () => {
          if (!python) return;
          const { value, load } = withLoad(() => runTorch(python, model, steps[model]));
          if (value.error) bench.errors.push(value.error);
          bench.torchVersion ??= value.version;
          bench.torchThreads ??= value.threads;
          bench.torch.find((s) => s.model === model)!.samples.push({ repeat, value: value.speed, error: value.error, load });
          log(`${model} torch repeat ${repeat + 1}: ${value.speed ? `${value.speed.stepsPerS.toFixed(1)} steps/s` : value.error} ${loadText(load)}`);
        };
        const turns = repeat % 2 === 0 ? [...ourTurns, torchTurn] : [torchTurn, ...ourTurns.reverse()];
        for (const turn of turns) turn();
      }
    }
    if (options.profile) {
      for (const model of models) {
        const { speed, error } = runChild({ backend: 'wasm', engine: 'tfjs' }, dir, model, steps[model], capS, true);
        if (speed) bench.profiles.push(speed);
        if (error) bench.errors.push(error);
      }
    }
    bench.summary = summarizeTraining(bench);
    bench.publishable = bench.summary.every((s) => !s.busy);
    return bench;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadText(load: LoadWindow): string {
  return `[load ${load.before.toFixed(2)} -> ${load.after.toFixed(2)} on ${load.cores} cores${load.busy ? '; BUSY: not publishable' : ''}]`;
}

export function summarizeTraining(bench: Pick<TrainingBench, 'ours' | 'torch'>): RatioSummary[] {
  return bench.ours.map((series) => {
    const torch = bench.torch.find((t) => t.model === series.model);
    const torchByRepeat = new Map((torch?.samples ?? []).filter((s) => s.value).map((s) => [s.repeat, s]));
    const ratios: number[] = [];
    const plainRatios: number[] = [];
    for (const sample of series.samples) {
      const reference = torchByRepeat.get(sample.repeat)?.value;
      if (!sample.value || !reference || sample.value.smoke.rough) continue;
      ratios.push(sample.value.smoke.stepsPerS / reference.stepsPerS);
      plainRatios.push(sample.value.plain.stepsPerS / reference.stepsPerS);
    }
    const loads = [...series.samples, ...(torch?.samples ?? [])].map((s) => s.load);
    return {
      model: series.model,
      variant: series.variant,
      engine: series.samples.find((s) => s.value)?.value?.engine,
      ours: summarize(series.samples.filter((s) => s.value && !s.value.smoke.rough).map((s) => s.value!.smoke.stepsPerS)),
      oursPlain: summarize(series.samples.filter((s) => s.value && !s.value.plain.rough).map((s) => s.value!.plain.stepsPerS)),
      torch: summarize((torch?.samples ?? []).filter((s) => s.value).map((s) => s.value!.stepsPerS)),
      ratio: summarize(ratios),
      plainRatio: summarize(plainRatios),
      busy: loads.length === 0 || loads.some((l) => l.busy),
      maxLoad: Math.max(0, ...loads.flatMap((l) => [l.before, l.after])),
    };
  });
}

/** A plain-text table of the summary, every busy figure marked. */
export function trainingTable(bench: TrainingBench): string {
  const f = (s: Spread | undefined, digits = 1) => (s ? `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}-${s.max.toFixed(digits)}]` : 'n/a');
  const lines = ['model  variant       engine    ours smoke steps/s        torch steps/s             ratio (median [min-max])  max load'];
  for (const s of bench.summary) {
    lines.push(
      `${s.model.padEnd(6)} ${s.variant.padEnd(13)} ${(s.engine ?? '?').padEnd(9)} ${f(s.ours).padEnd(25)} ${f(s.torch).padEnd(25)} ${f(s.ratio, 3).padEnd(25)} ${s.maxLoad.toFixed(2)}${s.busy ? '  BUSY: not publishable' : ''}`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) {
    const [backend, engine, dir, model, steps, capS] = process.argv.slice(at + 1, at + 7);
    await childMain(
      { backend: backend as BackendChoice, engine: engine as StepEngineChoice },
      dir,
      model as BenchModelId,
      Number(steps),
      Number(capS),
      process.argv.includes('--profile'),
    );
  } else {
    const bench = measureTraining({ log: (m) => process.stderr.write(`${m}\n`) });
    console.log(trainingTable(bench));
  }
}
