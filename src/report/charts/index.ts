// Charts for the reports: each function takes plain numbers and returns one themed SVG string.
export { featureScaleChart } from './feature-scale-chart.ts';
export type { FeatureScale, FeatureScaleChartInput, MeanStd } from './feature-scale-chart.ts';
export { binHistogram, binnedHistogramChart, histogramChart } from './histogram-chart.ts';
export type { BinnedHistogramInput, BinnedHistogramPanel, BinnedSeries, HistogramChartInput, HistogramPanel, HistogramSeries } from './histogram-chart.ts';
export { labelDistributionChart, MAX_CLASS_BARS } from './label-distribution-chart.ts';
export type { ClassCount, LabelDistributionInput } from './label-distribution-chart.ts';
export { lossCurvesChart } from './loss-curves-chart.ts';
export type { CurveMarker, CurvePoint, CurveSeries, LossCurvesInput } from './loss-curves-chart.ts';
export { layerBarChart } from './layer-bar-chart.ts';
export type { LayerBarInput, LayerBarSeries, ReferenceLine } from './layer-bar-chart.ts';
export { CATEGORY_PALETTE, SERIES_COLORS } from './theme.ts';
export { valueRangeChart } from './value-range-chart.ts';
export type { ValueRange, ValueRangeChartInput } from './value-range-chart.ts';
