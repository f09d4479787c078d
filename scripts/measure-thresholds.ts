// Measures, on every labelled case, the smoke-trace quantities the smoke checks put thresholds on,
// so that each threshold can be justified by where the cases that must fire and the clean cases fall.
//
//   node --import tsx scripts/measure-thresholds.ts [--cases ../shared/cases] [--out thresholds.json] [--only a,b]
//
// Each case runs the real pipeline in-process (runOneConfig, cwd and root = the case folder, smoke on,
// backend 'auto', the config's own steps and seed). Follow-up runs (second seed, fix verification) are
// off: they do not change the trace, and the checks' decisions on the main run are what the thresholds set.
// Results are written after every case, so an interrupted run keeps what it measured.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOneConfig } from '../src/pipeline.ts';
import type { SmokeTrace } from '../src/engine/types.ts';
import type { Evidence } from '../src/evidence/types.ts';
import { median, isAdaptiveOptimizer } from '../src/checks/shared.ts';
import { diverged, finalLoss, firstLastGradientRatios, medianUpdateRatio, probesInOrder, startLoss } from '../src/checks/smoke-stats.ts';
import { measuredStds, propagateScale } from '../src/checks/init-scale-mismatch.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Expectation {
  must: string[][];
  must_not: string[];
  clean: boolean;
}

/** A finite number or null: JSON has no NaN or Infinity. */
function num(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return num(a) !== null && num(b) !== null && b !== 0 ? num(a! / b!) : null;
}

function lossQuantities(smoke: SmokeTrace) {
  const start = startLoss(smoke);
  const end = finalLoss(smoke.loss);
  return {
    steps: smoke.steps,
    plannedSteps: smoke.plannedSteps,
    seconds: num(smoke.seconds),
    nonFinite: smoke.firstNonFinite !== undefined || smoke.loss.some((v) => !Number.isFinite(v)),
    startLoss: num(start),
    finalLoss: num(end),
    finalOverStart: ratio(end, start),
    baselineKind: smoke.controls.baseline.kind,
    baselineLoss: num(smoke.controls.baseline.loss),
    finalOverBaseline: ratio(end, smoke.controls.baseline.loss),
  };
}

function initialLossQuantities(smoke: SmokeTrace) {
  const expected = smoke.expectedInitialLoss;
  return {
    initialLoss: num(smoke.initialLoss),
    expectedInitialLoss: num(expected),
    relativeDeviation: expected !== undefined && expected > 0 ? num(Math.abs(smoke.initialLoss - expected) / expected) : null,
  };
}

function overfitQuantities(smoke: SmokeTrace) {
  const overfit = smoke.controls.overfit;
  if (!overfit) return null;
  return {
    samples: overfit.samples,
    steps: overfit.steps,
    finalOverStart: ratio(overfit.finalLoss, overfit.startLoss),
    accuracy: num(overfit.accuracy),
    fitted: overfit.fitted,
  };
}

function zeroedQuantities(smoke: SmokeTrace) {
  const zeroed = smoke.controls.zeroedInputs;
  if (!zeroed) return null;
  return {
    realFinal: num(zeroed.realFinal),
    zeroedFinal: num(zeroed.zeroedFinal),
    realOverZeroed: ratio(zeroed.realFinal, zeroed.zeroedFinal),
    gain: zeroed.zeroedFinal > 0 ? num((zeroed.zeroedFinal - zeroed.realFinal) / zeroed.zeroedFinal) : null,
    pValue: num(zeroed.pValue),
  };
}

function gradientQuantities(smoke: SmokeTrace) {
  const probes = probesInOrder(smoke);
  let maxGrowth = Number.NaN;
  for (const probe of probes) {
    const norms = probe.gradNorm.filter((v) => Number.isFinite(v) && v > 0);
    if (norms.length < 2) continue;
    const factor = norms[norms.length - 1] / norms[0];
    if (!(factor <= maxGrowth)) maxGrowth = factor;
  }
  const first = probes[0];
  return {
    probedLayers: probes.length,
    firstLastRatio: num(median(firstLastGradientRatios(smoke))),
    maxGrowth: num(maxGrowth),
    firstLayerNorm: first ? num(median(first.gradNorm)) : null,
    firstLayerMeanAbs: first ? num(median(first.gradMeanAbs)) : null,
    minFirstLayerNorm: first ? num(Math.min(...first.gradNorm.filter(Number.isFinite))) : null,
  };
}

function maxOf(smoke: SmokeTrace, pick: 'deadFraction' | 'saturatedFraction') {
  let best: { value: number; layer: string } | null = null;
  for (const probe of smoke.layers) {
    const value = probe[pick];
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!best || value > best.value) best = { value, layer: probe.name };
  }
  return best;
}

function learningRateQuantities(smoke: SmokeTrace, evidence: Evidence) {
  const { learning_rate: lr, optimizer } = evidence.config.training;
  const range = smoke.controls.lrRange;
  const updateRatios = smoke.layers.flatMap((l) => l.updateRatio).filter(Number.isFinite);
  return {
    learningRate: lr,
    optimizer: optimizer.name,
    adaptive: isAdaptiveOptimizer(optimizer.name),
    medianUpdateRatio: num(medianUpdateRatio(smoke)),
    minUpdateRatio: updateRatios.length ? num(Math.min(...updateRatios)) : null,
    maxUpdateRatio: updateRatios.length ? num(Math.max(...updateRatios)) : null,
    suggestedLr: num(range?.suggestedLr),
    suggestedOverConfigured: ratio(range?.suggestedLr, lr),
    divergedAt: num(range?.divergedAt),
    configuredOverDivergedAt: ratio(lr, range?.divergedAt),
    smokeDiverged: diverged(smoke),
  };
}

function initScaleQuantities(smoke: SmokeTrace, evidence: Evidence) {
  const stds = measuredStds(evidence, smoke);
  const scales = propagateScale(evidence.model.layers);
  const estimated = scales && scales.length >= 2 ? scales[scales.length - 1].preActivationStd / scales[0].preActivationStd : Number.NaN;
  return {
    activationStd: smoke.init.activationStd.map((v) => num(v)),
    measuredChange: stds.length >= 2 ? num(stds[stds.length - 1] / stds[0]) : null,
    estimatedChange: num(estimated),
  };
}

function overfittingGapQuantities(smoke: SmokeTrace) {
  const val = smoke.valLoss.filter(Number.isFinite);
  if (val.length < 3) return null;
  const train = finalLoss(smoke.loss);
  const lastVal = val[val.length - 1];
  const bestVal = Math.min(...val);
  const gap = lastVal - train;
  return {
    trainLoss: num(train),
    validationLoss: num(lastVal),
    bestValidationLoss: num(bestVal),
    gap: num(gap),
    gapOverTrain: Number.isFinite(train) && train !== 0 ? num(gap / Math.abs(train)) : null,
    valRiseOverBest: ratio(lastVal, bestVal),
    bestAtLastProbe: val.indexOf(bestVal) === val.length - 1,
  };
}

export function measureTrace(smoke: SmokeTrace, evidence: Evidence) {
  return {
    backend: smoke.backend,
    loss: lossQuantities(smoke),
    initialLoss: initialLossQuantities(smoke),
    overfit: overfitQuantities(smoke),
    zeroedInputs: zeroedQuantities(smoke),
    gradients: gradientQuantities(smoke),
    maxDeadFraction: maxOf(smoke, 'deadFraction'),
    maxSaturatedFraction: maxOf(smoke, 'saturatedFraction'),
    learningRate: learningRateQuantities(smoke, evidence),
    initScale: initScaleQuantities(smoke, evidence),
    overfittingGap: overfittingGapQuantities(smoke),
    skipped: smoke.skipped,
  };
}

async function measureCase(caseDir: string) {
  const expectation = JSON.parse(readFileSync(path.join(caseDir, 'expect.json'), 'utf8')) as Expectation;
  const previous = process.cwd();
  process.chdir(caseDir);
  try {
    const run = await runOneConfig('preflight.yml', {
      root: caseDir,
      configs: ['preflight.yml'],
      smoke: true,
      backend: 'auto',
      failOn: 'error',
      verify: false,
    });
    return {
      case: path.basename(caseDir),
      must: expectation.must,
      mustNot: expectation.must_not,
      clean: expectation.clean,
      fired: [...new Set(run.result.findings.map((f) => f.id))].sort(),
      smoke: run.trace && run.evidence ? measureTrace(run.trace, run.evidence) : null,
    };
  } finally {
    process.chdir(previous);
  }
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main() {
  const casesDir = path.resolve(REPO_ROOT, argument('--cases') ?? '../shared/cases');
  const out = argument('--out');
  const only = argument('--only')?.split(',');
  const names = readdirSync(casesDir)
    .filter((name) => existsSync(path.join(casesDir, name, 'expect.json')))
    .filter((name) => !only || only.includes(name))
    .sort();
  const results: unknown[] = [];
  for (const name of names) {
    const started = performance.now();
    try {
      results.push(await measureCase(path.join(casesDir, name)));
    } catch (error) {
      results.push({ case: name, error: error instanceof Error ? error.message : String(error) });
    }
    process.stderr.write(`${name}: ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
    const json = JSON.stringify({ casesDir, measured: new Date().toISOString(), cases: results }, null, 2);
    if (out) writeFileSync(out, json);
    else if (results.length === names.length) process.stdout.write(json + '\n');
  }
}

await main();
