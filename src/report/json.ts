// The JSON report (INTERFACES.md shape) and its strict reader for reports that come from an
// untrusted run (a fork's pull request publishes its report through a second workflow).
import { z } from 'zod';
import type { Finding } from '../findings/types.ts';
import { severityRank, SEVERITIES } from '../findings/severity.ts';
import type { Severity } from '../findings/types.ts';
import { buildReport } from './build.ts';
import { MAX_FEATURE_STDS, type DataCharts } from './chart-data.ts';
import type { ConfigResult, Report, SmokeSummary, SuppressedFinding } from './types.ts';

/** Limits on an untrusted report: enough for any honest run, small enough to render safely. */
export const REPORT_LIMITS = {
  documentChars: 10_000_000,
  results: 500,
  findingsPerResult: 1_000,
  findingsTotal: 5_000,
  seriesLength: 100_000,
  evidenceChars: 50_000,
  nestingDepth: 32,
  /** data names (columns, classes, layers) in the chart data */
  nameChars: 10_000,
  layers: 10_000,
  histogramBins: 1_000,
  /** one sample image as a data: URI */
  imageChars: 2_000_000,
} as const;

const MAX_DEPTH_MARK = '[nested too deeply]';
const CIRCULAR_MARK = '[circular]';

/**
 * A JSON-safe copy: non-finite numbers become null (JSON has no NaN), typed arrays become arrays,
 * bigints strings, cycles and very deep nesting a marker, and values JSON drops are dropped.
 */
export function toJsonValue(value: unknown, depth = 0, ancestors: object[] = []): unknown {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (ancestors.includes(value)) return CIRCULAR_MARK;
  if (depth >= REPORT_LIMITS.nestingDepth) return MAX_DEPTH_MARK;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const inner = [...ancestors, value];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (item) => toJsonValue(item, depth + 1, inner));
  }
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item, depth + 1, inner) ?? null);
  const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const converted = toJsonValue(item, depth + 1, inner);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/**
 * What report.json may hold, whatever the input: each field within what `parseReportJson` accepts, and
 * the whole document within its character limit, so the workflow_run publisher can always read it.
 */
export const REPORT_WRITE_LIMITS = {
  documentChars: REPORT_LIMITS.documentChars,
  messageChars: 10_000,
  headlineChars: 300,
  fixChars: 5_000,
  fileChars: 1_000,
  keyChars: 300,
  nameChars: 300,
  suggestionChars: 2_000,
  evidenceChars: REPORT_LIMITS.evidenceChars,
} as const;

/** The id of the finding that stands for findings left out of an oversized report. */
export const TRUNCATED_FINDING_ID = 'report-truncated';

/** `text`, or its start and a marker saying how much was left out. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = ` [... ${text.length - max} more characters left out of the report]`;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

/** The message's id and data, when the check worded it from one; data too large for a report is left out. */
function messageIdentity(finding: Finding): Record<string, unknown> {
  if (finding.messageId === undefined) return {};
  const data = toJsonValue(finding.messageData ?? {}) as Record<string, unknown>;
  return { message_id: finding.messageId, ...(JSON.stringify(data).length <= REPORT_WRITE_LIMITS.evidenceChars ? { message_data: data } : {}) };
}

function findingJson(finding: Finding): Record<string, unknown> {
  const limits = REPORT_WRITE_LIMITS;
  let evidence = toJsonValue(finding.evidence ?? {}) as Record<string, unknown>;
  const evidenceChars = JSON.stringify(evidence).length;
  if (evidenceChars > limits.evidenceChars) {
    evidence = { truncated: `${evidenceChars} characters of evidence left out: the report keeps at most ${limits.evidenceChars} per finding` };
  }
  const json: Record<string, unknown> = {
    id: finding.id,
    severity: finding.severity,
    title: finding.title,
    message: clip(finding.message, limits.messageChars),
    // One line by contract; a newline in a quoted name must not make the report unreadable.
    ...(finding.headline !== undefined ? { headline: clip(finding.headline.replace(/\s+/g, ' '), limits.headlineChars) } : {}),
    ...messageIdentity(finding),
    fix: clip(finding.fix, limits.fixChars),
    file: clip(finding.file, limits.fileChars),
    line: finding.line ?? null,
    evidence,
    docs: finding.docs,
  };
  if (finding.column !== undefined) json.column = finding.column;
  if (finding.key !== undefined) json.key = clip(finding.key, limits.keyChars);
  // A cut replacement would be a wrong fix: an oversized one is left out.
  if (finding.suggestion && finding.suggestion.replacement.length <= limits.suggestionChars) {
    json.suggestion = { line: finding.suggestion.line, replacement: finding.suggestion.replacement };
  }
  if (finding.causedBy !== undefined) json.caused_by = finding.causedBy;
  if (finding.symptoms !== undefined) json.symptoms = [...finding.symptoms];
  return json;
}

/** The rank of a severity read from a JSON finding (higher is more severe). */
function rankOf(severity: unknown): number {
  return severityRank(severity as Severity);
}

/**
 * Keeps the findings that fit `budget` characters, most severe first, in their original order; each
 * result that lost some gets one finding, as severe as the worst it stands for, saying how many, so the
 * counts and the conclusion stay what the whole report gave.
 */
function keepWithin(results: { findings: Record<string, unknown>[] }[], budget: number): void {
  // A finding's lines sit 8 spaces deep in the document: count 10 per line for that and the separators.
  const size = (finding: Record<string, unknown>) => {
    const own = JSON.stringify(finding, null, 2);
    return own.length + 10 * (own.split('\n').length + 1);
  };
  const all = results.flatMap((result, r) => result.findings.map((finding, f) => ({ r, f, finding, chars: size(finding) })));
  all.sort((a, b) => rankOf(b.finding.severity) - rankOf(a.finding.severity) || a.r - b.r || a.f - b.f);
  // Room for the markers: one per result at most.
  let left = budget - results.length * 1_000;
  const kept = new Set<Record<string, unknown>>();
  const keptPerResult = results.map(() => 0);
  // The reader's count limits too, with room for the markers.
  let totalLeft = REPORT_LIMITS.findingsTotal - results.length;
  for (const item of all) {
    if (item.chars > left || totalLeft <= 0 || keptPerResult[item.r] >= REPORT_LIMITS.findingsPerResult - 1) continue;
    left -= item.chars;
    totalLeft -= 1;
    keptPerResult[item.r] += 1;
    kept.add(item.finding);
  }
  for (const result of results) {
    const dropped = result.findings.filter((finding) => !kept.has(finding));
    if (dropped.length === 0) continue;
    const worst = dropped.reduce((a, b) => (rankOf(b.severity) > rankOf(a.severity) ? b : a));
    const bySeverity = SEVERITIES.map((sev) => [sev, dropped.filter((d) => d.severity === sev).length] as const).filter(([, n]) => n > 0);
    result.findings = result.findings.filter((finding) => kept.has(finding));
    result.findings.push({
      id: TRUNCATED_FINDING_ID,
      severity: worst.severity,
      title: 'Findings left out of the report',
      message: `${dropped.length} finding${dropped.length === 1 ? '' : 's'} of this config (${bySeverity.map(([sev, n]) => `${n} ${sev}${n === 1 ? '' : 's'}`).join(', ')}) ${dropped.length === 1 ? 'was' : 'were'} left out: report.json is kept under ${REPORT_WRITE_LIMITS.documentChars} characters. This one stands for them, with the severity of the worst.`,
      fix: 'Fix the findings shown first, or check this config on its own (`nn-preflight check <config>`) to see the rest.',
      file: worst.file,
      line: null,
      evidence: { left_out: dropped.length, ...Object.fromEntries(bySeverity) },
      docs: 'SECURITY.md',
    });
  }
}

/** Suppressed findings kept per config in report.json (each needs its own disable comment, so this is plenty). */
export const MAX_SUPPRESSED_PER_RESULT = 200;

function suppressedJson(finding: SuppressedFinding): Record<string, unknown> {
  return { ...findingJson(finding), suppression: { reason: clip(finding.suppression.reason, REPORT_WRITE_LIMITS.fixChars), line: finding.suppression.line } };
}

export function renderJson(report: Report): string {
  const results = report.results.map((result) => ({
    config: clip(result.config, REPORT_WRITE_LIMITS.fileChars),
    name: clip(result.name, REPORT_WRITE_LIMITS.nameChars),
    findings: result.findings.map(findingJson),
    smoke: result.smoke ? toJsonValue(result.smoke) : null,
    ...(result.comparison ? { comparison: toJsonValue(result.comparison) } : {}),
    ...(result.watch ? { watch: [...result.watch] } : {}),
    ...(result.suppressed?.length ? { suppressed: result.suppressed.slice(0, MAX_SUPPRESSED_PER_RESULT).map(suppressedJson) } : {}),
    ...(result.dataCharts ? { data_charts: toJsonValue(result.dataCharts) } : {}),
  }));
  const document = {
    schema_version: REPORT_SCHEMA_VERSION,
    tool: { name: report.tool.name, version: report.tool.version },
    results,
    conclusion: report.conclusion,
    counts: { ...report.counts },
    fail_on: report.failOn,
  };
  let text = JSON.stringify(document, null, 2) + '\n';
  if (text.length > REPORT_WRITE_LIMITS.documentChars) {
    // Pictures go before findings: without its data charts a config's page draws its smoke charts and notes.
    for (const result of results) delete (result as { data_charts?: unknown }).data_charts;
    text = JSON.stringify(document, null, 2) + '\n';
  }
  const findingCount = results.reduce((n, r) => n + r.findings.length, 0);
  const countsFit = findingCount <= REPORT_LIMITS.findingsTotal && results.every((r) => r.findings.length <= REPORT_LIMITS.findingsPerResult);
  if (text.length <= REPORT_WRITE_LIMITS.documentChars && countsFit) return text;
  // Too large (thousands of findings, long quoted values): keep what fits, most severe first.
  const rest = JSON.stringify({ ...document, results: results.map((r) => ({ ...r, findings: [] })) }, null, 2).length;
  keepWithin(results, REPORT_WRITE_LIMITS.documentChars - rest - 10_000);
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const result of results) for (const finding of result.findings) counts[finding.severity as keyof typeof counts] += 1;
  return JSON.stringify({ ...document, counts }, null, 2) + '\n';
}

const severitySchema = z.enum(['error', 'warning', 'notice']);
const failOnSchema = z.enum(['error', 'warning', 'notice', 'never']);

/** A string without control characters other than newline and tab. */
function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s), 'must not contain control characters');
}

function oneLine(max: number) {
  return text(max).refine((s) => !s.includes('\n'), 'must be a single line');
}

/** JSON wrote non-finite numbers as null; they come back as NaN. */
const seriesNumber = z
  .number()
  .nullable()
  .transform((n) => (n === null ? Number.NaN : n));
const series = z.array(seriesNumber).max(REPORT_LIMITS.seriesLength);

function nestingDepth(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const item of Object.values(value)) deepest = Math.max(deepest, nestingDepth(item, limit - 1));
  return deepest + 1;
}

// The depth check comes first: serializing a deeply nested value would overflow the stack.
const boundedObject = z.record(z.string().max(200), z.unknown()).superRefine((value, ctx) => {
  if (nestingDepth(value, REPORT_LIMITS.nestingDepth + 1) > REPORT_LIMITS.nestingDepth) {
    ctx.addIssue({ code: 'custom', message: `must nest at most ${REPORT_LIMITS.nestingDepth} levels` });
  } else if (JSON.stringify(value).length > REPORT_LIMITS.evidenceChars) {
    ctx.addIssue({ code: 'custom', message: `must serialize to at most ${REPORT_LIMITS.evidenceChars} characters` });
  }
});

const findingSchema = z.strictObject({
  id: z
    .string()
    .max(100)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a check id (lowercase letters, digits, dashes)'),
  severity: severitySchema,
  title: oneLine(300),
  message: text(10_000),
  headline: oneLine(300).optional(),
  message_id: z
    .string()
    .max(100)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a message id (lowercase letters, digits, dashes)')
    .optional(),
  message_data: boundedObject.optional(),
  fix: text(5_000),
  file: oneLine(1_000),
  line: z.number().int().min(1).nullable(),
  column: z.number().int().min(1).optional(),
  key: oneLine(300).optional(),
  docs: oneLine(300),
  evidence: boundedObject,
  suggestion: z.strictObject({ line: z.number().int().min(1), replacement: oneLine(2_000) }).optional(),
  caused_by: z
    .string()
    .max(100)
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .optional(),
  symptoms: z
    .array(
      z
        .string()
        .max(100)
        .regex(/^[a-z0-9][a-z0-9-]*$/),
    )
    .max(100)
    .optional(),
});

/** A name from the data or the model (a column, a class, a layer): any text a header may hold, bounded. */
const dataName = text(REPORT_LIMITS.nameChars);

const smokeSchema = z.strictObject({
  backend: oneLine(50),
  backend_notes: z.array(oneLine(500)).max(20).optional(),
  steps: z.number().int().min(0),
  seconds: seriesNumber,
  steps_per_second: seriesNumber,
  loss: series,
  val_loss: series,
  val_steps: z.array(z.number().int().min(0)).max(REPORT_LIMITS.seriesLength),
  lr_range: z
    .strictObject({ lrs: series, losses: series, suggested: seriesNumber, best: seriesNumber.optional(), diverged_at: seriesNumber.optional() })
    .optional(),
  controls: boundedObject.optional(),
  // chart-ready run data (optional: older reports lack it)
  loss_name: oneLine(300).optional(),
  planned_steps: z.number().int().min(0).optional(),
  batch_size: z.number().int().min(0).optional(),
  learning_rate: seriesNumber.optional(),
  seed: z.number().int().optional(),
  initial_loss: seriesNumber.optional(),
  expected_initial_loss: seriesNumber.optional(),
  first_non_finite: z.strictObject({ step: z.number().int().min(0), where: oneLine(50), layer: dataName.optional() }).optional(),
  probe_steps: z.array(z.number().int().min(0)).max(REPORT_LIMITS.seriesLength).optional(),
  layers: z
    .array(
      z.strictObject({
        name: dataName,
        grad_norm: series,
        update_ratio: series,
        dead_fraction: seriesNumber.optional(),
        saturated_fraction: seriesNumber.optional(),
      }),
    )
    .max(REPORT_LIMITS.layers)
    .optional(),
  init: z.strictObject({ layer_names: z.array(dataName).max(REPORT_LIMITS.layers), activation_std: series, grad_norm: series }).optional(),
});

const meanStd = z.strictObject({ mean: seriesNumber, std: seriesNumber });
const chartSize = z.number().int().min(1).max(10_000).optional();

/** The data charts (chart-data.ts), checked as strictly as the rest: they are drawn into the HTML page. */
const dataFigureSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('feature-scales'),
    caption: text(2_000),
    chart: z.strictObject({
      features: z.array(z.strictObject({ name: dataName, raw: meanStd.optional(), processed: meanStd.optional() })).max(MAX_FEATURE_STDS),
      preprocessing: text(2_000),
      title: oneLine(300).optional(),
      legend: z.strictObject({ rawStd: oneLine(100), processedStd: oneLine(100), processedMean: oneLine(100) }).optional(),
      width: chartSize,
    }),
  }),
  z.strictObject({
    kind: z.literal('histogram'),
    caption: text(2_000).optional(),
    chart: z.strictObject({
      title: dataName,
      panels: z
        .array(
          z.strictObject({
            title: text(2_000),
            axisTitle: oneLine(300),
            edges: z.array(seriesNumber).max(REPORT_LIMITS.histogramBins + 1),
            series: z.array(z.strictObject({ name: oneLine(100), percent: z.array(seriesNumber).max(REPORT_LIMITS.histogramBins) })).max(10),
            nonFinite: z.number().int().min(0),
          }),
        )
        .max(10),
      width: chartSize,
      height: chartSize,
    }),
  }),
  z.strictObject({
    kind: z.literal('value-ranges'),
    caption: text(2_000).optional(),
    chart: z.strictObject({
      title: oneLine(300),
      ranges: z.array(z.strictObject({ name: dataName, min: seriesNumber, max: seriesNumber, mean: seriesNumber, std: seriesNumber })).max(MAX_FEATURE_STDS),
      valueTitle: oneLine(300),
      reference: z.strictObject({ low: seriesNumber, high: seriesNumber, label: oneLine(100) }).optional(),
      width: chartSize,
    }),
  }),
  z.strictObject({
    kind: z.literal('label-distribution'),
    caption: text(2_000),
    chart: z.strictObject({
      classes: z.array(z.strictObject({ label: dataName, count: seriesNumber })).max(REPORT_LIMITS.seriesLength),
      title: oneLine(300).optional(),
      counted: oneLine(300).optional(),
      width: chartSize,
    }),
  }),
  z.strictObject({
    kind: z.literal('images'),
    caption: text(2_000),
    images: z
      .array(
        z.strictObject({
          // Only inline PNGs: the page loads nothing, and its policy allows data: images only.
          dataUri: z
            .string()
            .max(REPORT_LIMITS.imageChars)
            .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/, 'must be a base64 PNG data: URI'),
          width: z.number().int().min(1).max(4_096),
          height: z.number().int().min(1).max(4_096),
          label: text(REPORT_LIMITS.nameChars),
          row: z.number().int().min(0),
        }),
      )
      .max(100),
  }),
  z.strictObject({ kind: z.literal('note'), text: text(2_000) }),
]);
const dataFigures = z.array(dataFigureSchema).max(100).optional();
const dataChartsSchema = z.strictObject({
  figures: z.strictObject({ scales: dataFigures, histograms: dataFigures, images: dataFigures, labels: dataFigures }),
  featureStd: z.array(z.strictObject({ name: dataName, train: seriesNumber, validation: seriesNumber.optional() })).max(MAX_FEATURE_STDS),
  featureCount: z.number().int().min(0),
});

/** The base comparison (`--base`): its curves are series; the rest is small and bounded like evidence. */
const comparisonSide = z.strictObject({ finals: series, meanFinal: seriesNumber, curve: series });
const comparisonSchema = z.strictObject({
  ref: oneLine(300),
  status: z.enum(['compared', 'unchanged', 'new-config', 'unavailable']),
  source: z.enum(['git', 'github-api']).optional(),
  renamedFrom: oneLine(1_000).optional(),
  reason: text(2_000).optional(),
  metric: z.enum(['loss', 'loss / baseline']).optional(),
  steps: z.number().int().min(0).optional(),
  seeds: z.array(z.number().int()).max(100).optional(),
  base: comparisonSide.optional(),
  head: comparisonSide.optional(),
  scale: z.enum(['log', 'linear']).optional(),
  difference: seriesNumber.optional(),
  ratio: seriesNumber.optional(),
  seedNoise: seriesNumber.optional(),
  threshold: seriesNumber.optional(),
  verdict: z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']).optional(),
  changes: z
    .array(z.strictObject({ key: oneLine(300), base: oneLine(300).optional(), head: oneLine(300).optional(), revertedFinal: seriesNumber.optional() }))
    .max(1_000),
  changedFiles: z.array(oneLine(1_000)).max(1_000),
  notes: z.array(text(2_000)).max(100),
});

/**
 * The version of report.json's shape (docs/report.schema.json). It grows only by optional fields; a change
 * that would break a reader of an older report raises it.
 */
export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_SCHEMA_FILE = 'docs/report.schema.json';

const documentSchema = z.strictObject({
  /** absent in reports written before it existed, which read as version 1 */
  schema_version: z.literal(REPORT_SCHEMA_VERSION).optional(),
  tool: z.strictObject({ name: z.literal('nn-preflight'), version: oneLine(50) }),
  results: z
    .array(
      z.strictObject({
        config: oneLine(1_000),
        name: oneLine(300),
        findings: z.array(findingSchema).max(REPORT_LIMITS.findingsPerResult),
        smoke: smokeSchema.nullable(),
        comparison: comparisonSchema.optional(),
        watch: z.array(oneLine(1_000)).max(100).optional(),
        suppressed: z
          .array(findingSchema.extend({ suppression: z.strictObject({ reason: text(5_000), line: z.number().int().min(1) }) }))
          .max(MAX_SUPPRESSED_PER_RESULT)
          .optional(),
        data_charts: dataChartsSchema.optional(),
      }),
    )
    .max(REPORT_LIMITS.results)
    .refine(
      (results) => results.reduce((n, r) => n + r.findings.length, 0) <= REPORT_LIMITS.findingsTotal,
      `must hold at most ${REPORT_LIMITS.findingsTotal} findings in all`,
    ),
  conclusion: z.enum(['success', 'failure']),
  counts: z.strictObject({ error: z.number().int().min(0), warning: z.number().int().min(0), notice: z.number().int().min(0) }),
  fail_on: failOnSchema,
});

type FindingDocument = z.infer<typeof findingSchema>;

function toFinding(doc: FindingDocument): Finding {
  const finding: Finding = {
    id: doc.id,
    severity: doc.severity,
    title: doc.title,
    message: doc.message,
    fix: doc.fix,
    file: doc.file,
    docs: doc.docs,
    evidence: doc.evidence,
  };
  if (doc.line !== null) finding.line = doc.line;
  if (doc.headline !== undefined) finding.headline = doc.headline;
  if (doc.column !== undefined) finding.column = doc.column;
  if (doc.key !== undefined) finding.key = doc.key;
  if (doc.suggestion) finding.suggestion = doc.suggestion;
  if (doc.message_id !== undefined) finding.messageId = doc.message_id;
  if (doc.message_data !== undefined) finding.messageData = doc.message_data;
  if (doc.caused_by !== undefined) finding.causedBy = doc.caused_by;
  if (doc.symptoms !== undefined) finding.symptoms = doc.symptoms;
  return finding;
}

const MAX_ERROR_CHARS = 2_000;

/**
 * Reads a report written by `renderJson`, trusting nothing: strict shape, capped sizes, and the
 * counts and conclusion must agree with the findings (so a report cannot claim success over errors).
 */
export function parseReportJson(source: string): Report | { error: string } {
  if (source.length > REPORT_LIMITS.documentChars) {
    return { error: `report is ${source.length} characters; at most ${REPORT_LIMITS.documentChars} are accepted` };
  }
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    return { error: `report is not valid JSON: ${(error as Error).message}` };
  }
  let parsed: ReturnType<typeof documentSchema.safeParse>;
  try {
    parsed = documentSchema.safeParse(data);
  } catch (error) {
    return { error: `report could not be checked: ${(error as Error).message}` };
  }
  if (!parsed.success) {
    const details = z.prettifyError(parsed.error);
    return { error: `report does not have the expected shape:\n${details.slice(0, MAX_ERROR_CHARS)}` };
  }
  const doc = parsed.data;
  const results: ConfigResult[] = doc.results.map((result) => {
    const configResult: ConfigResult = { config: result.config, name: result.name, findings: result.findings.map(toFinding) };
    if (result.smoke) configResult.smoke = result.smoke as SmokeSummary;
    if (result.comparison) configResult.comparison = result.comparison;
    if (result.watch) configResult.watch = result.watch;
    if (result.suppressed) configResult.suppressed = result.suppressed.map(({ suppression, ...finding }) => ({ ...toFinding(finding), suppression }));
    if (result.data_charts) configResult.dataCharts = result.data_charts as DataCharts;
    return configResult;
  });
  const report = buildReport(results, doc.fail_on, doc.tool.version);
  const counted = report.counts;
  if (counted.error !== doc.counts.error || counted.warning !== doc.counts.warning || counted.notice !== doc.counts.notice) {
    return { error: `report counts ${JSON.stringify(doc.counts)} do not match its findings ${JSON.stringify(counted)}` };
  }
  if (report.conclusion !== doc.conclusion) {
    return { error: `report says "${doc.conclusion}" but its findings with fail-on "${doc.fail_on}" give "${report.conclusion}"` };
  }
  return report;
}

/** The JSON Schema of report.json, generated from the reader's own schema (`npm run schema`); refinements (limits checked in code) are left out. */
export function reportJsonSchemaText(): string {
  const { $schema, ...rest } = z.toJSONSchema(documentSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  const schema = {
    $schema,
    title: `nn-preflight report.json, schema version ${REPORT_SCHEMA_VERSION}`,
    description:
      "What `nn-preflight check --format json` prints and the action writes as report.json. Reference: docs/INTERFACES.md. Generated from the reader's schema by `npm run schema`.",
    ...rest,
  };
  return JSON.stringify(schema, null, 2) + '\n';
}
