// Draws the figures of the data sections from the report's chart-ready data (chart-data.ts).
import { escapeXml } from '../escape.ts';
import { binnedHistogramChart, featureScaleChart, labelDistributionChart, valueRangeChart } from '../charts/index.ts';
import type { DataFigure } from '../chart-data.ts';
import { figure, note } from './figure.ts';

export async function renderDataFigure(data: DataFigure): Promise<string> {
  switch (data.kind) {
    case 'feature-scales':
      return figure(() => featureScaleChart(data.chart), data.caption);
    case 'histogram':
      return figure(() => binnedHistogramChart(data.chart), data.caption);
    case 'value-ranges':
      return figure(() => valueRangeChart(data.chart), data.caption);
    case 'label-distribution':
      return figure(() => labelDistributionChart(data.chart), data.caption);
    case 'images':
      return imageGridHtml(data);
    case 'note':
      return note(data.text);
  }
}

function imageGridHtml(data: Extract<DataFigure, { kind: 'images' }>): string {
  const tiles = data.images
    .map(
      (image) =>
        `<figure class="tile"><img src="${escapeXml(image.dataUri)}" width="${image.width}" height="${image.height}" alt="${escapeXml(`sample ${image.row}, label ${image.label}`)}">` +
        `<figcaption>${escapeXml(image.label)}</figcaption></figure>`,
    )
    .join('');
  return `<div class="image-grid">${tiles}</div>` + note(data.caption);
}
