import type { InitializerSpec, LayerSpec } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { SmokeTrace } from '../engine/types.ts';
import type { LayerSummary } from '../model/types.ts';
import type { Check, FindingDraft } from './types.ts';
import { defineMessages, message, says } from './messages.ts';
import { docsPath, fmt, layerKey, RELU_FAMILY, SATURATING, WEIGHTED_LAYER_TYPES } from './shared.ts';
import { probesInOrder } from './smoke-stats.ts';
import { replaceValue, setFlowMapValue } from './locate.ts';
import { torchInitNote } from './vocabulary.ts';
import { matchedInitializers } from './config-fixes.ts';

/** Growth or shrinkage of the activation scale across the net beyond this factor is flagged. */
export const MAX_SCALE_CHANGE = 10;
const KERAS_DEFAULT_STDDEV = 0.05;
const NORMALIZING = new Set(['batch_normalization', 'layer_normalization']);
const SCALE_KEEPING = new Set([
  'dropout',
  'flatten',
  'reshape',
  'max_pooling1d',
  'max_pooling2d',
  'average_pooling2d',
  'global_average_pooling2d',
  'activation',
]);

function fans(summary: LayerSummary): { fanIn: number; fanOut: number } | undefined {
  const layer = summary.layer;
  const inChannels = summary.inputShape[summary.inputShape.length - 1];
  if (!Number.isFinite(inChannels) || inChannels <= 0) return undefined;
  if (layer.type === 'dense') return layer.units ? { fanIn: inChannels, fanOut: layer.units } : undefined;
  const receptive = (layer.kernel_size ?? []).reduce((a, b) => a * b, 1);
  return layer.filters ? { fanIn: receptive * inChannels, fanOut: receptive * layer.filters } : undefined;
}

/** Weight variance an initializer draws with, as Keras defines it. */
export function initializerVariance(init: InitializerSpec | undefined, fanIn: number, fanOut: number): number | undefined {
  const name = init?.name ?? 'glorot_uniform';
  switch (name) {
    case 'glorot_uniform':
    case 'glorot_normal':
      return 2 / (fanIn + fanOut);
    case 'he_uniform':
    case 'he_normal':
      return 2 / fanIn;
    case 'lecun_uniform':
    case 'lecun_normal':
    case 'orthogonal':
      return 1 / fanIn;
    case 'torch_fan_in_uniform':
      // PyTorch's Linear/Conv default U(+-1/sqrt(fan_in)).
      return 1 / (3 * fanIn);
    case 'random_normal':
    case 'truncated_normal':
    // an ONNX model's exported weights, described by their own standard deviation
    case 'from_onnx':
      return (init?.stddev ?? KERAS_DEFAULT_STDDEV) ** 2;
    case 'random_uniform': {
      const low = init?.minval ?? -KERAS_DEFAULT_STDDEV;
      const high = init?.maxval ?? KERAS_DEFAULT_STDDEV;
      return (high - low) ** 2 / 12;
    }
    default:
      return undefined;
  }
}

/** E[f(z)^2] for z ~ N(0, q): how an activation passes the second moment on (mean-field approximation). */
export function activationSecondMoment(activation: string, q: number): number {
  if (RELU_FAMILY.has(activation)) return q / 2;
  if (activation === 'tanh' || activation === 'softsign') return q / (1 + q);
  if (activation === 'sigmoid' || activation === 'hard_sigmoid') return 0.25 + q / (16 + 4 * q);
  return q;
}

interface LayerScale {
  summary: LayerSummary;
  /** std of this layer's pre-activation relative to the previous weighted layer's */
  factor: number;
  preActivationStd: number;
}

/** Layer-by-layer std of the pre-activations at initialization, for standardized inputs; undefined when a layer is outside the model. */
export function propagateScale(layers: LayerSummary[]): LayerScale[] | undefined {
  let q = 1;
  let previousStd: number | undefined;
  const scales: LayerScale[] = [];
  for (const summary of layers) {
    const type = summary.layer.type;
    if (NORMALIZING.has(type)) {
      q = 1;
      previousStd = undefined;
      continue;
    }
    if (SCALE_KEEPING.has(type)) continue;
    if (!WEIGHTED_LAYER_TYPES.has(type)) return undefined;
    const f = fans(summary);
    const variance = f ? initializerVariance(summary.layer.kernel_initializer, f.fanIn, f.fanOut) : undefined;
    if (!f || variance === undefined) return undefined;
    const preActivation = f.fanIn * variance * q;
    const std = Math.sqrt(preActivation);
    scales.push({ summary, factor: previousStd === undefined ? 1 : std / previousStd, preActivationStd: std });
    previousStd = std;
    q = activationSecondMoment(summary.activation, preActivation);
  }
  return scales;
}

function initializerFor(activation: string): string {
  if (RELU_FAMILY.has(activation)) return 'he_normal';
  if (activation === 'selu') return 'lecun_normal';
  return 'glorot_uniform';
}

function initializerSuggestion(evidence: Evidence, layer: LayerSpec, name: string) {
  if (!layer.keyPath) return undefined;
  return (
    replaceValue(evidence.source, `${layer.keyPath}.kernel_initializer`, name) ?? setFlowMapValue(evidence.source, layer.keyPath, 'kernel_initializer', name)
  );
}

/** The smoke run's measured change across the layers, when it confirms a static finding. */
type Measured = { measuredChange?: number };
const measuredNote = (d: Measured) =>
  d.measuredChange !== undefined
    ? ` Measured at initialization in the smoke run: the last layer's output std is ${fmt(d.measuredChange)} times the first's.`
    : '';

type Propagated = Measured & { change: number; limit: number; layer: string; initializer: string; activation: string; factor: number; alike: number };

export const messages = defineMessages({
  'he-on-saturating': says<Measured & { layer: string; initializer: string; activation: string }>(
    (d) =>
      `Layer ${d.layer} uses ${d.initializer} with a ${d.activation} activation. He initialization doubles the variance for ReLU, which halves it; on ${d.activation} it pushes pre-activations into the flat, saturated ends where the gradient vanishes.${measuredNote(d)}`,
    (d) => `Layer ${d.layer} uses ${d.initializer} with a ${d.activation} activation, which pushes it into saturation.`,
  ),
  'scale-propagates': says<Propagated>(
    (d) =>
      `At initialization the activation scale ${d.change > 1 ? 'grows' : 'shrinks'} by about ${fmt(d.change > 1 ? d.change : 1 / d.change)}x from the first to the last weighted layer ` +
      `(estimated from fan-in, initializer variance and activation gain; expected within ${d.limit}x). ${d.layer} (${d.initializer}, ${d.activation}) ` +
      `multiplies it by ${fmt(d.factor)} on its own${d.alike > 1 ? `, and ${d.alike - 1} more layer${d.alike > 2 ? 's do' : ' does'} the same` : ''}. ` +
      `${d.change > 1 ? 'Outputs and gradients explode, so the first steps overshoot or turn NaN.' : 'Signals and gradients fade to nothing before they reach the early layers.'}${measuredNote(d)}`,
    (d) =>
      `At initialization the activation scale ${d.change > 1 ? 'grows' : 'shrinks'} about ${fmt(d.change > 1 ? d.change : 1 / d.change)}x across the layers (limit ${d.limit}x); ${d.layer} alone multiplies it by ${fmt(d.factor)}.`,
  ),
  'measured-scale-change': says<{ firstStd: number; lastStd: number; measuredChange: number; limit: number }>(
    (d) =>
      `At initialization the smoke run measured activation stds from ${fmt(d.firstStd)} in the first layer to ${fmt(d.lastStd)} in the last, a ${fmt(d.measuredChange)}x change (expected within ${d.limit}x either way). ` +
      'The initializers do not preserve the signal scale, so the gradients reaching early layers are far too large or too small.',
    (d) => `At initialization the activation std changes ${fmt(d.measuredChange)}x from the first layer to the last (limit ${d.limit}x either way).`,
  ),
});

function staticFindings(evidence: Evidence, measured: Measured): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const summary of evidence.model.layers) {
    const init = summary.layer.kernel_initializer?.name ?? '';
    if (SATURATING.has(summary.activation) && init.startsWith('he_')) {
      findings.push({
        message: message(messages, 'he-on-saturating', { layer: summary.layer.name, initializer: init, activation: summary.activation, ...measured }),
        fix: `Use \`kernel_initializer: glorot_uniform\` for sigmoid/tanh layers${torchInitNote(evidence.config, 'glorot_uniform')}.`,
        key: layerKey(summary.layer, 'kernel_initializer'),
        evidence: { layer: summary.layer.name, initializer: init, activation: summary.activation },
        suggestion: initializerSuggestion(evidence, summary.layer, 'glorot_uniform'),
      });
    }
  }
  const scales = propagateScale(evidence.model.layers);
  if (!scales || scales.length < 2) return findings;
  const change = scales[scales.length - 1].preActivationStd / scales[0].preActivationStd;
  if (!Number.isFinite(change) || (change <= MAX_SCALE_CHANGE && change >= 1 / MAX_SCALE_CHANGE)) return findings;
  // The first layer that departs (about) most from 1; identical layers tie, and the earliest is the one to fix first.
  const deviations = scales.slice(1).map((s) => Math.abs(Math.log(s.factor)));
  const worst = Math.max(...deviations);
  const culprit = scales[1 + deviations.findIndex((d) => d >= worst - 0.01)];
  const alike = deviations.filter((d) => d >= worst - 0.01).length;
  const layer = culprit.summary.layer;
  const initName = layer.kernel_initializer?.name ?? 'glorot_uniform';
  const better = initializerFor(culprit.summary.activation);
  findings.push({
    message: message(messages, 'scale-propagates', {
      change,
      limit: MAX_SCALE_CHANGE,
      layer: layer.name,
      initializer: initName,
      activation: culprit.summary.activation,
      factor: culprit.factor,
      alike,
      ...measured,
    }),
    fix: `Use the initializer that matches the activation (\`kernel_initializer: ${better}\`${torchInitNote(evidence.config, better)}) so each layer keeps the scale of its input.`,
    key: layerKey(layer, 'kernel_initializer'),
    evidence: {
      scaleChange: change,
      limit: MAX_SCALE_CHANGE,
      perLayer: scales.map((s) => ({ layer: s.summary.layer.name, factor: s.factor, std: s.preActivationStd })),
    },
    suggestion: initializerSuggestion(evidence, layer, better),
  });
  return findings;
}

/** Outputs squashed into probabilities: their std is bounded, whatever scale the signal before them had. */
const BOUNDED_OUTPUTS = new Set(['softmax', 'sigmoid']);

/**
 * The measured output stds of the weighted layers at initialization, without a bounded output layer:
 * comparing probabilities with hidden activations measures the input scale, not the initializers
 * (images-raw-bytes: hidden stds 31 -> 37, softmax output 0.43, a 0.014x "change").
 */
export function measuredStds(evidence: Evidence, smoke: SmokeTrace): number[] {
  const { layerNames, activationStd } = smoke.init;
  const output = evidence.model.layers[evidence.model.finalLayerIndex];
  const bounded = output !== undefined && BOUNDED_OUTPUTS.has(output.activation) && layerNames[layerNames.length - 1] === output.layer.name;
  return (bounded ? activationStd.slice(0, -1) : activationStd).filter((v) => Number.isFinite(v) && v > 0);
}

export const check: Check = {
  meta: {
    id: 'init-scale-mismatch',
    title: 'Initialization scale grows or shrinks across layers',
    pitfall: 'initialization',
    kind: 'static+smoke',
    defaultSeverity: 'warning',
    docs: docsPath('init-scale-mismatch'),
    needs: [],
    section: 'gradients',
    chart: 'gradient-norms',
    fix: matchedInitializers,
    messages,
    mainRunOnly: true,
  },
  run(evidence: Evidence): FindingDraft[] {
    const smoke = evidence.smoke;
    const stds = smoke ? measuredStds(evidence, smoke) : [];
    const measured = stds.length >= 2 ? stds[stds.length - 1] / stds[0] : Number.NaN;
    const measuredOff = Number.isFinite(measured) && (measured > MAX_SCALE_CHANGE || measured < 1 / MAX_SCALE_CHANGE);
    const findings = staticFindings(evidence, measuredOff ? { measuredChange: measured } : {});
    if (findings.length > 0 || !measuredOff || !smoke) return findings;
    const first = probesInOrder(smoke)[0];
    return [
      {
        message: message(messages, 'measured-scale-change', {
          firstStd: stds[0],
          lastStd: stds[stds.length - 1],
          measuredChange: measured,
          limit: MAX_SCALE_CHANGE,
        }),
        fix: "Match each layer's initializer to its activation: he_normal for ReLU-like layers, glorot_uniform for tanh/sigmoid/linear, lecun_normal for selu.",
        key: first ? 'model.layers' : 'model',
        evidence: { measuredChange: measured, activationStd: smoke.init.activationStd, layers: smoke.init.layerNames, limit: MAX_SCALE_CHANGE },
      },
    ];
  },
};
