import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { fmt, staticMeta } from './shared.ts';

export const PARAMS_PER_ROW = 10;

export const check: Check = {
  meta: staticMeta('no-regularization', 'Large model without any regularization', 'regularization', 'notice', ['data']),
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const rows = data.train.split.rows;
    const params = evidence.model.trainableParams;
    const { weight_decay: weightDecay, early_stopping: earlyStopping } = evidence.config.training;
    const m = evidence.model;
    const regularized = m.hasDropout || m.maxPenalty > 0 || weightDecay > 0 || m.hasNormalization || earlyStopping;
    if (regularized || rows <= 0 || params <= PARAMS_PER_ROW * rows) return [];
    return [{
      message:
        `The model has ${params} trainable parameters for ${rows} training rows (${fmt(params / rows)} per row, flagged above ${PARAMS_PER_ROW}) and uses no dropout, ` +
        'weight penalty, weight decay, normalization layer or early stopping. A model this large can memorize the training set, so the training loss falls while the validation loss rises.',
      fix: 'Add some regularization: a `{type: dropout, rate: 0.2}` layer after wide layers, a small `kernel_regularizer: {l2: 0.0001}`, `early_stopping: true`, or a narrower model.',
      key: 'model.layers',
      evidence: { trainableParams: params, trainRows: rows, paramsPerRow: params / rows, limit: PARAMS_PER_ROW },
    }];
  },
};
