// One config in, one ConfigResult out: load, gather evidence, smoke-train, run the checks.
// Nothing here throws for bad input: a broken config or data file becomes a finding.
import path from 'node:path';
import { loadConfig } from './config/load.ts';
import { readsChannelsFirst } from './config/framework.ts';
import type { ConfigSource, PreflightConfig } from './config/types.ts';
import { DataBudget } from './data/budget.ts';
import { loadSplit } from './data/load.ts';
import { expandOneHot } from './data/one-hot.ts';
import { listNames } from './data/problem.ts';
import { isPerColumn, oneHotColumns } from './config/column-preprocessing.ts';
import { summarizeModel } from './model/summarize.ts';
import { buildEvidence } from './evidence/build.ts';
import type { Evidence } from './evidence/types.ts';
import { smokeInputOf } from './evidence/smoke-input.ts';
import { runChecks, findingFromDraft } from './checks/run.ts';
import { sortFindings } from './findings/severity.ts';
import { checksById } from './checks/index.ts';
import type { Finding, FindingDraft } from './checks/types.ts';
import os from 'node:os';
import { prewarmWorkers, runSmokeInWorker } from './engine/worker.ts';
import { BACKEND_SKIP_PREFIX, type SmokeTrace } from './engine/types.ts';
import { batchSizeFor } from './engine/input.ts';
import { buildReport } from './report/build.ts';
import { withChartData } from './report/build-chart-data.ts';
import { renderJson } from './report/json.ts';
import { renderMarkdown } from './report/markdown.ts';
import { renderText } from './report/text.ts';
import type { ConfigResult, Report } from './report/types.ts';
import { TOOL_VERSION } from './version.ts';
import { modelLimitProblems, smokeSecondsFor } from './limits.ts';
import { asRunSettings, smokeSettingsFor, type CheckOptions, type RunSettings, type SmokeSettings, type ProgressEvent } from './run-settings.ts';
import { runFollowUps, type FollowUpResult } from './follow-ups/run.ts';
import { withRepoSettings } from './config/repo-settings.ts';
import { readDisableDirectives } from './config/disable-comments.ts';
import { applyDisableComments } from './suppressions.ts';

/** Workers started ahead of the first smoke run: the main run's and the controls' (or two follow-up runs). */
const PREWARMED_WORKERS = 2;

/** The whole run: every config, then one Report. */
export async function runCheck(options: CheckOptions | RunSettings): Promise<Report> {
  return (await runCheckWithRuns(options)).report;
}

/** The report plus each config's evidence and smoke trace, for renderers that draw the data (HTML, evidence charts). */
export async function runCheckWithRuns(options: CheckOptions | RunSettings): Promise<{ report: Report; runs: ConfigRun[] }> {
  const settings = asRunSettings(options);
  // The smoke workers start while the configs and data load: on a second core their start-up is free.
  if (settings.smoke && settings.configs.length > 0)
    prewarmWorkers(Math.min(settings.lanes ?? PREWARMED_WORKERS, os.availableParallelism()), settings.limits.smoke.workerHeapMb);
  const runs: ConfigRun[] = (settings.leadingResults ?? []).map((result) => ({ result }));
  for (const config of settings.configs) runs.push(await runOneConfig(config, settings));
  return {
    report: buildReport(
      runs.map((run) => run.result),
      settings.failOn,
      TOOL_VERSION,
    ),
    runs,
  };
}

/** Everything about one config: its result, and the evidence and trace it was judged on (follow-up runs and tests read them). */
export interface ConfigRun {
  result: ConfigResult;
  evidence?: Evidence;
  trace?: SmokeTrace;
}

/**
 * One config, isolated: whatever throws while it is loaded, checked, handed to the smoke worker or
 * rendered becomes one internal-error finding for this config, so the other configs of the run keep
 * their reports. Configs of one run share one RunSettings value (and so the run's budget).
 */
export async function runOneConfig(displayPath: string, options: CheckOptions | RunSettings): Promise<ConfigRun> {
  try {
    const run = await checkOneConfig(displayPath, asRunSettings(options));
    assertRenderable(run.result);
    return run;
  } catch (error) {
    return { result: crashedConfigResult(displayPath, error) };
  }
}

/** The renderers run per report, so a result one of them cannot draw is caught here, while it is still one config's. */
function assertRenderable(result: ConfigResult): void {
  const alone = buildReport([result], 'never', TOOL_VERSION);
  renderJson(alone);
  renderMarkdown(alone, { mermaid: true });
  renderText(alone, { color: false });
}

function crashedConfigResult(displayPath: string, error: unknown): ConfigResult {
  const reason = error instanceof Error ? error.message : String(error);
  const name = path.basename(displayPath).replace(/\.preflight\.ya?ml$|\.ya?ml$/i, '');
  const finding = pipelineFinding('internal-error', displayPath, undefined, {
    // An error, not a warning: a setup that could not be checked must not pass as checked.
    severity: 'error',
    message: `nn-preflight failed while it checked this config (${reason.slice(0, 300)}), so it was not checked. This is a bug in nn-preflight, not in your setup; the other configs were checked as usual.`,
    fix: 'Report it with this config and its data files.',
    evidence: { error: reason.slice(0, 2000) },
  });
  return { config: displayPath, name, findings: [finding] };
}

async function checkOneConfig(displayPath: string, settings: RunSettings): Promise<ConfigRun> {
  const progress = (phase: ProgressEvent['phase'], detail?: string, fraction?: number) =>
    settings.onProgress?.({ phase, config: displayPath, detail, fraction });
  const absolute = path.resolve(settings.cwd, displayPath);
  const fallbackName = path.basename(displayPath).replace(/\.preflight\.ya?ml$|\.ya?ml$/i, '');
  const { limits, spent } = settings;

  progress('config');
  const loaded = await loadConfig(absolute, { root: settings.root, displayPath, limits: limits.config, listed: spent.listedValues });
  if (!loaded.ok) {
    const findings = loaded.problems.map((p) =>
      pipelineFinding('config-error', displayPath, loaded.source, {
        message: p.message,
        fix: p.expected ? `Use ${p.expected}${p.received ? ` (found ${p.received})` : ''}.` : 'Correct the config as the message says (format: CONFIG.md).',
        key: p.key,
        line: p.line,
        column: p.column,
        file: p.file,
        evidence: { expected: p.expected, received: p.received },
      }),
    );
    return { result: { config: displayPath, name: fallbackName, findings } };
  }
  const { source } = loaded;
  const config = settings.repoSettings ? withRepoSettings(loaded.config, source, settings.repoSettings) : loaded.config;
  const smoke = smokeSettingsFor(settings, config);
  const findings: Finding[] = (loaded.notices ?? []).map((notice) =>
    pipelineFinding('config-error', displayPath, source, {
      severity: 'warning',
      message: `${notice.message}.`,
      fix: 'Commit the weight files beside the model file (with `lfs: true` on actions/checkout when they live in Git LFS), or remove `weightsManifest` when the model should start from a fresh initialization.',
      key: notice.key,
      evidence: { received: notice.received },
    }),
  );
  const baseDir = path.dirname(absolute);

  progress('data', config.data.train.kind === 'path' ? config.data.train.path : config.data.train.x);
  // One data budget for the config: a file named as both train and validation is paid for twice.
  const dataBudget = new DataBudget(limits.data, spent.dataSeconds);
  const dataRead = { root: settings.root, baseDir, seed: smoke.seed, budget: dataBudget, limits: limits.data };
  const train = await loadDataSplit(config, 'train', dataRead, (f) => progress('data', 'train', f));
  const validation = config.data.validation ? await loadDataSplit(config, 'validation', dataRead, (f) => progress('data', 'validation', f)) : undefined;
  spent.dataSeconds += dataBudget.elapsedSeconds;
  for (const loadedSplit of [train, validation]) {
    if (loadedSplit && !loadedSplit.ok) {
      const problem = loadedSplit.problem;
      findings.push(
        pipelineFinding('data-error', displayPath, source, {
          message: `${problem.file}${problem.line ? `, line ${problem.line}` : ''}${problem.byte !== undefined ? `, byte ${problem.byte}` : ''}: ${problem.message}`,
          fix: 'Fix the data file or the path in the config; data paths are relative to the config file and must stay inside the repository.',
          key: problem.key,
          evidence: { dataFile: problem.file, line: problem.line, byte: problem.byte },
        }),
      );
    }
  }
  let trainSplit = train.ok ? train.split : undefined;
  let validationSplit = validation?.ok ? validation.split : undefined;
  if (trainSplit !== undefined && isPerColumn(config.preprocessing.inputs)) {
    // per-column preprocessing names columns: each must be an input column of the file
    const inputs = config.preprocessing.inputs;
    for (const [column, how] of Object.entries(inputs.columns)) {
      if (trainSplit.featureNames.includes(column)) continue;
      findings.push(
        pipelineFinding('config-error', displayPath, source, {
          message: `\`preprocessing.inputs.${how}\` lists \`${column}\`, which is not an input column of ${trainSplit.file}; the input columns are ${listNames(trainSplit.featureNames)}.`,
          fix: `Remove \`${column}\` from \`preprocessing.inputs.${how}\`, or correct its name.`,
          key: `preprocessing.inputs.${how}`,
          evidence: { column, inputColumns: trainSplit.featureNames },
        }),
      );
    }
    const oneHot = oneHotColumns(inputs);
    if (oneHot.length > 0) {
      const trainCategories = Object.fromEntries(Object.entries(trainSplit.categories ?? {}).map(([c, counts]) => [c, counts.names]));
      const rawWidth = trainSplit.featureNames.length;
      trainSplit = expandOneHot(trainSplit, oneHot, trainCategories);
      if (validationSplit !== undefined) validationSplit = expandOneHot(validationSplit, oneHot, trainCategories);
      const declaredShape = config.model.input_shape;
      const width = trainSplit.featureNames.length;
      if (declaredShape !== undefined && declaredShape.length === 1 && declaredShape[0] !== width) {
        const expanded = (trainSplit.oneHot ?? [])
          .map((o) => `${o.column} -> ${o.categories.length} columns (${o.categories.slice(0, 6).join(', ')}${o.categories.length > 6 ? ', ...' : ''})`)
          .join('; ');
        const key = source.ranges['model.input_shape']
          ? 'model.input_shape'
          : source.ranges['model.layers[0].input_shape']
            ? 'model.layers[0].input_shape'
            : 'model';
        findings.push(
          pipelineFinding('config-error', displayPath, source, {
            message: `The model takes ${declaredShape[0]} inputs, but the data has ${width} input columns after the declared one-hot encoding (${rawWidth} columns before): ${expanded}. The columns are ${listNames(trainSplit.featureNames)}.`,
            fix: `Set the model's input width to ${width} (\`input_shape: [${width}]\`), or leave it out so that it follows the data.`,
            key,
            evidence: { declared: declaredShape[0], width, columns: trainSplit.featureNames },
          }),
        );
      }
    }
  }
  const shapeMismatch = trainSplit && !findings.some((f) => f.id === 'config-error') ? declaredInputMismatch(config, source, trainSplit) : undefined;
  if (shapeMismatch) findings.push(pipelineFinding('config-error', displayPath, source, shapeMismatch));
  for (const [split, key] of [
    [trainSplit, 'data.train'],
    [validationSplit, 'data.validation'],
  ] as const) {
    // how a file was read when its own lines could not settle it: a remark, not a failure
    if (split?.dialect?.note) {
      findings.push(
        pipelineFinding('data-error', displayPath, source, {
          severity: 'notice',
          message: `${split.file}: ${split.dialect.note}.`,
          fix: 'Check that the columns in the report are the ones in the file; set `data.delimiter` / `data.decimal` to state how the file is written.',
          key,
          evidence: { dataFile: split.file, delimiter: split.dialect.delimiter, decimal: split.dialect.decimal },
        }),
      );
    }
  }

  const inputShape = config.model.input_shape ?? (trainSplit ? trainSplit.sample.featureShape : [config.data.features?.length ?? 1]);
  const model = summarizeModel(config.model, inputShape);
  // Without data and without a declared input shape the shape above is a guess: a layer that does not
  // fit it says nothing about the model, so only the data-error is reported.
  const inputShapeKnown = config.model.input_shape !== undefined || trainSplit !== undefined;
  for (const problem of inputShapeKnown ? model.problems : []) {
    findings.push(
      pipelineFinding('config-error', displayPath, source, {
        message: problem.message,
        fix: 'Make each layer fit the shape its input has (see the model summary in the evidence).',
        key: config.model.layers[problem.layerIndex]?.keyPath ?? 'model',
        evidence: { layer: problem.layerIndex },
      }),
    );
  }
  // Refused here, before the smoke worker builds anything: an oversized model is a finding, not an out-of-memory kill.
  const smokeBatch = batchSizeFor(config.training.batch_size, trainSplit?.rows ?? config.training.batch_size);
  for (const problem of modelLimitProblems(config.model, model, smokeBatch, limits.model)) {
    const layer = problem.layerIndex !== undefined ? config.model.layers[problem.layerIndex] : undefined;
    findings.push(
      pipelineFinding('config-error', displayPath, source, {
        message: problem.message,
        fix:
          problem.what === 'parameters'
            ? 'Use fewer or narrower layers: the smoke run only needs the shape of the real model, and a scaled-down copy shows the same pitfalls.'
            : 'Lower `training.batch_size`, or use fewer or narrower layers.',
        key: layer?.keyPath ?? (config.model.origin.kind === 'keras' ? 'model.keras' : config.model.origin.kind === 'onnx' ? 'model.onnx' : 'model'),
        evidence: { layer: problem.layerIndex, [problem.what === 'parameters' ? 'parameters' : 'trainingMemoryBytes']: problem.measured, limit: problem.limit },
      }),
    );
  }
  const evidence = buildEvidence({ configFile: displayPath, source, config, model, train: trainSplit, validation: validationSplit });
  const started = performance.now();
  progress(
    'static',
    `${trainSplit ? `${trainSplit.rows} training rows, ${trainSplit.featureNames.length} input columns; ` : ''}${plural(findings.length + runChecks({ ...evidence, smoke: undefined }).length, 'finding')} before the smoke run`,
  );

  let trace: SmokeTrace | undefined;
  let mainSmokeSeconds = 0;
  if (settings.smoke) {
    // smoke-skipped is a notice in the catalogue (a cut control run, a smaller budget), but a smoke run that did
    // not run, or whose main run was cut, is a warning: `fail-on: warning` must never pass an untested setup.
    // The config's `checks:` override still decides, as for every other check.
    const skipped = (draft: FindingDraft) => {
      const override = config.checks?.[SMOKE_SKIPPED];
      if (override === 'off') return;
      const finding = pipelineFinding(SMOKE_SKIPPED, displayPath, source, draft);
      findings.push(override === undefined ? finding : { ...finding, severity: override });
    };
    const blocker = smokeBlocker(evidence, findings);
    if (blocker) {
      skipped({
        severity: 'warning',
        message: `The smoke run did not start: ${blocker.reason}`,
        fix: 'Fix the findings above; the smoke run follows on the next run.',
        key: blocker.key,
      });
    } else {
      const smokeStarted = performance.now();
      trace = await runBudgetedSmoke(evidence, settings, smoke, skipped, (detail) => progress('smoke', detail));
      mainSmokeSeconds = (performance.now() - smokeStarted) / 1000;
      if (trace) reportSmokeProgress(trace, progress);
    }
  }

  progress('checks');
  findings.push(...runChecks(evidence));
  const followUps = trace ? await runBudgetedFollowUps(evidence, findings, absolute, settings, smoke, mainSmokeSeconds, progress) : { findings };
  const silenced = applyDisableComments(followUps.findings, readDisableDirectives(source.lines), displayPath, [...checksById.keys()]);
  const kept = [...silenced.findings, ...silenced.problems.map((draft) => pipelineFinding('config-error', displayPath, source, draft))];
  const counts = (['error', 'warning', 'notice'] as const).map((severity) => plural(kept.filter((f) => f.severity === severity).length, severity));
  progress('done', `${counts.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // The smoke summary and the data charts go into the result, so that every renderer draws from the report alone.
  const result = withChartData({ config: displayPath, name: config.name, findings: sortFindings(kept) }, evidence, trace);
  if (silenced.suppressed.length > 0) result.suppressed = silenced.suppressed;
  if (config.watch && config.watch.length > 0) result.watch = config.watch;
  if (followUps.comparison) result.comparison = followUps.comparison;
  return { result, evidence, trace };
}

/** With a base ref, the follow-ups may take this many extra smoke budgets (6 base/head runs of fewer steps). */
const BASE_COMPARISON_BUDGET_FACTOR = 2;

/**
 * Second-seed confirmation, the base comparison and fix verification, within what the main run left of
 * the config's smoke budget (one budget covers the whole smoke part of a config, so a pull request waits
 * a known time) and what the whole run has left; their seconds count against the run like the main run's.
 */
async function runBudgetedFollowUps(
  evidence: Evidence,
  findings: Finding[],
  configPath: string,
  settings: RunSettings,
  smoke: SmokeSettings,
  mainSmokeSeconds: number,
  progress: (phase: ProgressEvent['phase'], detail?: string) => void,
): Promise<FollowUpResult> {
  const { verify, base, limits, spent } = settings;
  if (!verify && !base) return { findings };
  const smokeSeconds = Math.min(smoke.timeBudgetS, limits.smoke.maxSecondsPerConfig);
  // Comparing with a base trains both sides on three seeds, so it gets its own share on top.
  const baseShare = base ? BASE_COMPARISON_BUDGET_FACTOR * smokeSeconds : 0;
  const totalSeconds = Math.min(smokeSeconds - mainSmokeSeconds + baseShare, limits.smoke.maxSecondsPerRun - spent.smokeSeconds);
  if (totalSeconds <= 0) return { findings };
  const started = performance.now();
  const seed = evidence.smoke?.seed;
  const outcome = await runFollowUps(evidence, findings, {
    configPath,
    base,
    readBase: settings.readBase,
    verify,
    backend: smoke.backend,
    smokeSeconds,
    totalSeconds,
    onPhase: progress,
    workerLimits: { marginS: limits.smoke.workerMarginS, maxHeapMb: limits.smoke.workerHeapMb, lanes: settings.lanes },
    // The base loads with the head's seed, so both sample the same rows. Its data pass is not the run's
    // to pay for, and its config errors are never shown: it gets spending of its own.
    loadEvidence: async (basePath, root) => {
      const run = await runOneConfig(basePath, {
        ...settings,
        root,
        configs: [basePath],
        smoke: false,
        seed,
        base: undefined,
        onProgress: undefined,
        spent: { smokeSeconds: 0, dataSeconds: 0, listedValues: new Map() },
      });
      return run.result.findings.some((f) => f.severity === 'error' && (f.id === 'config-error' || f.id === 'data-error')) ? undefined : run.evidence;
    },
  });
  spent.smokeSeconds += (performance.now() - started) / 1000;
  return outcome;
}

/**
 * The smoke run in its worker, within the config's budget capped per config and by what the whole run
 * has left; every cut and failure is reported through `report` as a smoke-skipped draft.
 */
async function runBudgetedSmoke(
  evidence: Evidence,
  settings: RunSettings,
  smoke: SmokeSettings,
  report: (draft: FindingDraft) => void,
  onStart: (detail: string) => void,
): Promise<SmokeTrace | undefined> {
  const { limits } = settings;
  const requested = smoke.timeBudgetS;
  const spent = settings.spent.smokeSeconds;
  const budget = smokeSecondsFor(requested, spent, limits.smoke);
  if (budget.clamped) {
    const why =
      budget.clamped === 'config'
        ? `${requested}s is above the ${limits.smoke.maxSecondsPerConfig}s one config may use`
        : `the whole run may spend ${limits.smoke.maxSecondsPerRun}s on smoke runs and ${Math.round(spent)}s are spent`;
    report({
      // Less time is a remark (any cut it causes is reported on its own); no time at all leaves the setup untested.
      ...(budget.seconds > 0 ? {} : { severity: 'warning' as const }),
      message:
        budget.seconds > 0 ? `The smoke run got ${Math.round(budget.seconds)}s instead of ${requested}s: ${why}.` : `The smoke run did not start: ${why}.`,
      fix:
        budget.clamped === 'config'
          ? 'Ask for less in `smoke.time_budget_s`.'
          : 'Check fewer configs per run (e.g. a matrix of jobs), or lower their time budgets.',
      key: 'smoke.time_budget_s',
      evidence: { requestedS: requested, grantedS: budget.seconds, spentS: spent },
    });
  }
  if (budget.seconds <= 0) return undefined;

  onStart(`${smoke.steps} steps planned, ${Math.round(budget.seconds)} s budget`);
  const started = performance.now();
  const outcome = await runSmokeInWorker(
    smokeInputOf(evidence),
    { backend: smoke.backend, steps: smoke.steps, seed: smoke.seed, timeBudgetS: budget.seconds },
    { marginS: limits.smoke.workerMarginS, maxHeapMb: limits.smoke.workerHeapMb, lanes: settings.lanes },
  );
  settings.spent.smokeSeconds = spent + (performance.now() - started) / 1000;
  if (!outcome.ok) {
    report({
      severity: 'warning',
      message: `The smoke run failed: ${outcome.reason}`,
      fix: 'See the message; the static checks above still apply.',
      key: 'smoke',
    });
    return undefined;
  }
  evidence.smoke = outcome.trace;
  for (const cut of outcome.trace.skipped) report(describeSmokeCut(cut));
  return outcome.trace;
}

/** A part of the smoke run that did not happen: out of time, or a setup the engine refused to train. */
function describeSmokeCut(cut: { what: string; reason: string }): FindingDraft {
  // The main run not finishing leaves the setup untested (a warning); a cut control run, weights not loaded or
  // an optimizer setting not applied leave the main run's verdicts standing (a notice, the check's default).
  const untested = cut.what === 'smoke run' || cut.what.startsWith('main run') || cut.what.startsWith("layer '") || cut.what.startsWith(BACKEND_SKIP_PREFIX);
  const severity = untested ? { severity: 'warning' as const } : {};
  if (/time budget/i.test(cut.reason)) {
    const message = untested
      ? `${cut.what} was cut before the main run finished: ${cut.reason}, so the smoke checks saw a shortened run.`
      : `${cut.what} was cut: ${cut.reason}.`;
    return {
      ...severity,
      message,
      fix: 'Raise `smoke.time_budget_s` (or `--time-budget`) if the whole smoke run should fit.',
      key: 'smoke.time_budget_s',
      evidence: { ...cut },
    };
  }
  if (cut.what.startsWith(BACKEND_SKIP_PREFIX)) {
    // The user asked for this backend: running on another one instead would be a quiet substitution.
    return {
      severity: 'warning',
      message: `The ${cut.what} did not run: ${cut.reason}.`,
      fix: 'Choose a backend that works here (`--backend auto` or `wasm`; the native `node` backend needs @tensorflow/tfjs-node on Node 20 or 22).',
      key: 'smoke',
      evidence: { ...cut },
    };
  }
  if (cut.what === 'Keras weights') {
    return {
      ...severity,
      message: `The model file's weights were not used, so the smoke run trained from a fresh initialization: ${cut.reason.replace(/\.$/, '')}.`,
      fix: 'Save the model file from the same code that builds the model, so its weights match its layers (a `.keras` archive: Keras 3\'s `model.save("model.keras")`).',
      key: 'model.keras',
      evidence: { ...cut },
    };
  }
  if (cut.what.startsWith('optimizer setting')) {
    return {
      ...severity,
      message: `The smoke run does not apply the ${cut.what}: ${cut.reason}. Its findings describe training without it.`,
      fix: 'Remove the setting if your framework ignores it too; otherwise read the smoke findings with this difference in mind.',
      key: 'training.optimizer',
      evidence: { ...cut },
    };
  }
  return {
    ...severity,
    message: `${cut.what} did not run: ${cut.reason}.`,
    fix: 'Fix the findings above; the smoke run follows on the next check. The static checks still apply.',
    key: 'smoke',
    evidence: { ...cut },
  };
}

const SMOKE_SKIPPED = 'smoke-skipped';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The smoke run's lines: the main run's steps and seconds, then the control runs it made. */
function reportSmokeProgress(trace: SmokeTrace, progress: (phase: ProgressEvent['phase'], detail?: string) => void): void {
  const mainSeconds = trace.stepsPerSecond > 0 ? trace.steps / trace.stepsPerSecond : trace.seconds;
  progress('smoke-done', `${trace.steps}/${trace.plannedSteps} steps in ${mainSeconds.toFixed(1)} s on ${trace.backend}`);
  const controls = Object.keys(trace.controls).filter((name) => name !== 'baseline');
  // a control that did not run for want of evidence (a diverged main run) was not cut by the budget
  const skippedControls = trace.skipped.filter((skip) => skip.what.startsWith('control'));
  const cut = skippedControls.filter((skip) => skip.reason.includes('time budget')).length;
  const notRun = skippedControls.length - cut;
  const notes = [...(cut > 0 ? [`${cut} cut by the time budget`] : []), ...(notRun > 0 ? [`${notRun} not run`] : [])];
  progress(
    'controls',
    `${controls.length > 0 ? controls.join(', ') : 'none'} in ${Math.max(0, trace.seconds - mainSeconds).toFixed(1)} s${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
  );
}

/**
 * A declared model input that the data's examples do not fill: the smoke run would quietly train on the
 * data's own shape instead, so the model that was declared is never tested. Undefined when they agree.
 */
function declaredInputMismatch(
  config: PreflightConfig,
  source: ConfigSource,
  train: NonNullable<Evidence['data']>['train']['split'],
): FindingDraft | undefined {
  const declared = config.model.input_shape;
  const actual = train.sample.featureShape;
  if (declared === undefined || declared.length === 0 || !declared.every((n) => Number.isInteger(n) && n > 0)) return undefined;
  const values = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);
  if (values(declared) === values(actual)) return undefined;
  const key = source.ranges['model.input_shape']
    ? 'model.input_shape'
    : source.ranges['model.layers[0].input_shape']
      ? 'model.layers[0].input_shape'
      : config.model.origin.kind === 'keras'
        ? 'model.keras'
        : config.model.origin.kind === 'onnx'
          ? 'model.onnx'
          : 'model';
  const columns = actual.length === 1 ? ` (${listNames(train.featureNames)})` : '';
  return {
    message: `The model declares input shape [${declared.join(', ')}] (${values(declared)} values per example), but each example of ${train.file} has shape [${actual.join(', ')}] (${values(actual)} values)${columns}. The model that was declared cannot take this data.`,
    fix: `Set the model's input shape to [${actual.join(', ')}], or leave it out so that it follows the data; or point \`data\` at the data the model was built for.`,
    key,
    evidence: { declared, data: actual },
  };
}

/** Why a smoke run cannot start, if it cannot, and the config key that the reason is about. */
function smokeBlocker(evidence: Evidence, findings: Finding[]): { reason: string; key: string } | undefined {
  const model = evidence.config.model;
  const modelKey = model.origin.kind === 'keras' ? 'model.keras' : model.origin.kind === 'onnx' ? 'model.onnx' : 'model';
  if (!evidence.data) return { reason: 'the training data could not be loaded.', key: 'data.train' };
  if (findings.some((f) => f.id === 'config-error' && f.severity === 'error'))
    return { reason: 'the model cannot be built (see the config-error findings).', key: modelKey };
  const unsupported = model.unsupported;
  if (unsupported.length > 0)
    return {
      reason: `the model has layers nn-preflight will not build: ${unsupported.map((u) => `${u.name} (${u.className}: ${u.reason})`).join('; ')}.`,
      key: modelKey,
    };
  if (evidence.data.textFeatures.length > 0)
    return {
      reason: `feature column(s) ${evidence.data.textFeatures.map((f) => `"${f.name}"`).join(', ')} hold text, which a model cannot take as numbers.`,
      key: 'data.features',
    };
  if (evidence.data.train.split.sample.rows === 0) return { reason: 'the training data has no rows.', key: 'data.train' };
  return undefined;
}

interface DataRead {
  root: string;
  baseDir: string;
  seed: number;
  budget: DataBudget;
  limits: RunSettings['limits']['data'];
}

async function loadDataSplit(config: PreflightConfig, which: 'train' | 'validation', read: DataRead, onFraction: (f: number) => void) {
  const source = config.data[which]!;
  return loadSplit(source, {
    root: read.root,
    baseDir: read.baseDir,
    features: config.data.features,
    targets: config.data.targets,
    categorical: oneHotColumns(config.preprocessing.inputs),
    sample: config.data.sample,
    ...(config.data.delimiter !== undefined ? { delimiter: config.data.delimiter } : {}),
    ...(config.data.decimal !== undefined ? { decimal: config.data.decimal } : {}),
    seed: read.seed,
    limits: read.limits,
    key: `data.${which}`,
    onProgress: (read, total) => onFraction(total > 0 ? read / total : 0),
    channelsFirst: readsChannelsFirst(config),
    budget: read.budget,
  });
}

function pipelineFinding(id: string, configFile: string, source: ConfigSource | undefined, draft: FindingDraft): Finding {
  const check = checksById.get(id);
  if (!check) throw new Error(`internal: no check registered for ${id}`);
  return findingFromDraft(check.meta, draft, configFile, source);
}
