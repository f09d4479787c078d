// The chart-ready data of one config, built once from its evidence: the figures of the report's data
// sections (feature scales, histograms, sample images, labels) as chart inputs, the sample counted into
// bins and the images encoded, and the numbers of the Mermaid feature-scale chart. Renderers draw these
// from the Report alone (chart-data.ts), never from the evidence.
import type { LoadedSplit } from '../data/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Finding } from '../findings/types.ts';
import { smokeSummary } from './build.ts';
import { formatNumber } from './numbers.ts';
import type { ConfigResult } from './types.ts';
import { binHistogram } from './charts/index.ts';
import type { HistogramSeries } from './charts/index.ts';
import { MAX_FEATURE_STDS, type DataCharts, type DataFigure, type DataSectionId } from './chart-data.ts';
import { evidenceStrings } from './html/findings-html.ts';
import { imageGrid } from './html/images.ts';
import { channelCount, channelValues, describeInputPreprocessing, preprocessSample, summarizeValues } from './html/preprocess.ts';
import { sectionOfCheck } from './html/sections.ts';

/**
 * A config's result with the chart-ready data its renderers draw: the smoke summary of `trace` (the
 * configured loss named on its axes) and the data charts of `evidence`, built after the findings are
 * final (the findings decide which features are charted first).
 */
export function withChartData(result: ConfigResult, evidence?: Evidence, trace?: SmokeTrace): ConfigResult {
  const withCharts: ConfigResult = { ...result };
  if (trace) withCharts.smoke = smokeSummary(trace, evidence ? (evidence.config.training.torch_loss ?? evidence.config.training.loss) : undefined);
  const dataCharts = evidence ? dataChartsOrNote(evidence, result.findings) : undefined;
  if (dataCharts) withCharts.dataCharts = dataCharts;
  return withCharts;
}

/** A picture that cannot be prepared costs the picture, not the config's findings: its section says why. */
function dataChartsOrNote(evidence: Evidence, findings: readonly Finding[]): DataCharts | undefined {
  try {
    return buildDataCharts(evidence, findings);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { figures: { scales: [note(`The data charts could not be prepared (${reason.slice(0, 300)}).`)] }, featureStd: [], featureCount: 0 };
  }
}

/** The data figures and feature scales of one config; undefined when its data did not load. */
export function buildDataCharts(evidence: Evidence, findings: readonly Finding[]): DataCharts | undefined {
  const data = evidence.data;
  const samples = processSamples(evidence);
  if (!data || !samples) return undefined;
  const figures: Partial<Record<DataSectionId, DataFigure[]>> = {};
  // Features that scaling and value findings name are charted first when there are too many to show all.
  const flagged = evidenceStrings(findings.filter((f) => ['scales', 'histograms'].includes(sectionOfCheck(f.id))));
  figures.scales = scaleFigures(evidence, flagged);
  figures.histograms = histogramFigures(evidence, samples, flagged);
  const images = imageFigures(evidence, samples);
  if (images.length > 0) figures.images = images;
  figures.labels = labelFigures(evidence);
  const featureStd = data.train.processed.slice(0, MAX_FEATURE_STDS).map((feature, index) => {
    const entry: DataCharts['featureStd'][number] = { name: feature.name, train: feature.std };
    const validation = data.validation?.processed[index];
    if (validation) entry.validation = validation.std;
    return entry;
  });
  return { figures, featureStd, featureCount: data.train.processed.length };
}

function note(text: string): DataFigure {
  return { kind: 'note', text };
}

/** Beyond this many features the scale chart keeps the ones findings name, then the first ones. */
export const MAX_SCALE_FEATURES = 60;
/** Histograms cost a chart each; the ones findings name come first. */
export const MAX_HISTOGRAMS = 12;
/** Characters of data: URIs one config's sample images may take in the report (report.json stays small). */
export const MAX_IMAGE_CHARS = 1_500_000;

/** The train (and validation) samples after the declared preprocessing, computed once per run. */
export interface ProcessedSamples {
  train: Float32Array;
  validation?: Float32Array;
}

export function processSamples(evidence: Evidence): ProcessedSamples | undefined {
  const data = evidence.data;
  if (!data) return undefined;
  const inputs = evidence.config.preprocessing.inputs;
  const fitOn = data.train.split.features;
  return {
    train: preprocessSample(data.train.split.sample, fitOn, inputs),
    validation: data.validation ? preprocessSample(data.validation.split.sample, fitOn, inputs) : undefined,
  };
}

/** Indices of columns, those named in `flagged` first, at most `max`, otherwise in file order. */
export function prioritizedColumns(names: readonly string[], flagged: ReadonlySet<string>, max: number): number[] {
  const first = names.map((_, i) => i).filter((i) => flagged.has(names[i]));
  const rest = names.map((_, i) => i).filter((i) => !flagged.has(names[i]));
  return [...first, ...rest].slice(0, max).sort((a, b) => a - b);
}

function scaleFigures(evidence: Evidence, flagged: ReadonlySet<string>): DataFigure[] {
  const data = evidence.data;
  if (!data) return [];
  const inputs = evidence.config.preprocessing.inputs;
  const preprocessing = describeInputPreprocessing(inputs);
  const columns = data.train.split.features;
  const kept = prioritizedColumns(
    columns.map((c) => c.name),
    flagged,
    MAX_SCALE_FEATURES,
  );
  const features = kept.map((i) => ({
    name: columns[i].name,
    // with no preprocessing the raw and processed points coincide; draw them once
    raw: inputs === 'none' ? undefined : { mean: columns[i].mean, std: columns[i].std },
    processed: data.train.processed[i] ? { mean: data.train.processed[i].mean, std: data.train.processed[i].std } : undefined,
  }));
  const figures: DataFigure[] = [
    {
      kind: 'feature-scales',
      chart: { features, preprocessing, title: 'Feature scales (whole training file)' },
      caption:
        `Standard deviation of each input ${columns.length > 0 && data.train.split.sample.featureShape.length > 1 ? 'channel' : 'feature'} ` +
        `${inputs === 'none' ? 'as given (no input preprocessing declared)' : `before and after the declared preprocessing (${preprocessing})`}, and its absolute mean after it.` +
        (kept.length < columns.length ? ` ${kept.length} of ${columns.length} shown.` : ''),
    },
  ];
  const validation = data.validation;
  if (validation) {
    const names = validation.processed.map((f) => f.name);
    const rows = kept.filter((i) => i < names.length);
    figures.push({
      kind: 'feature-scales',
      chart: {
        features: rows.map((i) => ({
          name: names[i],
          raw: { mean: data.train.processed[i]?.mean ?? Number.NaN, std: data.train.processed[i]?.std ?? Number.NaN },
          processed: { mean: validation.processed[i].mean, std: validation.processed[i].std },
        })),
        preprocessing,
        title: 'Train vs validation after preprocessing',
        legend: { rawStd: 'train std', processedStd: 'validation std', processedMean: 'validation |mean|' },
      },
      caption: 'Both splits after the same preprocessing, fitted on train: points far apart mean the splits are scaled differently.',
    });
  }
  return figures;
}

function histogramFigures(evidence: Evidence, samples: ProcessedSamples, flagged: ReadonlySet<string>): DataFigure[] {
  const data = evidence.data;
  if (!data) return [];
  const inputs = evidence.config.preprocessing.inputs;
  const train = data.train.split;
  const validation = data.validation?.split;
  const channels = channelCount(train.sample.featureShape);
  const names = train.features.map((f) => f.name);
  const columns = prioritizedColumns(
    names.length === channels ? names : Array.from({ length: channels }, (_, c) => names[c] ?? `column ${c}`),
    flagged,
    MAX_HISTOGRAMS,
  );
  const figures: DataFigure[] = [];
  for (const c of columns) {
    const raw: HistogramSeries[] = [{ name: 'train', values: channelValues(train.sample.x, channels, c) }];
    const processed: HistogramSeries[] = [{ name: 'train', values: channelValues(samples.train, channels, c) }];
    if (validation && samples.validation && channelCount(validation.sample.featureShape) === channels) {
      raw.push({ name: 'validation', values: channelValues(validation.sample.x, channels, c) });
      processed.push({ name: 'validation', values: channelValues(samples.validation, channels, c) });
    }
    const panels =
      inputs === 'none'
        ? [{ title: 'as given (no preprocessing declared)', axisTitle: 'value (data units)', series: raw }]
        : [
            { title: 'raw', axisTitle: 'value (data units)', series: raw },
            { title: `after ${describeInputPreprocessing(inputs)}`, axisTitle: 'value the model receives', series: processed },
          ];
    figures.push({ kind: 'histogram', chart: binHistogram({ title: names[c] ?? `column ${c}`, panels }) });
  }
  if (columns.length < channels) figures.push(note(`${columns.length} of ${channels} features shown (those named by findings first).`));
  figures.unshift(
    note(
      `Histograms of the data sample (${train.sample.rows} train rows${validation ? `, ${validation.sample.rows} validation rows` : ''}); bars give each split's share of values per bin.`,
    ),
  );
  return figures;
}

function imageFigures(evidence: Evidence, samples: ProcessedSamples): DataFigure[] {
  const split = evidence.data?.train.split;
  if (!split) return [];
  const grid = imageGrid(split, samples.train);
  if (!grid) return [];
  const clipped =
    grid.clippedShare > 0
      ? ` ${formatNumber(100 * grid.clippedShare, 3)}% of pixel values fall outside that window (or are not finite) and are drawn clipped.`
      : '';
  // Large images would swell report.json: the first ones that fit the budget are kept.
  let chars = 0;
  const shown = grid.images.filter((image) => (chars += image.dataUri.length) <= MAX_IMAGE_CHARS);
  const gridFigure: DataFigure = {
    kind: 'images',
    images: shown.map((image) => ({ dataUri: image.dataUri, width: image.width, height: image.height, label: image.label, row: image.row })),
    caption: `${shown.length} sample images after the declared preprocessing (${describeInputPreprocessing(evidence.config.preprocessing.inputs)}), with their labels; ${grid.windowReason}.${clipped}`,
  };
  const channels = channelCount(split.sample.featureShape);
  const ranges = Array.from({ length: channels }, (_, c) => {
    const { min, max, mean, std } = summarizeValues(channelValues(samples.train, channels, c));
    return { name: split.features[c]?.name ?? `channel ${c}`, min, max, mean, std };
  });
  const rangeFigure: DataFigure = {
    kind: 'value-ranges',
    chart: {
      title: 'Per-channel value range after preprocessing',
      ranges,
      valueTitle: 'value the model receives (sample)',
      reference: { low: 0, high: 1, label: '[0, 1]' },
    },
  };
  return [gridFigure, rangeFigure];
}

function labelFigures(evidence: Evidence): DataFigure[] {
  const data = evidence.data;
  if (!data) return [];
  const labels = data.labels;
  const split = data.train.split;
  if (labels.classCounts && Object.keys(labels.classCounts).length > 0) {
    const classes = Object.entries(labels.classCounts)
      .map(([id, count]) => ({ id: Number(id), count }))
      .sort((a, b) => a.id - b.id)
      .map(({ id, count }) => ({ label: className(split, id, labels.encoding), count }));
    const counted = labels.encoding === 'one-hot' || labels.encoding === 'multi-hot' ? 'sampled rows' : 'rows in the file';
    return [
      {
        kind: 'label-distribution',
        chart: { classes, counted, title: `Label distribution (${labels.encoding}, ${labels.width} target column${labels.width === 1 ? '' : 's'})` },
        caption: `Labels range from ${formatNumber(labels.min)} to ${formatNumber(labels.max)}.`,
      },
    ];
  }
  const figures: DataFigure[] = [];
  const width = split.sample.targetWidth;
  for (let t = 0; t < Math.min(width, MAX_HISTOGRAMS); t++) {
    const values = channelValues(split.sample.y, width, t);
    const name = split.targetNames[t] ?? `target ${t}`;
    figures.push({
      kind: 'histogram',
      chart: binHistogram({
        title: `target ${name}`,
        panels: [{ title: 'as given', axisTitle: 'target value (data units)', series: [{ name: 'train', values }] }],
      }),
      caption: `Continuous targets from ${formatNumber(labels.min)} to ${formatNumber(labels.max)} (whole file).`,
    });
  }
  return figures;
}

function className(split: LoadedSplit, id: number, encoding: string): string {
  const name = split.classNames?.[id];
  if (name !== undefined) return `${name} (${id})`;
  if (encoding === 'one-hot' || encoding === 'multi-hot') return split.targetNames[id] ?? `column ${id}`;
  return String(id);
}
