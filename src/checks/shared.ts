// Small vocabulary the checks share: number formatting, key paths of layers, loss and activation families.
import type { LayerSpec } from '../config/types.ts';
import type { Evidence, LabelSummary } from '../evidence/types.ts';
import type { LayerSummary } from '../model/types.ts';
import type { CheckMeta } from './types.ts';

export function docsPath(id: string): string {
  return `docs/checks/${id}.md`;
}

/** The metadata every check has; the check adds what it owns (section, chart, fix, messages). */
export type BaseMeta = Omit<CheckMeta, 'section' | 'chart'>;

export function staticMeta(
  id: string,
  title: string,
  pitfall: string,
  defaultSeverity: CheckMeta['defaultSeverity'],
  needs: CheckMeta['needs'] = [],
): BaseMeta {
  return { id, title, pitfall, kind: 'static', defaultSeverity, docs: docsPath(id), needs };
}

/** Three significant digits, no exponent noise for ordinary numbers: 0.001, 3, 1.2e+06. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1e6 || abs < 1e-4) return n.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(n.toPrecision(3)));
}

export function isFiniteNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** Middle value of the finite entries, NaN when there are none. */
export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** `a, b and 3 more` for messages that name columns or layers. */
export function nameList(names: readonly string[], max = 4): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The config key of a layer (or one of its arguments); a layer from a Keras file points at `model.keras`. */
export function layerKey(layer: LayerSpec, arg?: string): string {
  if (!layer.keyPath) return 'model.keras';
  return arg ? `${layer.keyPath}.${arg}` : layer.keyPath;
}

/** Layers with a kernel that the signal passes through, in order. */
export const WEIGHTED_LAYER_TYPES = new Set(['dense', 'conv1d', 'conv2d']);
/** Layers that change neither the values' scale nor their linearity (for "what comes next"). */
export const PASS_THROUGH_TYPES = new Set([
  'dropout',
  'flatten',
  'reshape',
  'batch_normalization',
  'layer_normalization',
  'max_pooling1d',
  'max_pooling2d',
  'average_pooling2d',
  'global_average_pooling2d',
]);

// Defined with the other activation families; re-exported so the checks keep one import.
export { RELU_FAMILY, SATURATING } from '../model/activation-families.ts';

export const CROSSENTROPY_LOSSES = new Set(['binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy']);
export const REGRESSION_LOSSES = new Set([
  'mean_squared_error',
  'mean_absolute_error',
  'mean_absolute_percentage_error',
  'mean_squared_logarithmic_error',
  'huber',
  'log_cosh',
]);

/** Adaptive optimizers take per-parameter steps of about the learning rate itself, so their sane range is lower. */
export function isAdaptiveOptimizer(name: string): boolean {
  // `SGD` is torch.optim's spelling (framework: pytorch).
  return name.toLowerCase() !== 'sgd';
}

/** The width a layer outputs: units for dense/rnn, filters for conv. */
export function layerWidth(layer: LayerSpec): number | undefined {
  return layer.units ?? layer.filters;
}

/**
 * The layer whose `activation` sets the model output: a trailing `activation` layer when there is one,
 * else the last weighted layer.
 */
export function outputActivationLayer(evidence: Evidence): LayerSummary | undefined {
  const { layers, finalLayerIndex } = evidence.model;
  for (let i = layers.length - 1; i > finalLayerIndex; i--) {
    if (layers[i].layer.type === 'activation') return layers[i];
  }
  return layers[finalLayerIndex];
}

/** Base activation of the output, without a doubled suffix (`softmax+softmax` -> `softmax`). */
export function finalActivationName(evidence: Evidence): string {
  const parts = evidence.model.finalActivation.split('+');
  return parts[parts.length - 1] || 'linear';
}

/** The range each output activation can produce. */
export function activationRange(activation: string): { low: number; high: number } | undefined {
  switch (activation) {
    case 'sigmoid':
    case 'softmax':
    case 'hard_sigmoid':
      return { low: 0, high: 1 };
    case 'tanh':
    case 'softsign':
      return { low: -1, high: 1 };
    case 'relu':
    case 'softplus':
    case 'exponential':
      return { low: 0, high: Number.POSITIVE_INFINITY };
    case 'relu6':
      return { low: 0, high: 6 };
    case 'elu':
      return { low: -1, high: Number.POSITIVE_INFINITY };
    case 'selu':
      return { low: -1.7581, high: Number.POSITIVE_INFINITY };
    default:
      return undefined;
  }
}

/** A suggestion for the output activation line of a layers-config model. */
export function activationKeyOf(summary: LayerSummary | undefined): string {
  if (!summary) return 'model';
  return layerKey(summary.layer, 'activation');
}

export function smokeMeta(id: string, title: string, pitfall: string, defaultSeverity: CheckMeta['defaultSeverity']): BaseMeta {
  return { id, title, pitfall, kind: 'smoke', defaultSeverity, docs: docsPath(id), needs: ['smoke'] };
}

/** The config key of the layer a smoke probe names (probes index into the model summary). */
export function probeKey(evidence: Evidence, index: number): string {
  const layer = evidence.model.layers[index]?.layer;
  return layer ? layerKey(layer) : 'model.layers';
}

/** The labels as the network sees them, after the declared target preprocessing (evidence/build.ts). */
export function seenLabels(evidence: Evidence): LabelSummary | undefined {
  return evidence.data ? (evidence.data.seenLabels ?? evidence.data.labels) : undefined;
}

/**
 * The inputs are indices into an Embedding layer (token ids), not magnitudes: scaling them would break
 * the lookup, so the input-scale checks do not apply.
 */
export function inputsAreEmbeddingIds(evidence: Evidence): boolean {
  const first = evidence.config.model.layers.find((l) => l.type !== 'input');
  return first?.type === 'embedding';
}
