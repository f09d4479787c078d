// Shape inference and parameter counts over the internal model description.
import type { LayerSpec } from '../config/types.ts';

export interface LayerSummary {
  index: number;
  layer: LayerSpec;
  inputShape: number[]; // without batch
  outputShape: number[];
  params: number;
  /** the effective activation of this layer's output (an `activation` layer right after counts) */
  activation: string;
}

export interface ModelSummary {
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  outputShape: number[];
  outputUnits: number;
  /** activation of the model output, counting trailing `activation` layers; softmax twice is 'softmax+softmax' */
  finalActivation: string;
  /** index into layers of the last dense/conv/rnn layer */
  finalLayerIndex: number;
  hasNormalization: boolean;
  hasDropout: boolean;
  maxDropout: number;
  maxPenalty: number; // largest l1/l2 factor on any layer
  /** shape problems found while inferring (a layer that does not fit its input) */
  problems: { layerIndex: number; message: string }[];
}
