// Chart-ready run data: what the HTML page and the Mermaid evidence charts draw from a config's data,
// kept in the Report (and report.json) so that every renderer, including a merge-reports job that has
// only the JSON, draws the same pictures. Built once from the evidence by build-chart-data.ts.
import type { BinnedHistogramInput, FeatureScaleChartInput, LabelDistributionInput, ValueRangeChartInput } from './charts/index.ts';

/** The report sections that draw the data (the smoke run's sections draw the smoke summary). */
export type DataSectionId = 'scales' | 'histograms' | 'images' | 'labels';
export const DATA_SECTIONS: readonly DataSectionId[] = ['scales', 'histograms', 'images', 'labels'];

export interface SampleImageTile {
  /** a PNG as a `data:image/png;base64,` URI */
  dataUri: string;
  width: number;
  height: number;
  label: string;
  /** 1-based row / image number in the file */
  row: number;
}

/** One figure of a data section: a chart's input, a grid of sample images, or a note. */
export type DataFigure =
  | { kind: 'feature-scales'; chart: FeatureScaleChartInput; caption: string }
  | { kind: 'histogram'; chart: BinnedHistogramInput; caption?: string }
  | { kind: 'value-ranges'; chart: ValueRangeChartInput; caption?: string }
  | { kind: 'label-distribution'; chart: LabelDistributionInput; caption: string }
  | { kind: 'images'; images: SampleImageTile[]; caption: string }
  | { kind: 'note'; text: string };

/** Each input feature's standard deviation after the declared preprocessing (NaN when undefined). */
export interface FeatureStd {
  name: string;
  train: number;
  validation?: number;
}

export interface DataCharts {
  /** figures per data section, in the order they are shown */
  figures: Partial<Record<DataSectionId, DataFigure[]>>;
  /** the Mermaid feature-scale chart's numbers, at most MAX_FEATURE_STDS features */
  featureStd: FeatureStd[];
  /** input features in the data (more than featureStd holds when it was cut) */
  featureCount: number;
}

/** Enough for any chart (the Mermaid chart shows 40, the HTML one 60), few enough to keep report.json small. */
export const MAX_FEATURE_STDS = 2_000;
