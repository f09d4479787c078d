// Which chart shows the evidence of which finding: every check id maps to one report section.

export type SectionId = 'scales' | 'histograms' | 'images' | 'labels' | 'loss' | 'gradients' | 'units' | 'other';

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

const SECTION_OF_CHECK: Record<string, SectionId> = {
  'unscaled-inputs': 'scales',
  'feature-scale-spread': 'scales',
  'validation-distribution-shift': 'scales',
  'constant-feature': 'scales',
  'missing-values': 'histograms',
  'non-numeric-feature': 'histograms',
  'label-encoding-mismatch': 'labels',
  'class-imbalance': 'labels',
  'unscaled-targets': 'labels',
  'target-out-of-activation-range': 'labels',
  'output-units-mismatch': 'labels',
  'loss-not-decreasing': 'loss',
  'initial-loss-off': 'loss',
  'learning-rate-too-high': 'loss',
  'learning-rate-too-low': 'loss',
  'non-finite-loss': 'loss',
  'overfitting-gap': 'loss',
  'cannot-overfit-small-batch': 'loss',
  'input-independent': 'loss',
  'too-few-hidden-units': 'loss',
  'batch-too-large': 'loss',
  'over-regularized': 'loss',
  'no-validation-data': 'loss',
  // beside the loss chart that draws the base run, and the comparison table under it
  'training-regression': 'loss',
  'training-improvement': 'loss',
  'exploding-gradients': 'gradients',
  'vanishing-gradients': 'gradients',
  'init-scale-mismatch': 'gradients',
  'too-deep': 'gradients',
  'dead-relus': 'units',
  'saturated-activations': 'units',
};

/** Findings whose evidence no chart shows (config and data errors, model structure) go to `other`. */
export function sectionOfCheck(id: string): SectionId {
  return Object.hasOwn(SECTION_OF_CHECK, id) ? SECTION_OF_CHECK[id] : 'other';
}
