// The report's sections, their titles and order; which section a finding goes to is its check's metadata.
import { checksById } from '../../checks/index.ts';
import type { ReportSection } from '../../checks/types.ts';

export type SectionId = ReportSection;

export const SECTION_TITLES: Record<SectionId, string> = {
  scales: 'Input scale',
  histograms: 'Feature values before and after preprocessing',
  images: 'Images as the model receives them',
  labels: 'Labels',
  loss: 'Loss curves and control runs',
  gradients: 'Gradients by layer',
  units: 'Dead and saturated units',
  other: 'Other findings',
};

/** Order of the sections in the report: data first (as the model sees it), then the smoke run. */
export const SECTION_ORDER: SectionId[] = ['scales', 'histograms', 'images', 'labels', 'loss', 'gradients', 'units', 'other'];

/**
 * Each check names its section in its metadata; findings of unknown ids (a report from another version)
 * and checks whose evidence no chart shows go to `other`.
 */
export function sectionOfCheck(id: string): SectionId {
  return checksById.get(id)?.meta.section ?? 'other';
}
