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
import { initBackend, type BackendChoice } from '../src/engine/backend.ts';
import { makeLoss } from '../src/engine/losses.ts';
import { prepareData } from '../src/engine/prepare-data.ts';
import { trainFresh, type RunContext } from '../src/engine/session.ts';
import { makeContext, PROBE_EVERY } from '../src/engine/smoke.ts';
import type { Evidence } from '../src/evidence/types.ts';
import { BENCH_MODELS, type BenchModelId } from './models.ts';
import { findPython } from './python.ts';

export const WARMUP_STEPS = 20;

export interface LoopSpeed {
  stepsPerS: number;
  /** steps between the two timestamps */
  timedSteps: number;
  /** steps per second of this process's CPU time: steadier than wall time when other work shares the machine */
  cpuStepsPerS?: number;
  /** cut by the time cap before the warm-up ended: timed from the start, building and warm-up included */
  rough?: boolean;
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

export interface TrainingBench {
  steps: Record<BenchModelId, number>;
  tfjs: TfjsModelSpeed[];
  torch?: { version: string; threads: number; results: TorchModelSpeed[] };
  torchMissing?: string;
  errors: string[];
}

export const DEFAULT_STEPS: Record<BenchModelId, number> = { mlp: 300, cnn: 100, lstm: 100 };
/** Seconds one timed loop may take: the plain-JS cpu backend is far slower on convolutions. */
export const DEFAULT_CAP_S = 25;

/** The RunContext the smoke run builds (src/engine/smoke.ts), from the evidence the pipeline gathered. */
export function contextFor(evidence: Evidence): RunContext {
  const prepared = prepareData(evidence);
  if (!prepared.ok) throw new Error(prepared.reason);
  const loss = makeLoss(evidence.config.training.loss, evidence.config.training.from_logits);
  if (!loss) throw new Error(`loss ${evidence.config.training.loss} unsupported`);
  return makeContext(evidence, prepared.data, loss, evidence.config.smoke.seed);
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
    return { stepsPerS: result.stepsRun / ((ended - started) / 1000), timedSteps: result.stepsRun, rough: true };
  }
  const timedSteps = last.losses - first.losses;
  return { stepsPerS: timedSteps / ((last.at - first.at) / 1000), timedSteps, cpuStepsPerS: timedSteps / (last.cpu - first.cpu) };
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

async function childMain(backend: BackendChoice, dir: string, steps: Record<BenchModelId, number>, capS: number, withProfile: boolean): Promise<void> {
  const engine = await initBackend(backend);
  for (const model of BENCH_MODELS) {
    const config = path.join(dir, model.id, 'preflight.yml');
    try {
      const run = await runOneConfig(config, { root: dir, configs: [config], smoke: false, backend, failOn: 'never' });
      if (!run.evidence) throw new Error(`no evidence: ${run.result.findings.map((f) => f.message).join('; ')}`);
      const ctx = contextFor(run.evidence);
      const smoke = timeLoop(ctx, steps[model.id], PROBE_EVERY, capS);
      const plain = timeLoop(ctx, steps[model.id], 0, capS);
      const profile = withProfile && !smoke.rough ? await profileLoop(ctx) : undefined;
      tf.dispose([ctx.x, ctx.y, ctx.validation?.x, ctx.validation?.y].filter((t): t is tf.Tensor => t !== undefined));
      console.log(JSON.stringify({ ok: true, speed: { model: model.id, backend: engine.backend, smoke, plain, profile } satisfies TfjsModelSpeed }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, error: `${model.id} on ${backend}: ${error instanceof Error ? error.message : String(error)}` }));
    }
  }
}

function runChild(backend: BackendChoice, dir: string, steps: Record<BenchModelId, number>, capS: number): { speeds: TfjsModelSpeed[]; errors: string[] } {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', backend, dir, JSON.stringify(steps), String(capS), '--profile'], {
    encoding: 'utf8',
    timeout: 20 * 60 * 1000,
  });
  const speeds: TfjsModelSpeed[] = [];
  const errors: string[] = [];
  for (const line of child.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const message = JSON.parse(line) as { ok: boolean; speed?: TfjsModelSpeed; error?: string };
    if (message.ok && message.speed) speeds.push(message.speed);
    else if (message.error) errors.push(message.error);
  }
  if (child.status !== 0) errors.push(`${backend} child exited with ${child.status ?? child.signal}: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return { speeds, errors };
}

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_reference.py', import.meta.url));

function runTorch(steps: Record<BenchModelId, number>): Pick<TrainingBench, 'torch' | 'torchMissing'> & { errors: string[] } {
  const python = findPython('torch');
  if (!python) return { torchMissing: 'PyTorch is not importable (apt-get install python3-torch)', errors: [] };
  const models = BENCH_MODELS.map((m) => ({ id: m.id, steps: steps[m.id], ...m.torch }));
  const run = spawnSync(python, [TORCH_SCRIPT, JSON.stringify({ warmup: WARMUP_STEPS, batch: 32, models })], { encoding: 'utf8', timeout: 20 * 60 * 1000 });
  if (run.status !== 0) return { errors: [`PyTorch reference failed: ${run.stderr.trim().split('\n').slice(-2).join(' ')}`] };
  const parsed = JSON.parse(run.stdout) as { version: string; threads: number; results: { id: BenchModelId; steps_per_s: number; cpu_steps_per_s: number; timed_steps: number }[] };
  return {
    torch: { version: parsed.version, threads: parsed.threads, results: parsed.results.map((r) => ({ model: r.id, stepsPerS: r.steps_per_s, cpuStepsPerS: r.cpu_steps_per_s, timedSteps: r.timed_steps })) },
    errors: [],
  };
}

export function measureTraining(backends: BackendChoice[], steps: Record<BenchModelId, number> = DEFAULT_STEPS, capS = DEFAULT_CAP_S): TrainingBench {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nn-preflight-bench-train-'));
  try {
    for (const model of BENCH_MODELS) model.write(dir);
    const bench: TrainingBench = { steps, tfjs: [], errors: [] };
    for (const backend of backends) {
      const { speeds, errors } = runChild(backend, dir, steps, capS);
      bench.tfjs.push(...speeds);
      bench.errors.push(...errors);
    }
    const torch = runTorch(steps);
    bench.torch = torch.torch;
    bench.torchMissing = torch.torchMissing;
    bench.errors.push(...torch.errors);
    return bench;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) {
    await childMain(process.argv[at + 1] as BackendChoice, process.argv[at + 2], JSON.parse(process.argv[at + 3]), Number(process.argv[at + 4]), process.argv.includes('--profile'));
  } else {
    console.log(JSON.stringify(measureTraining(['wasm', 'cpu']), null, 2));
  }
}
