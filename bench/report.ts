// Renders the suite's numbers as BENCHMARKS.md: targets first, then each part with its reference and
// ratio, the machine and the method. Notes written by hand below NOTES_MARKER survive a re-run.
import type { CheckWallBench } from './check-wall.ts';
import type { ColdStartBench } from './cold-start.ts';
import type { DataPassMeasure } from './data-pass.ts';
import type { Machine } from './machine.ts';
import { BENCH_MODELS } from './models.ts';
import { WARMUP_STEPS, type TrainingBench } from './training.ts';

export interface BenchResults {
  machine: Machine;
  quick: boolean;
  training?: TrainingBench;
  checkWall?: CheckWallBench;
  dataPass?: (DataPassMeasure & { mb: number })[];
  coldStart?: ColdStartBench;
  errors: string[];
}

export const NOTES_MARKER = '<!-- Notes below this line are written by hand and kept when `npm run bench` rewrites the file. -->';

export const TARGETS = {
  mlpVsTorch: 0.5,
  cnnVsTorch: 0.3,
  dataPassVsPandas: 1,
  checkWallS: 10,
  /** peak RSS over the 1 GB file may be at most this multiple of the peak over the 100 MB file */
  memoryGrowth: 1.5,
};

const fixed = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));
const ratio = (value: number | undefined, reference: number | undefined) =>
  value === undefined || reference === undefined || reference <= 0 ? undefined : value / reference;
const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : '**not met**');

function torchSpeed(training: TrainingBench | undefined, model: string): number | undefined {
  return training?.torch?.results.find((r) => r.model === model)?.stepsPerS;
}

function tfjsSpeed(training: TrainingBench | undefined, model: string, backend: string): number | undefined {
  return training?.tfjs.find((r) => r.model === model && r.backend === backend)?.smoke.stepsPerS;
}

function targetRows(results: BenchResults): string[] {
  const { training, checkWall, dataPass } = results;
  const mlp = ratio(tfjsSpeed(training, 'mlp', 'wasm'), torchSpeed(training, 'mlp'));
  const cnn = ratio(tfjsSpeed(training, 'cnn', 'wasm'), torchSpeed(training, 'cnn'));
  const slowest = checkWall?.cases.reduce((worst, c) => (c.full.wallS > worst.full.wallS ? c : worst), checkWall.cases[0]);
  const passes = dataPass?.filter((p) => p.pandas) ?? [];
  const worstPass = passes.reduce<(DataPassMeasure & { mb: number }) | undefined>(
    (worst, p) => (worst === undefined || p.mbPerS / p.pandas!.mbPerS < worst.mbPerS / worst.pandas!.mbPerS ? p : worst),
    undefined,
  );
  const small = dataPass?.[0];
  const large = dataPass?.[dataPass.length - 1];
  const growth = small && large && small !== large ? large.peakRssMb / small.peakRssMb : undefined;
  return [
    '| target | measured | verdict |',
    '|---|---|---|',
    `| MLP smoke steps/s >= ${TARGETS.mlpVsTorch}x PyTorch (1 thread), wasm | ${fixed(mlp, 3)}x | ${verdict(mlp === undefined ? undefined : mlp >= TARGETS.mlpVsTorch)} |`,
    `| CNN smoke steps/s >= ${TARGETS.cnnVsTorch}x PyTorch (1 thread), wasm | ${fixed(cnn, 3)}x | ${verdict(cnn === undefined ? undefined : cnn >= TARGETS.cnnVsTorch)} |`,
    `| data pass at least as fast as pandas read_csv + describe | ${worstPass ? `${fixed(worstPass.mbPerS / worstPass.pandas!.mbPerS, 2)}x (slowest, ${worstPass.mb} MB)` : 'n/a'} | ${verdict(worstPass ? worstPass.mbPerS >= worstPass.pandas!.mbPerS : undefined)} |`,
    `| data-pass memory bounded by the sample (peak RSS ${large?.mb ?? '?'} MB file / ${small?.mb ?? '?'} MB file <= ${TARGETS.memoryGrowth}) | ${fixed(growth, 2)}x | ${verdict(growth === undefined ? undefined : growth <= TARGETS.memoryGrowth)} |`,
    `| whole \`check\` of every shared case < ${TARGETS.checkWallS} s | slowest ${slowest ? `${fixed(slowest.full.wallS, 2)} s (${slowest.name})` : 'n/a'} | ${verdict(slowest ? slowest.full.wallS < TARGETS.checkWallS : undefined)} |`,
  ];
}

function trainingSection(training: TrainingBench): string[] {
  const lines = [
    '## (a) Training steps per second',
    '',
    `Steps timed after ${WARMUP_STEPS} warm-up steps; steps per model: ${BENCH_MODELS.map((m) => `${m.id} ${training.steps[m.id]}`).join(', ')}. ` +
      `Batch 32, Adam 1e-3, same networks in both. "smoke loop" is the main run's loop (probes every 10 steps, non-finite checks every step); ` +
      '"plain loop" is the loop the control runs use (no probes).',
    '',
  ];
  if (training.torch) lines.push(`PyTorch ${training.torch.version}, ${training.torch.threads} thread.`, '');
  else lines.push(`PyTorch reference: ${training.torchMissing ?? 'not measured'}.`, '');
  lines.push(
    '| model | backend | smoke loop steps/s | plain loop steps/s | PyTorch steps/s | smoke / PyTorch | plain / PyTorch | smoke / PyTorch, per CPU-second |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const speed of training.tfjs) {
    const model = BENCH_MODELS.find((m) => m.id === speed.model);
    const torch = torchSpeed(training, speed.model);
    const torchCpu = training.torch?.results.find((r) => r.model === speed.model)?.cpuStepsPerS;
    const rough = speed.smoke.rough ? ' (rough: cut by the time cap during warm-up)' : '';
    lines.push(
      `| ${model?.label ?? speed.model} | ${speed.backend} | ${fixed(speed.smoke.stepsPerS)}${rough} | ${fixed(speed.plain.stepsPerS)} | ${fixed(torch)} | ${fixed(ratio(speed.smoke.stepsPerS, torch), 3)} | ${fixed(ratio(speed.plain.stepsPerS, torch), 3)} | ${fixed(ratio(speed.smoke.cpuStepsPerS, torchCpu), 3)} |`,
    );
  }
  const profiled = training.tfjs.filter((s) => s.profile);
  if (profiled.length > 0) {
    lines.push('', '### Where a step of the smoke loop goes (tf.profile over 20 steps)', '');
    lines.push('| model | backend | wall ms/step | inside kernels ms/step | kernel calls/step | outside kernels (dispatch, tape, JS) | top kernels (ms/step x calls) |', '|---|---|---:|---:|---:|---:|---|');
    for (const s of profiled) {
      const p = s.profile!;
      const top = p.top.slice(0, 4).map((k) => `${k.kernel} ${k.msPerStep.toFixed(2)} x${k.callsPerStep.toFixed(0)}`).join(', ');
      lines.push(`| ${s.model} | ${s.backend} | ${fixed(p.wallMsPerStep, 2)} | ${fixed(p.kernelMsPerStep, 2)} | ${fixed(p.kernelCallsPerStep, 0)} | ${fixed(100 * (1 - p.kernelMsPerStep / p.wallMsPerStep), 0)}% | ${top} |`);
    }
  }
  return lines;
}

function checkWallSection(bench: CheckWallBench): string[] {
  const lines = [
    '## (b) Whole `check` per shared case',
    '',
    `\`node dist/cli.js check preflight.yml --format json\` in each case folder of \`shared/cases/\`, a fresh process each, ` +
      `with the case's own smoke settings; references: the same command with \`--no-smoke\` (static checks only) and \`node -e ''\` ` +
      `(${fixed(bench.nodeStartup.wallS * 1000, 0)} ms here). CPU is user + system time of the process and its threads (GNU time).`,
    '',
    '| case | check s | CPU s | static-only s | check / static-only | smoke s (in report) | main-run steps | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of bench.cases) {
    lines.push(
      `| ${c.name} | ${fixed(c.full.wallS, 2)} | ${fixed(c.full.cpuS, 2)} | ${fixed(c.staticOnly.wallS, 2)} | ${fixed(ratio(c.full.wallS, c.staticOnly.wallS), 1)} | ${fixed(c.smokeS, 2)} | ${c.smokeSteps ?? '-'} | ${fixed(c.full.peakRssMb, 0)} |`,
    );
  }
  const total = bench.cases.reduce((sum, c) => sum + c.full.wallS, 0);
  lines.push('', `All ${bench.cases.length} cases: ${fixed(total, 1)} s in total, ${fixed(total / bench.cases.length, 2)} s on average.`);
  return lines;
}

function dataPassSection(passes: (DataPassMeasure & { mb: number })[]): string[] {
  const lines = [
    '## (c) Data pass',
    '',
    'A generated numeric CSV (10 float features, one integer label) loaded the way `check` loads training data: exact per-column ' +
      'statistics over the whole file and a 10,000-row reservoir sample. Reference: pandas `read_csv(file).describe()` on the same file. ' +
      'Peak RSS is the whole process (each pass runs in a fresh one); "before" is the runtime alone.',
    '',
    '| file | MB/s | MB per CPU-s | peak RSS MB (before) | pandas MB/s | pandas peak RSS MB | speed / pandas | memory / pandas |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const p of passes) {
    lines.push(
      `| ${p.mb} MB | ${fixed(p.mbPerS)} | ${fixed(p.cpuMbPerS)} | ${fixed(p.peakRssMb, 0)} (${fixed(p.rssBeforePassMb, 0)}) | ${fixed(p.pandas?.mbPerS)} | ${fixed(p.pandas?.peakRssMb, 0)} | ${fixed(ratio(p.mbPerS, p.pandas?.mbPerS), 2)} | ${fixed(ratio(p.peakRssMb, p.pandas?.peakRssMb), 2)} |`,
    );
  }
  return lines;
}

function coldStartSection(c: ColdStartBench): string[] {
  return [
    '## (d) Action cold start',
    '',
    `\`dist/index.js\` under the Node ${c.node} binary of GitHub's node24 runtime, on a pull_request event, against the fake GitHub ` +
      `server of the action tests (test/github/fake-github/), smoke off; median of ${c.runs} runs.`,
    '',
    '| spawn to first request ms | whole run ms | `node -e \'\'` ms | first request / node start-up |',
    '|---:|---:|---:|---:|',
    `| ${fixed(c.firstRequestMs, 0)} | ${fixed(c.wholeRunMs, 0)} | ${fixed(c.nodeStartupMs, 0)} | ${fixed(ratio(c.firstRequestMs, c.nodeStartupMs), 1)} |`,
  ];
}

function machineSection(m: Machine, quick: boolean): string[] {
  return [
    '## Machine',
    '',
    `- ${m.cpu}, ${m.cores} cores, ${fixed(m.memoryGb, 1)} GB; ${m.os}`,
    `- Node ${m.node}, TensorFlow.js ${m.tfjs}${m.torch ? `, PyTorch ${m.torch}` : ''}${m.pandas ? `, pandas ${m.pandas}` : ''}${m.python ? ` (${m.python})` : ''}`,
    `- measured ${m.date}${quick ? ' with --quick (fewer steps, smaller files)' : ''}; 1-minute load average ${fixed(m.loadAtStart, 2)} at the start, ${fixed(m.loadAtEnd, 2)} at the end`,
  ];
}

export function renderBenchmarks(results: BenchResults, previous?: string): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts). Every figure stands beside a reference measured in the same run on the same machine.',
    '',
    '## Targets',
    '',
    ...targetRows(results),
    '',
    ...machineSection(results.machine, results.quick),
    '',
  ];
  if (results.training) lines.push(...trainingSection(results.training), '');
  if (results.checkWall) lines.push(...checkWallSection(results.checkWall), '');
  if (results.dataPass) lines.push(...dataPassSection(results.dataPass), '');
  if (results.coldStart) lines.push(...coldStartSection(results.coldStart), '');
  if (results.errors.length > 0) lines.push('## Errors during the run', '', ...results.errors.map((e) => `- ${e}`), '');
  const kept = previous?.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER) + NOTES_MARKER.length).trim() : '';
  lines.push(NOTES_MARKER, '', kept, '');
  return lines.join('\n');
}
