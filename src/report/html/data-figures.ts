// Figures drawn from the data evidence: feature scales, histograms, sample images, labels.
import type { LoadedSplit } from '../../data/types.ts';
import type { Evidence } from '../../evidence/types.ts';
import { escapeXml } from '../escape.ts';
import { formatNumber } from '../numbers.ts';
import { featureScaleChart, histogramChart, labelDistributionChart, valueRangeChart } from '../charts/index.ts';
import type { HistogramSeries } from '../charts/index.ts';
import { figure, note } from './figure.ts';
import { imageGrid } from './images.ts';
import { channelCount, channelValues, describeInputPreprocessing, preprocessSample, summarizeValues } from './preprocess.ts';

/** Beyond this many features the scale chart keeps the ones findings name, then the first ones. */
export const MAX_SCALE_FEATURES = 60;
/** Histograms cost a chart each; the ones findings name come first. */
export const MAX_HISTOGRAMS = 12;

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

export async function scaleFigures(evidence: Evidence, flagged: ReadonlySet<string>): Promise<string[]> {
  const data = evidence.data;
  if (!data) return [];
  const inputs = evidence.config.preprocessing.inputs;
  const preprocessing = describeInputPreprocessing(inputs);
  const columns = data.train.split.features;
  const kept = prioritizedColumns(columns.map((c) => c.name), flagged, MAX_SCALE_FEATURES);
  const features = kept.map((i) => ({
    name: columns[i].name,
    // with no preprocessing the raw and processed points coincide; draw them once
    raw: inputs === 'none' ? undefined : { mean: columns[i].mean, std: columns[i].std },
    processed: data.train.processed[i] ? { mean: data.train.processed[i].mean, std: data.train.processed[i].std } : undefined,
  }));
  const figures = [
    await figure(
      () => featureScaleChart({ features, preprocessing, title: 'Feature scales (whole training file)' }),
      `Standard deviation of each input ${columns.length > 0 && data.train.split.sample.featureShape.length > 1 ? 'channel' : 'feature'} ` +
        `${inputs === 'none' ? 'as given (no input preprocessing declared)' : `before and after the declared preprocessing (${preprocessing})`}, and its absolute mean after it.` +
        (kept.length < columns.length ? ` ${kept.length} of ${columns.length} shown.` : ''),
    ),
  ];
  const validation = data.validation;
  if (validation) {
    const names = validation.processed.map((f) => f.name);
    const rows = kept.filter((i) => i < names.length);
    figures.push(
      await figure(
        () =>
          featureScaleChart({
            features: rows.map((i) => ({
              name: names[i],
              raw: { mean: data.train.processed[i]?.mean ?? Number.NaN, std: data.train.processed[i]?.std ?? Number.NaN },
              processed: { mean: validation.processed[i].mean, std: validation.processed[i].std },
            })),
            preprocessing,
            title: 'Train vs validation after preprocessing',
            legend: { rawStd: 'train std', processedStd: 'validation std', processedMean: 'validation |mean|' },
          }),
        'Both splits after the same preprocessing, fitted on train: points far apart mean the splits are scaled differently.',
      ),
    );
  }
  return figures;
}

export async function histogramFigures(evidence: Evidence, samples: ProcessedSamples, flagged: ReadonlySet<string>): Promise<string[]> {
  const data = evidence.data;
  if (!data) return [];
  const inputs = evidence.config.preprocessing.inputs;
  const train = data.train.split;
  const validation = data.validation?.split;
  const channels = channelCount(train.sample.featureShape);
  const names = train.features.map((f) => f.name);
  const columns = prioritizedColumns(names.length === channels ? names : Array.from({ length: channels }, (_, c) => names[c] ?? `column ${c}`), flagged, MAX_HISTOGRAMS);
  const figures: string[] = [];
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
    figures.push(await figure(() => histogramChart({ title: names[c] ?? `column ${c}`, panels })));
  }
  if (columns.length < channels) figures.push(note(`${columns.length} of ${channels} features shown (those named by findings first).`));
  figures.unshift(note(`Histograms of the data sample (${train.sample.rows} train rows${validation ? `, ${validation.sample.rows} validation rows` : ''}); bars give each split's share of values per bin.`));
  return figures;
}

export async function imageFigures(evidence: Evidence, samples: ProcessedSamples): Promise<string[]> {
  const split = evidence.data?.train.split;
  if (!split) return [];
  const grid = imageGrid(split, samples.train);
  if (!grid) return [];
  const tiles = grid.images
    .map(
      (image) =>
        `<figure class="tile"><img src="${image.dataUri}" width="${image.width}" height="${image.height}" alt="${escapeXml(`sample ${image.row}, label ${image.label}`)}">` +
        `<figcaption>${escapeXml(image.label)}</figcaption></figure>`,
    )
    .join('');
  const clipped = grid.clippedShare > 0 ? ` ${formatNumber(100 * grid.clippedShare, 3)}% of pixel values fall outside that window (or are not finite) and are drawn clipped.` : '';
  const gridHtml =
    `<div class="image-grid">${tiles}</div>` +
    note(`${grid.images.length} sample images after the declared preprocessing (${describeInputPreprocessing(evidence.config.preprocessing.inputs)}), with their labels; ${grid.windowReason}.${clipped}`);
  const channels = channelCount(split.sample.featureShape);
  const ranges = Array.from({ length: channels }, (_, c) => ({ name: split.features[c]?.name ?? `channel ${c}`, ...summarizeValues(channelValues(samples.train, channels, c)) }));
  const rangeFigure = await figure(() =>
    valueRangeChart({
      title: 'Per-channel value range after preprocessing',
      ranges,
      valueTitle: 'value the model receives (sample)',
      reference: { low: 0, high: 1, label: '[0, 1]' },
    }),
  );
  return [gridHtml, rangeFigure];
}

export async function labelFigures(evidence: Evidence): Promise<string[]> {
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
      await figure(
        () => labelDistributionChart({ classes, counted, title: `Label distribution (${labels.encoding}, ${labels.width} target column${labels.width === 1 ? '' : 's'})` }),
        `Labels range from ${formatNumber(labels.min)} to ${formatNumber(labels.max)}.`,
      ),
    ];
  }
  const figures: string[] = [];
  const width = split.sample.targetWidth;
  for (let t = 0; t < Math.min(width, MAX_HISTOGRAMS); t++) {
    const values = channelValues(split.sample.y, width, t);
    const name = split.targetNames[t] ?? `target ${t}`;
    figures.push(
      await figure(
        () => histogramChart({ title: `target ${name}`, panels: [{ title: 'as given', axisTitle: 'target value (data units)', series: [{ name: 'train', values }] }] }),
        `Continuous targets from ${formatNumber(labels.min)} to ${formatNumber(labels.max)} (whole file).`,
      ),
    );
  }
  return figures;
}

function className(split: LoadedSplit, id: number, encoding: string): string {
  const name = split.classNames?.[id];
  if (name !== undefined) return `${name} (${id})`;
  if (encoding === 'one-hot' || encoding === 'multi-hot') return split.targetNames[id] ?? `column ${id}`;
  return String(id);
}
