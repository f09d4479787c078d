// For each check whose fix is a config change, that change as a transform of the config (and, for a
// dropped feature, of the data sample). One table, so which fixes can be proven is visible at a glance.
import type { InitializerSpec, PreflightConfig } from '../config/types.ts';
import type { LoadedSplit } from '../data/types.ts';
import type { Evidence } from '../evidence/types.ts';
import type { Finding } from '../checks/types.ts';
import { CROSSENTROPY_LOSSES, isFiniteNumber, RELU_FAMILY, REGRESSION_LOSSES } from '../checks/shared.ts';
import { copyConfig, withoutFeatures } from '../evidence/variant.ts';
import { describeInputs, isPerColumn } from '../config/column-preprocessing.ts';
import { ownEntry } from '../own-entry.ts';

export interface FixVariant {
  /** the change in the config's words, e.g. `preprocessing.inputs: standardize` */
  change: string;
  config: PreflightConfig;
  /** replacement data splits, when the fix changes which columns the model sees */
  splits?: { train: LoadedSplit; validation?: LoadedSplit };
}

type FixTransform = (evidence: Evidence, finding: Finding) => FixVariant | undefined;

const WEIGHTED = new Set(['dense', 'conv1d', 'conv2d']);

function standardizeInputs(evidence: Evidence): FixVariant | undefined {
  const inputs = evidence.config.preprocessing.inputs;
  if (inputs === 'standardize') return undefined;
  const config = copyConfig(evidence.config);
  if (isPerColumn(inputs)) {
    // keep the one-hot columns; every other column is standardized
    const columns = Object.fromEntries(Object.entries(inputs.columns).map(([c, how]) => [c, how === 'one_hot' ? how : 'standardize'] as const));
    config.preprocessing.inputs = { columns, others: 'standardize' };
    const next = describeInputs(config.preprocessing.inputs);
    return next === describeInputs(inputs) ? undefined : { change: `preprocessing.inputs: ${next}`, config };
  }
  config.preprocessing.inputs = 'standardize';
  return { change: 'preprocessing.inputs: standardize', config };
}

function standardizeTargets(evidence: Evidence): FixVariant | undefined {
  if (evidence.task !== 'regression' || evidence.config.preprocessing.targets === 'standardize') return undefined;
  const config = copyConfig(evidence.config);
  config.preprocessing.targets = 'standardize';
  return { change: 'preprocessing.targets: standardize', config };
}

function suggestedLearningRate(evidence: Evidence, finding: Finding): FixVariant | undefined {
  const suggested = finding.evidence.suggested;
  if (!isFiniteNumber(suggested) || suggested <= 0 || suggested === evidence.config.training.learning_rate) return undefined;
  const config = copyConfig(evidence.config);
  config.training.learning_rate = suggested;
  return { change: `training.learning_rate: ${Number(suggested.toPrecision(3))}`, config };
}

function smallerBatch(evidence: Evidence, finding: Finding): FixVariant | undefined {
  const suggested = finding.evidence.suggested;
  if (!isFiniteNumber(suggested) || suggested < 1 || suggested >= evidence.config.training.batch_size) return undefined;
  const config = copyConfig(evidence.config);
  config.training.batch_size = Math.floor(suggested);
  return { change: `training.batch_size: ${Math.floor(suggested)}`, config };
}

/** The output activation the loss expects: probabilities for crossentropy, raw values for regression or logits. */
function expectedOutputActivation(config: PreflightConfig): string | undefined {
  const { loss, from_logits: fromLogits } = config.training;
  if (CROSSENTROPY_LOSSES.has(loss)) return fromLogits ? 'linear' : loss === 'binary_crossentropy' ? 'sigmoid' : 'softmax';
  // PyTorch's NLLLoss and KLDivLoss take log-probabilities.
  if (loss === 'nll_loss' || loss === 'kl_div') return 'log_softmax';
  if (REGRESSION_LOSSES.has(loss)) return 'linear';
  return undefined;
}

/** Sets the output layer's activation and drops trailing `activation` layers that would override it. */
function withOutputActivation(evidence: Evidence, activation: string): FixVariant | undefined {
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

function matchingOutputActivation(evidence: Evidence): FixVariant | undefined {
  const wanted = evidence.model.outputUnits === 1 && evidence.model.finalActivation === 'softmax' ? 'sigmoid' : expectedOutputActivation(evidence.config);
  return wanted ? withOutputActivation(evidence, wanted) : undefined;
}

function linearOutputForRegression(evidence: Evidence): FixVariant | undefined {
  if (!REGRESSION_LOSSES.has(evidence.config.training.loss)) return undefined;
  return withOutputActivation(evidence, 'linear');
}

/** He for the ReLU family, Glorot otherwise: each layer then keeps the scale of its input. */
function matchedInitializers(evidence: Evidence): FixVariant | undefined {
  const config = copyConfig(evidence.config);
  const changed: string[] = [];
  for (const layer of config.model.layers) {
    if (!WEIGHTED.has(layer.type)) continue;
    const wanted: InitializerSpec = { name: RELU_FAMILY.has(layer.activation ?? 'linear') ? 'he_normal' : 'glorot_uniform' };
    if (layer.kernel_initializer?.name === wanted.name) continue;
    layer.kernel_initializer = wanted;
    changed.push(`${layer.keyPath ?? layer.name}.kernel_initializer: ${wanted.name}`);
  }
  if (changed.length === 0) return undefined;
  return { change: changed.length === 1 ? changed[0] : `kernel_initializer matched to each layer's activation (${changed.length} layers)`, config };
}

function dropConstantFeatures(evidence: Evidence, finding: Finding): FixVariant | undefined {
  const columns = finding.evidence.columns;
  if (!Array.isArray(columns) || !evidence.data) return undefined;
  const names = columns.map((c) => (c as { name?: unknown }).name).filter((n): n is string => typeof n === 'string');
  const train = withoutFeatures(evidence.data.train.split, names);
  const validationSplit = evidence.data.validation?.split;
  const validation = validationSplit ? withoutFeatures(validationSplit, names) : undefined;
  if (!train || (validationSplit && !validation)) return undefined;
  const config = copyConfig(evidence.config);
  config.data.features = train.featureNames;
  if (config.model.input_shape) config.model.input_shape = [train.featureNames.length];
  return { change: `drop the constant feature${names.length === 1 ? '' : 's'} ${names.join(', ')} from data.features`, config, splits: { train, validation } };
}

/** ReLU on every linear hidden layer at once: the check reports each one, and one run proves them all. */
function hiddenActivation(evidence: Evidence): FixVariant | undefined {
  const hidden = evidence.model.layers.filter((s) => s.index < evidence.model.finalLayerIndex && WEIGHTED.has(s.layer.type) && s.activation === 'linear');
  if (hidden.length === 0) return undefined;
  const config = copyConfig(evidence.config);
  const names = new Set(hidden.map((s) => s.layer.name));
  const changed = config.model.layers.filter((layer) => names.has(layer.name));
  for (const layer of changed) layer.activation = 'relu';
  return { change: changed.length === 1 ? `${changed[0].keyPath ?? changed[0].name}.activation: relu` : `activation: relu on the ${changed.length} linear hidden layers`, config };
}

/** Check id -> the config change its fix describes. */
export const FIX_TRANSFORMS: Readonly<Record<string, FixTransform>> = {
  'batch-too-large': smallerBatch,
  'constant-feature': dropConstantFeatures,
  'constant-initialization': matchedInitializers,
  'feature-scale-spread': standardizeInputs,
  'init-scale-mismatch': matchedInitializers,
  'learning-rate-too-high': suggestedLearningRate,
  'learning-rate-too-low': suggestedLearningRate,
  'missing-hidden-activation': hiddenActivation,
  'output-activation-mismatch': matchingOutputActivation,
  'target-out-of-activation-range': linearOutputForRegression,
  'unscaled-inputs': standardizeInputs,
  'unscaled-targets': standardizeTargets,
};

export function fixVariantFor(evidence: Evidence, finding: Finding): FixVariant | undefined {
  const transform = ownEntry(FIX_TRANSFORMS, finding.id);
  return transform ? transform(evidence, finding) : undefined;
}
