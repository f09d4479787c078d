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
    const origin = evidence.config.model.origin;
    // torch.onnx.export in evaluation mode (its default) leaves Dropout out of the file.
    const evalExport = origin.kind === 'onnx' && !origin.training_mode
      ? ` ${origin.file} was exported in evaluation mode, which drops Dropout layers: if the PyTorch model has nn.Dropout, export it with \`training=torch.onnx.TrainingMode.TRAINING\` so this check sees it.`
      : '';
    return [{
      message:
        `The model has ${params} trainable parameters for ${rows} training rows (${fmt(params / rows)} per row, flagged above ${PARAMS_PER_ROW}) and uses no dropout, ` +
        `weight penalty, weight decay, normalization layer or early stopping. A model this large can memorize the training set, so the training loss falls while the validation loss rises.${evalExport}`,
      fix: origin.kind === 'onnx'
        ? 'Add some regularization in the model code (an `nn.Dropout(0.2)` after wide layers), weight decay (`training.weight_decay`), `early_stopping: true`, or a narrower model.'
        : 'Add some regularization: a `{type: dropout, rate: 0.2}` layer after wide layers, a small `kernel_regularizer: {l2: 0.0001}`, `early_stopping: true`, or a narrower model.',
      key: origin.kind === 'onnx' ? 'model.onnx' : 'model.layers',
      evidence: { trainableParams: params, trainRows: rows, paramsPerRow: params / rows, limit: PARAMS_PER_ROW },
    }];
  },
};
