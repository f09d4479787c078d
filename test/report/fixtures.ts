// Hand-built reports for the renderer tests: clean, every severity, very many findings, NaN loss.
import type { Severity } from '../../src/config/types.ts';
import type { CheckMeta, Finding } from '../../src/checks/types.ts';
import { buildReport } from '../../src/report/build.ts';
import type { ConfigResult, Report, SmokeSummary } from '../../src/report/types.ts';

/** A finding; an `extra` key set to undefined removes that field. */
export function finding(id: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  const built: Finding = {
    id,
    severity,
    title: `Title of ${id}`,
    message: `Measured something wrong for ${id}.`,
    fix: `Change the config for ${id}.`,
    file: 'configs/housing.preflight.yml',
    line: 12,
    docs: `docs/checks/${id}.md`,
    evidence: {},
    ...extra,
  };
  for (const key of Object.keys(built) as (keyof Finding)[]) if (built[key] === undefined) delete built[key];
  return built;
}

export function smoke(extra: Partial<SmokeSummary> = {}): SmokeSummary {
  const loss = Array.from({ length: 400 }, (_, i) => 2.3 * Math.exp(-i / 80) + 0.1);
  return {
    backend: 'wasm',
    steps: loss.length,
    seconds: 3.2,
    steps_per_second: 125,
    loss,
    val_loss: [2.2, 1.4, 0.9, 0.5],
    val_steps: [1, 100, 200, 400],
    controls: { baseline: { kind: 'mean', loss: 1 } },
    ...extra,
  };
}

export function cleanReport(): Report {
  return buildReport([{ config: 'configs/clean.preflight.yml', name: 'clean-mlp', findings: [], smoke: smoke() }], 'error', '0.1.0');
}

export function everySeverityReport(): Report {
  const results: ConfigResult[] = [
    {
      config: 'configs/housing.preflight.yml',
      name: 'housing-price-mlp',
      findings: [
        finding('class-imbalance', 'notice', { line: undefined, evidence: { majorityFraction: 0.93 } }),
        finding('unscaled-inputs', 'warning', {
          line: 7,
          column: 5,
          key: 'preprocessing.inputs',
          evidence: { featureMax: 255, featureStd: [80.5, 70.25], flagged: ['pixels'] },
          suggestion: { line: 7, replacement: '  inputs: standardize' },
        }),
        finding('non-finite-loss', 'error', {
          file: 'configs\\win\\housing.preflight.yml',
          line: 3,
          evidence: { step: 17, where: 'loss', nested: { layer: 'dense_1', norms: [1, 2] } },
        }),
      ],
      smoke: smoke(),
    },
    { config: 'configs/clean.preflight.yml', name: 'clean-mlp', findings: [] },
  ];
  return buildReport(results, 'error', '0.1.0');
}

const SEVERITY_CYCLE: Severity[] = ['notice', 'warning', 'notice', 'error', 'notice'];

/** 3 configs x 900 findings with long messages: far beyond a GitHub comment. */
export function hugeReport(): Report {
  const results: ConfigResult[] = [0, 1, 2].map((c) => ({
    config: `configs/big-${c}.preflight.yml`,
    name: `big-${c}`,
    findings: Array.from({ length: 900 }, (_, i) =>
      finding(`check-${i % 37}`, SEVERITY_CYCLE[i % SEVERITY_CYCLE.length], {
        line: i + 1,
        message: `Finding ${i} of config ${c}: ` + 'the measured value is far from what the model needs. '.repeat(4),
        evidence: { index: i, values: Array.from({ length: 30 }, (_, k) => k / 7) },
      }),
    ),
    smoke: smoke(),
  }));
  return buildReport(results, 'warning', '0.1.0');
}

/** The loss turns NaN at step 61 and stays there; one validation value is infinite. */
export function nanLossReport(): Report {
  const loss = Array.from({ length: 200 }, (_, i) => (i < 60 ? 2 * 1.15 ** i : Number.NaN));
  const summary = smoke({
    loss,
    steps: loss.length,
    val_loss: [2, 40, Number.POSITIVE_INFINITY],
    val_steps: [1, 50, 100],
    lr_range: { lrs: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], losses: [2.3, 2.2, 1.8, 1.1, 9, Number.NaN], suggested: 3e-3 },
  });
  return buildReport(
    [{ config: 'configs/lr.preflight.yml', name: 'lr-too-high', findings: [finding('non-finite-loss', 'error')], smoke: summary }],
    'error',
    '0.1.0',
  );
}

export function checkMeta(id: string, defaultSeverity: Severity): CheckMeta {
  return { id, title: `Title of ${id}`, pitfall: 'normalization', kind: 'static', defaultSeverity, docs: `docs/checks/${id}.md`, needs: [], section: 'other' };
}

export const CHECKS: CheckMeta[] = [checkMeta('unscaled-inputs', 'warning'), checkMeta('class-imbalance', 'notice'), checkMeta('non-finite-loss', 'error')];
