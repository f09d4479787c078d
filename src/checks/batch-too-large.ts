import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { docsPath } from './shared.ts';
import { replaceValue } from './locate.ts';

export const MIN_UPDATES_PER_EPOCH = 10;
export const MAX_BATCH_FRACTION = 0.25;

/** Largest power of two that still gives the minimum number of updates per epoch. */
export function suggestedBatchSize(rows: number): number {
  const limit = Math.max(1, Math.floor(rows / MIN_UPDATES_PER_EPOCH));
  return 2 ** Math.floor(Math.log2(limit));
}

export const check: Check = {
  meta: { id: 'batch-too-large', title: 'Batch size too large for the data', pitfall: 'batch size', kind: 'static+smoke', defaultSeverity: 'warning', docs: docsPath('batch-too-large'), needs: ['data'] },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const rows = data.train.split.rows;
    const batch = evidence.config.training.batch_size;
    if (rows <= 0 || batch <= 0) return [];
    const updates = Math.ceil(rows / batch);
    const exceeds = batch > rows;
    if (!exceeds && batch < MAX_BATCH_FRACTION * rows && updates >= MIN_UPDATES_PER_EPOCH) return [];
    const suggested = suggestedBatchSize(rows);
    // Severity by evidence: full-batch or quarter-of-the-data batches still train (a warning); a batch below a
    // quarter of the rows that only gives few updates per epoch is ordinary on a small dataset (a notice).
    const large = exceeds || batch >= MAX_BATCH_FRACTION * rows;
    return [{
      severity: large ? 'warning' : 'notice',
      message: exceeds
        ? `batch_size is ${batch} but the training set has only ${rows} rows. Every "batch" is the whole set, so training is full-batch gradient descent with one update per epoch: ` +
          `${evidence.config.training.epochs ?? 'all'} epochs give only that many updates, and the settings were probably meant for a larger dataset.`
        : `batch_size ${batch} on ${rows} training rows gives ${updates} weight update${updates === 1 ? '' : 's'} per epoch (expected at least ${MIN_UPDATES_PER_EPOCH}, with a batch below ${MAX_BATCH_FRACTION * 100}% of the rows). ` +
          'Few, large steps make slow progress per sample seen and lose the gradient noise that helps generalization.',
      fix: `Use a batch size of at most ${suggested} (${Math.ceil(rows / suggested)} updates per epoch).`,
      key: 'training.batch_size',
      evidence: { batchSize: batch, trainRows: rows, updatesPerEpoch: updates, suggested },
      suggestion: replaceValue(evidence.source, 'training.batch_size', String(suggested)),
    }];
  },
};
