// What the smoke training run hands to the checks: numbers only, no tensors.

/** How a skipped entry names a requested backend that could not run (reported as a warning). */
export const BACKEND_SKIP_PREFIX = 'smoke run on backend';

/** The TensorFlow.js backends a run may ask for (`auto`: node if installed, else wasm, else cpu). */
export const BACKEND_CHOICES = ['auto', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface LayerProbe {
  /** index into ModelSummary.layers */
  index: number;
  name: string;
  activation: string;
  /** L2 norm of the kernel gradient at each probe step */
  gradNorm: number[];
  /** mean |gradient| of the kernel at each probe step */
  gradMeanAbs: number[];
  /** ||update|| / ||weight|| of the kernel at each probe step */
  updateRatio: number[];
  /** fraction of ReLU-family units never active on the probe batch, at the last probe */
  deadFraction?: number;
  /** fraction of sigmoid/tanh units whose pre-activation sits beyond +-5 on most of the batch */
  saturatedFraction?: number;
}

export interface SignalAtInit {
  layerNames: string[];
  /** std of each layer's output on one batch at initialization */
  activationStd: number[];
  /** gradient norm of each layer's kernel at initialization */
  gradNorm: number[];
}

export interface ControlRuns {
  overfit?: { samples: number; steps: number; startLoss: number; finalLoss: number; accuracy?: number; fitted: boolean };
  zeroedInputs?: { realLosses: number[]; zeroedLosses: number[]; realFinal: number; zeroedFinal: number; pValue: number };
  lrRange?: { lrs: number[]; losses: number[]; divergedAt?: number; bestLr: number; suggestedLr: number };
  widened?: { factor: number; fitted: boolean; finalLoss: number; startLoss: number };
  baseline: { kind: 'mean' | 'prior'; loss: number };
  /**
   * The main run repeated at lower rates (rate / 10, then / 100), run when the main run looks like a rate
   * problem (diverged, huge updates, collapsed to a constant prediction, or a rate above the usual range).
   * A learning-rate-too-high verdict needs one of them to do clearly better.
   */
  lowerRate?: {
    mainFinal: number /** false when the budget cut the runs before one did clearly better */;
    complete?: boolean;
    runs: { learningRate: number; steps: number; losses: number[]; final: number; deadFraction?: number }[];
  };
}

export interface SmokeTrace {
  backend: string;
  seed: number;
  steps: number; // steps actually run
  plannedSteps: number;
  seconds: number;
  stepsPerSecond: number;
  batchSize: number;
  learningRate: number;
  /** training loss at every step */
  loss: number[];
  /** validation loss at each probe step (empty without validation data) */
  valLoss: number[];
  probeSteps: number[];
  initialLoss: number;
  /** the loss a well-initialized model should start at (ln C, target variance), when known */
  expectedInitialLoss?: number;
  firstNonFinite?: { step: number; where: 'loss' | 'gradient' | 'weight'; layer?: string };
  layers: LayerProbe[];
  init: SignalAtInit;
  controls: ControlRuns;
  /** what the time budget or an unsupported layer cut */
  skipped: { what: string; reason: string }[];
  /** how the backend was chosen: fallbacks taken, SIMD, threads */
  backendNotes?: string[];
  /** where the main run's starting weights came from, when the model file carried weights ("loaded 4 Keras weight arrays") */
  initialWeights?: string;
}
