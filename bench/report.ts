// Renders the suite's numbers as BENCHMARKS.md: targets first, then each part with its reference and
// ratio, the machine and the method. Notes written by hand below NOTES_MARKER survive a re-run.
import type { CheckWallBench } from './check-wall.ts';
import type { ColdStartBench } from './cold-start.ts';
import type { DataPassMeasure } from './data-pass.ts';
import type { Machine } from './machine.ts';
import { BENCH_MODELS } from './models.ts';
import type { Spread } from './stats.ts';
import { WARMUP_STEPS, type RatioSummary, type TrainingBench } from './training.ts';

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
  mlpVsTorch: 1,
  cnnVsTorch: 0.5,
  lstmVsTorch: 0.5,
  dataPassVsPandas: 1,
  checkWallS: 5,
  /** peak RSS over the 1 GB file may be at most this multiple of the peak over the 100 MB file */
  memoryGrowth: 1.5,
};

const fixed = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits));
const ratio = (value: number | undefined, reference: number | undefined) =>
  value === undefined || reference === undefined || reference <= 0 ? undefined : value / reference;
const verdict = (met: boolean | undefined) => (met === undefined ? 'not measured' : met ? 'met' : '**not met**');

/** The figure `check` itself gets: the default engine choice on the default backend. */
function defaultRatio(training: TrainingBench | undefined, model: string): RatioSummary | undefined {
  return training?.summary.find((r) => r.model === model && r.variant === 'wasm/auto');
}

const spreadText = (s: Spread | undefined, digits: number) => (s ? `${fixed(s.median, digits)} (${fixed(s.min, digits)}-${fixed(s.max, digits)})` : 'n/a');

function targetRows(results: BenchResults): string[] {
  const { training, checkWall, dataPass } = results;
  const mlp = defaultRatio(training, 'mlp')?.ratio?.median;
  const cnn = defaultRatio(training, 'cnn')?.ratio?.median;
  const lstm = defaultRatio(training, 'lstm')?.ratio?.median;
  const cutCases = checkWall?.cases.filter((c) => (c.budgetCuts?.length ?? 0) > 0);
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
    `| MLP smoke steps/s >= ${TARGETS.mlpVsTorch}x PyTorch (1 thread), median of interleaved repeats | ${fixed(mlp, 3)}x | ${verdict(mlp === undefined ? undefined : mlp >= TARGETS.mlpVsTorch)} |`,
    `| CNN smoke steps/s >= ${TARGETS.cnnVsTorch}x PyTorch (1 thread), median of interleaved repeats | ${fixed(cnn, 3)}x | ${verdict(cnn === undefined ? undefined : cnn >= TARGETS.cnnVsTorch)} |`,
    `| LSTM smoke steps/s >= ${TARGETS.lstmVsTorch}x PyTorch (1 thread), median of interleaved repeats | ${fixed(lstm, 3)}x | ${verdict(lstm === undefined ? undefined : lstm >= TARGETS.lstmVsTorch)} |`,
    `| data pass at least as fast as pandas read_csv + describe | ${worstPass ? `${fixed(worstPass.mbPerS / worstPass.pandas!.mbPerS, 2)}x (slowest, ${worstPass.mb} MB)` : 'n/a'} | ${verdict(worstPass ? worstPass.mbPerS >= worstPass.pandas!.mbPerS : undefined)} |`,
    `| data-pass memory bounded by the sample (peak RSS ${large?.mb ?? '?'} MB file / ${small?.mb ?? '?'} MB file <= ${TARGETS.memoryGrowth}) | ${fixed(growth, 2)}x | ${verdict(growth === undefined ? undefined : growth <= TARGETS.memoryGrowth)} |`,
    `| whole \`check\` of every shared case < ${TARGETS.checkWallS} s | slowest ${slowest ? `${fixed(slowest.full.wallS, 2)} s (${slowest.name})` : 'n/a'} | ${verdict(slowest ? slowest.full.wallS < TARGETS.checkWallS : undefined)} |`,
    `| no shared case cut by its smoke time budget | ${cutCases ? (cutCases.length > 0 ? `${cutCases.length} cut (${cutCases.map((c) => c.name).join(', ')})` : 'none cut') : 'n/a'} | ${verdict(cutCases ? cutCases.length === 0 : undefined)} |`,
  ];
}

function trainingSection(training: TrainingBench): string[] {
  const lines = [
    '## (a) Training steps per second',
    '',
    `Steps timed after ${WARMUP_STEPS} warm-up steps; steps per model: ${Object.entries(training.steps)
      .map(([id, n]) => `${id} ${n}`)
      .join(', ')}. ` +
      `Batch 32, Adam 1e-3, same networks in both, the loss read back every step on both sides. ${training.repeats} repeats; in each, every model runs ` +
      'under each of our variants and under PyTorch back to back in fresh processes (the order flips every repeat), and the ratio is taken within the repeat. ' +
      'Figures are medians with the lowest and highest repeat in brackets. "smoke loop" is the main run\'s loop (probes every 10 steps, non-finite checks every step); ' +
      '"plain loop" is the loop the control runs use (no probes). Variant `wasm/auto` is what `check` runs (the compiled step where the model allows, TF.js otherwise); ' +
      '`wasm/tfjs` is the TF.js step alone.',
    '',
  ];
  if (training.torchVersion) lines.push(`PyTorch ${training.torchVersion}, ${training.torchThreads} thread.`, '');
  else lines.push(`PyTorch reference: ${training.torchMissing ?? 'not measured'}.`, '');
  lines.push(
    '| model | variant | engine that ran | smoke loop steps/s | plain loop steps/s | PyTorch steps/s | smoke / PyTorch | plain / PyTorch | max load |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const s of training.summary) {
    const model = BENCH_MODELS.find((m) => m.id === s.model);
    lines.push(
      `| ${model?.label ?? s.model} | ${s.variant} | ${s.engine ?? 'n/a'} | ${spreadText(s.ours, 1)} | ${spreadText(s.oursPlain, 1)} | ${spreadText(s.torch, 1)} | ${spreadText(s.ratio, 3)} | ${spreadText(s.plainRatio, 3)} | ${fixed(s.maxLoad, 2)} |`,
    );
  }
  const profiled = training.profiles.filter((s) => s.profile);
  if (profiled.length > 0) {
    lines.push('', '### Where a step of the TF.js smoke loop goes (tf.profile over 20 steps)', '');
    lines.push(
      '| model | backend | wall ms/step | inside kernels ms/step | kernel calls/step | outside kernels (dispatch, tape, JS) | top kernels (ms/step x calls) |',
      '|---|---|---:|---:|---:|---:|---|',
    );
    for (const s of profiled) {
      const p = s.profile!;
      const top = p.top
        .slice(0, 4)
        .map((k) => `${k.kernel} ${k.msPerStep.toFixed(2)} x${k.callsPerStep.toFixed(0)}`)
        .join(', ');
      lines.push(
        `| ${s.model} | ${s.backend} | ${fixed(p.wallMsPerStep, 2)} | ${fixed(p.kernelMsPerStep, 2)} | ${fixed(p.kernelCallsPerStep, 0)} | ${fixed(100 * (1 - p.kernelMsPerStep / p.wallMsPerStep), 0)}% | ${top} |`,
      );
    }
  }
  return lines;
}

export function checkWallSection(bench: CheckWallBench): string[] {
  const lines = [
    '## (b) Whole `check` per shared case',
    '',
    `\`node dist/cli.js check preflight.yml --format json\` in each case folder of \`shared/cases/\`, a fresh process each, ` +
      `with the case's own smoke settings; references: the same command with \`--no-smoke\` (static checks only) and \`node -e ''\` ` +
      `(${fixed(bench.nodeStartup.wallS * 1000, 0)} ms here). CPU is user + system time of the process and its threads (GNU time).`,
    '',
    '| case | check s | CPU s | static-only s | check / static-only | smoke s (in report) | main-run steps | cut by the budget | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const c of bench.cases) {
    lines.push(
      `| ${c.name} | ${fixed(c.full.wallS, 2)} | ${fixed(c.full.cpuS, 2)} | ${fixed(c.staticOnly.wallS, 2)} | ${fixed(ratio(c.full.wallS, c.staticOnly.wallS), 1)} | ${fixed(c.smokeS, 2)} | ${c.smokeSteps ?? '-'} | ${c.budgetCuts?.length ? c.budgetCuts.join('; ') : '-'} | ${fixed(c.full.peakRssMb, 0)} |`,
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
    "| spawn to first request ms | whole run ms | `node -e ''` ms | first request / node start-up |",
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
