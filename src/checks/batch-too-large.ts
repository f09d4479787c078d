import type { Evidence } from '../evidence/types.ts';
import type { Check, Finding, FindingDraft, FixVariant } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { docsPath, fmt, isFiniteNumber } from './shared.ts';
import { replaceValue } from './locate.ts';
import { copyConfig } from '../config/copy.ts';

export const MIN_UPDATES_PER_EPOCH = 10;
export const MAX_BATCH_FRACTION = 0.25;

/** Largest power of two that still gives the minimum number of updates per epoch. */
export function suggestedBatchSize(rows: number): number {
  const limit = Math.max(1, Math.floor(rows / MIN_UPDATES_PER_EPOCH));
  return 2 ** Math.floor(Math.log2(limit));
}

/** The fix run tries the batch size the finding suggests (`evidence.suggested`). */
function smallerBatch(evidence: Evidence, finding: Finding): FixVariant | undefined {
  const suggested = finding.evidence.suggested;
  if (!isFiniteNumber(suggested) || suggested < 1 || suggested >= evidence.config.training.batch_size) return undefined;
  const config = copyConfig(evidence.config);
  config.training.batch_size = Math.floor(suggested);
  return { change: `training.batch_size: ${Math.floor(suggested)}`, config };
}

export const messages = defineMessages({
  'batch-exceeds-data': says<{ batchSize: number; trainRows: number; epochs?: number }>(
    (d) =>
      `batch_size is ${d.batchSize} but the training set has only ${d.trainRows} rows. Every "batch" is the whole set, so training is full-batch gradient descent with one update per epoch: ` +
      `${d.epochs ?? 'all'} epochs give only that many updates, and the settings were probably meant for a larger dataset.`,
    (d) => `batch_size ${d.batchSize} exceeds the ${d.trainRows} training rows, so every epoch is one full-batch update.`,
  ),
  'few-updates': says<{ batchSize: number; trainRows: number; updatesPerEpoch: number; minUpdates: number; maxFraction: number }>(
    (d) =>
      `batch_size ${d.batchSize} on ${d.trainRows} training rows gives ${d.updatesPerEpoch} weight update${d.updatesPerEpoch === 1 ? '' : 's'} per epoch (expected at least ${d.minUpdates}, with a batch below ${fmt(d.maxFraction * 100)}% of the rows). ` +
      'Few, large steps make slow progress per sample seen and lose the gradient noise that helps generalization.',
    (d) =>
      `batch_size ${d.batchSize} on ${d.trainRows} rows gives ${d.updatesPerEpoch} update${d.updatesPerEpoch === 1 ? '' : 's'} per epoch (expected at least ${d.minUpdates}).`,
  ),
});

export const check: Check = {
  meta: {
    id: 'batch-too-large',
    title: 'Batch size too large for the data',
    pitfall: 'batch size',
    kind: 'static+smoke',
    defaultSeverity: 'warning',
    docs: docsPath('batch-too-large'),
    needs: ['data'],
    section: 'loss',
    fix: smallerBatch,
    messages,
  },
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
    return [
      {
        severity: large ? 'warning' : 'notice',
        message: exceeds
          ? message(messages, 'batch-exceeds-data', { batchSize: batch, trainRows: rows, epochs: evidence.config.training.epochs })
          : message(messages, 'few-updates', {
              batchSize: batch,
              trainRows: rows,
              updatesPerEpoch: updates,
              minUpdates: MIN_UPDATES_PER_EPOCH,
              maxFraction: MAX_BATCH_FRACTION,
            }),
        fix: `Use a batch size of at most ${suggested} (${Math.ceil(rows / suggested)} updates per epoch).`,
        key: 'training.batch_size',
        evidence: { batchSize: batch, trainRows: rows, updatesPerEpoch: updates, suggested },
        suggestion: replaceValue(evidence.source, 'training.batch_size', String(suggested)),
      },
    ];
  },
};
