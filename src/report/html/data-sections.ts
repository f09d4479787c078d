// The figures of each data section of one config, drawn from the report's chart-ready data.
import { DATA_SECTIONS, type DataCharts } from '../chart-data.ts';
import { renderDataFigure } from './data-figures.ts';
import type { SectionId } from './sections.ts';

export async function dataFiguresFor(charts: DataCharts): Promise<Map<SectionId, string[]>> {
  const figures = new Map<SectionId, string[]>();
  for (const section of DATA_SECTIONS) {
    const list = charts.figures[section];
    if (!list) continue;
    const drawn: string[] = [];
    for (const data of list) drawn.push(await renderDataFigure(data));
    figures.set(section, drawn);
  }
  return figures;
}
