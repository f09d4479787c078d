// Config changes that more than one check proposes as its fix; each check names its own in `meta.fix`.
import type { InitializerSpec } from '../config/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Finding, FixVariant } from './types.ts';
import { copyConfig } from '../config/copy.ts';
import { describeInputs, isPerColumn } from '../config/column-preprocessing.ts';
import { isFiniteNumber, RELU_FAMILY, WEIGHTED_LAYER_TYPES } from './shared.ts';

/** Standardize every input column (one-hot columns of a per-column declaration stay one-hot). */
export function standardizeInputs(evidence: Evidence): FixVariant | undefined {
  const inputs = evidence.config.preprocessing.inputs;
  if (inputs === 'standardize') return undefined;
  const config = copyConfig(evidence.config);
  if (isPerColumn(inputs)) {
    const columns = Object.fromEntries(Object.entries(inputs.columns).map(([c, how]) => [c, how === 'one_hot' ? how : 'standardize'] as const));
    config.preprocessing.inputs = { columns, others: 'standardize' };
    const next = describeInputs(config.preprocessing.inputs);
    return next === describeInputs(inputs) ? undefined : { change: `preprocessing.inputs: ${next}`, config };
  }
  config.preprocessing.inputs = 'standardize';
  return { change: 'preprocessing.inputs: standardize', config };
}

/** The rate the finding suggests (`evidence.suggested`), when it suggests one. */
export function suggestedLearningRate(evidence: Evidence, finding: Finding): FixVariant | undefined {
  const suggested = finding.evidence.suggested;
  if (!isFiniteNumber(suggested) || suggested <= 0 || suggested === evidence.config.training.learning_rate) return undefined;
  const config = copyConfig(evidence.config);
  config.training.learning_rate = suggested;
  return { change: `training.learning_rate: ${Number(suggested.toPrecision(3))}`, config };
}

/** He for the ReLU family, Glorot otherwise: each layer then keeps the scale of its input. */
export function matchedInitializers(evidence: Evidence): FixVariant | undefined {
  const config = copyConfig(evidence.config);
  const changed: string[] = [];
  for (const layer of config.model.layers) {
    if (!WEIGHTED_LAYER_TYPES.has(layer.type)) continue;
    const wanted: InitializerSpec = { name: RELU_FAMILY.has(layer.activation ?? 'linear') ? 'he_normal' : 'glorot_uniform' };
    if (layer.kernel_initializer?.name === wanted.name) continue;
    layer.kernel_initializer = wanted;
    changed.push(`${layer.keyPath ?? layer.name}.kernel_initializer: ${wanted.name}`);
  }
  if (changed.length === 0) return undefined;
  return { change: changed.length === 1 ? changed[0] : `kernel_initializer matched to each layer's activation (${changed.length} layers)`, config };
}

/** Sets the output layer's activation and drops trailing `activation` layers that would override it. */
export function withOutputActivation(evidence: Evidence, activation: string): FixVariant | undefined {
  const { finalLayerIndex, layers } = evidence.model;
  const finalLayer = layers[finalLayerIndex]?.layer;
  if (!finalLayer || evidence.model.finalActivation === activation) return undefined;
  const config = copyConfig(evidence.config);
  const specIndex = config.model.layers.findIndex((layer) => layer.name === finalLayer.name);
  if (specIndex < 0) return undefined;
  config.model.layers[specIndex].activation = activation;
  config.model.layers = config.model.layers.filter((layer, i) => i <= specIndex || layer.type !== 'activation');
  return { change: `${finalLayer.keyPath ?? 'output layer'}.activation: ${activation}`, config };
}
