// Words a config borrows from PyTorch (or Keras class names) where the config's own word differs:
// `type: linear`, `out_features`, `type: relu`. Each refusal then says what to write instead.
import { ownEntry } from '../own-entry.ts';
import { canonicalActivation } from './names.ts';

export interface ForeignHint {
  /** the word to write instead, when there is one */
  key?: string;
  /** what the problem's `expected` says */
  expected: string;
  note: string;
}

/** torch.nn module names (lower-case, without `nn.`) and the layer type they are here. */
const TORCH_LAYER_TYPES: Record<string, { type: string; note?: string }> = {
  linear: { type: 'dense', note: "PyTorch's `nn.Linear(in, out)` is `{type: dense, units: out}`" },
  lazylinear: { type: 'dense' },
  conv1d: { type: 'conv1d' },
  conv2d: { type: 'conv2d' },
  batchnorm1d: { type: 'batch_normalization' },
  batchnorm2d: { type: 'batch_normalization' },
  batchnorm: { type: 'batch_normalization' },
  layernorm: { type: 'layer_normalization' },
  maxpool1d: { type: 'max_pooling1d' },
  maxpool2d: { type: 'max_pooling2d' },
  avgpool2d: { type: 'average_pooling2d' },
  adaptiveavgpool2d: { type: 'global_average_pooling2d', note: '`nn.AdaptiveAvgPool2d(1)` followed by a flatten is `{type: global_average_pooling2d}`' },
  rnn: { type: 'simple_rnn' },
  simplernn: { type: 'simple_rnn' },
  unflatten: { type: 'reshape' },
  view: { type: 'reshape' },
};

/**
 * `linear` -> dense (nn.Linear), `relu` -> an activation layer, `MaxPool2d` -> max_pooling2d. Undefined when
 * the word is no known foreign name (the caller then offers the closest type by spelling).
 */
export function foreignLayerType(written: string): ForeignHint | undefined {
  const bare = written
    .trim()
    .replace(/^(torch\.)?nn\./, '')
    .toLowerCase();
  const torch = ownEntry(TORCH_LAYER_TYPES, bare);
  if (torch && torch.type !== bare) {
    return {
      key: torch.type,
      expected: torch.type,
      note: torch.note ?? `PyTorch's \`nn.${written.replace(/^(torch\.)?nn\./, '')}\` is \`type: ${torch.type}\` here`,
    };
  }
  // `type: relu` / `nn.ReLU` / Keras `ReLU` / `Softmax` layers: an activation is its own layer type.
  const activation = canonicalActivation(bare) ?? canonicalActivation(bare.replace(/_/g, ''));
  if (activation !== undefined && activation !== 'linear') {
    const layer = `{type: activation, activation: ${activation}}`;
    return {
      expected: layer,
      note: `an activation is written as its own layer, \`${layer}\`, or as \`activation: ${activation}\` on the dense/conv layer before it`,
    };
  }
  return undefined;
}

/** PyTorch argument names of layers and the config's words for them (only offered where that word is allowed). */
const TORCH_LAYER_KEYS: Record<string, { key?: string; note: string; expected?: string }> = {
  out_features: { key: 'units', note: "PyTorch's `out_features` is `units` here" },
  hidden_size: { key: 'units', note: "PyTorch's `hidden_size` is `units` here" },
  out_channels: { key: 'filters', note: "PyTorch's `out_channels` is `filters` here" },
  num_embeddings: { key: 'input_dim', note: "PyTorch's `num_embeddings` is `input_dim` here" },
  embedding_dim: { key: 'output_dim', note: "PyTorch's `embedding_dim` is `output_dim` here" },
  p: { key: 'rate', note: "PyTorch's dropout probability `p` is `rate` here" },
  stride: { key: 'strides', note: "PyTorch's `stride` is `strides` here" },
  bias: { key: 'use_bias', note: "PyTorch's `bias: false` is `use_bias: false` here" },
  eps: { key: 'epsilon', note: "PyTorch's `eps` is `epsilon` here" },
  negative_slope: { key: 'alpha', note: "PyTorch's `negative_slope` is `alpha` here" },
  in_features: {
    note: "a layer's input size is not written here: it is the previous layer's output (for the first layer, `model.input_shape` or the data's width); remove `in_features`",
    expected: 'no in_features (the input size is inferred)',
  },
  in_channels: {
    note: "a layer's input channels are not written here: they are the previous layer's filters (for the first layer, the data's channels); remove `in_channels`",
    expected: 'no in_channels (the input channels are inferred)',
  },
  num_features: {
    note: 'normalization layers take their size from their input; remove `num_features`',
    expected: 'no num_features (the size is inferred)',
  },
  normalized_shape: {
    note: 'layer_normalization takes its size from its input; remove `normalized_shape`',
    expected: 'no normalized_shape (the size is inferred)',
  },
  batch_first: {
    note: "recurrent layers here always take (batch, time, features), PyTorch's `batch_first=True`; remove `batch_first`",
    expected: 'no batch_first (always batch-first)',
  },
  inplace: { note: '`inplace` changes nothing about training; remove it', expected: 'no inplace' },
  dim: { note: 'softmax and log_softmax apply over the last axis (the class axis); remove `dim`', expected: 'no dim' },
};

export function foreignKeyHint(key: string, allowed: readonly string[]): ForeignHint | undefined {
  const hint = ownEntry(TORCH_LAYER_KEYS, key);
  if (hint === undefined) return undefined;
  if (hint.key !== undefined) return allowed.includes(hint.key) ? { key: hint.key, expected: hint.key, note: hint.note } : undefined;
  // Explanations only make sense on a layer (where `type` is allowed).
  return allowed.includes('type') ? { expected: hint.expected ?? `no ${key}`, note: hint.note } : undefined;
}
