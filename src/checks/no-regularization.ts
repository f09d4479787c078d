import type { Evidence } from '../evidence/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { fmt, staticMeta } from './shared.ts';

export const PARAMS_PER_ROW = 10;

type Unregularized = { trainableParams: number; trainRows: number; limit: number; onnxEvalExport?: string };

export const messages = defineMessages({
  'large-unregularized': says<Unregularized>(
    (d) =>
      `The model has ${d.trainableParams} trainable parameters for ${d.trainRows} training rows (${fmt(d.trainableParams / d.trainRows)} per row, flagged above ${d.limit}) and uses no dropout, ` +
      `weight penalty, weight decay, normalization layer or early stopping. A model this large can memorize the training set, so the training loss falls while the validation loss rises.` +
      (d.onnxEvalExport !== undefined
        ? ` ${d.onnxEvalExport} was exported in evaluation mode, which drops Dropout layers: if the PyTorch model has nn.Dropout, export it with \`training=torch.onnx.TrainingMode.TRAINING\` so this check sees it.`
        : ''),
    (d) => `The model has ${fmt(d.trainableParams / d.trainRows)} trainable parameters per training row (flagged above ${d.limit}) and no regularization.`,
  ),
});

export const check: Check = {
  meta: { ...staticMeta('no-regularization', 'Large model without any regularization', 'regularization', 'notice', ['data']), section: 'other', messages },
  run(evidence: Evidence): FindingDraft[] {
    const data = evidence.data;
    if (!data) return [];
    const rows = data.train.split.rows;
    const params = evidence.model.trainableParams;
    const { weight_decay: weightDecay, early_stopping: earlyStopping } = evidence.config.training;
    const m = evidence.model;
    const regularized = m.hasDropout || m.maxPenalty > 0 || weightDecay > 0 || m.hasNormalization || earlyStopping;
    if (regularized || rows <= 0 || params <= PARAMS_PER_ROW * rows) return [];
    const origin = evidence.config.model.origin;
    // torch.onnx.export in evaluation mode (its default) leaves Dropout out of the file.
    return [
      {
        message: message(messages, 'large-unregularized', {
          trainableParams: params,
          trainRows: rows,
          limit: PARAMS_PER_ROW,
          onnxEvalExport: origin.kind === 'onnx' && !origin.training_mode ? origin.file : undefined,
        }),
        fix:
          origin.kind === 'onnx'
            ? 'Add some regularization in the model code (an `nn.Dropout(0.2)` after wide layers), weight decay (`training.weight_decay`), `early_stopping: true`, or a narrower model.'
            : 'Add some regularization: a `{type: dropout, rate: 0.2}` layer after wide layers, a small `kernel_regularizer: {l2: 0.0001}`, `early_stopping: true`, or a narrower model.',
        key: origin.kind === 'onnx' ? 'model.onnx' : 'model.layers',
        evidence: { trainableParams: params, trainRows: rows, paramsPerRow: params / rows, limit: PARAMS_PER_ROW },
      },
    ];
  },
};
