// Which data figures each report section gets for one run's evidence.
import type { Finding } from '../../checks/types.ts';
import type { Evidence } from '../../evidence/types.ts';
import { histogramFigures, imageFigures, labelFigures, processSamples, scaleFigures } from './data-figures.ts';
import { evidenceStrings } from './findings-html.ts';
import { sectionOfCheck } from './sections.ts';
import type { SectionId } from './sections.ts';

export async function dataFiguresFor(evidence: Evidence, findings: readonly Finding[]): Promise<Map<SectionId, string[]>> {
  const figures = new Map<SectionId, string[]>();
  const samples = processSamples(evidence);
  if (!samples) return figures;
  // Features that scaling and value findings name are charted first when there are too many to show all.
  const flagged = evidenceStrings(findings.filter((f) => ['scales', 'histograms'].includes(sectionOfCheck(f.id))));
  figures.set('scales', await scaleFigures(evidence, flagged));
  figures.set('histograms', await histogramFigures(evidence, samples, flagged));
  const images = await imageFigures(evidence, samples);
  if (images.length > 0) figures.set('images', images);
  figures.set('labels', await labelFigures(evidence));
  return figures;
}
