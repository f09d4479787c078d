// The validated, normalized form of a `*.preflight.yml` (see shared spec CONFIG.md).
// Keys stay snake_case so that a key path in a finding (`training.learning_rate`) is the
// same path the user sees in their YAML.

export type Task = 'regression' | 'binary' | 'multiclass' | 'multilabel';
export type Severity = 'error' | 'warning' | 'notice';
export type SeverityOverride = Severity | 'off';

/** A data split: one file/folder, or a pair of NumPy arrays. Paths are as written in the config. */
export type DataSource = { kind: 'path'; path: string } | { kind: 'arrays'; x: string; y: string };

export type InputPreprocessing = 'none' | 'standardize' | 'minmax' | { scale: number; shift: number } | ColumnPreprocessing;

/** One transform per input column (`inputs: {standardize: [a], one_hot: [plan]}`); unlisted columns take `others`. */
export interface ColumnPreprocessing {
  columns: Record<string, 'none' | 'standardize' | 'minmax' | 'one_hot'>;
  others: 'none' | 'standardize' | 'minmax';
}
export type TargetPreprocessing = 'none' | 'standardize' | 'minmax' | 'one_hot';

export interface InitializerSpec {
  /** Keras snake_case name: glorot_uniform, he_normal, zeros, constant, random_normal, ... */
  name: string;
  value?: number;
  mean?: number;
  stddev?: number;
  minval?: number;
  maxval?: number;
  seed?: number;
}

export interface RegularizerSpec {
  l1: number;
  l2: number;
}

/** Layer types the program knows (CONFIG.md lists the required ones; more may follow). */
export type LayerType =
  | 'input'
  | 'dense'
  | 'dropout'
  | 'batch_normalization'
  | 'layer_normalization'
  | 'activation'
  | 'flatten'
  | 'reshape'
  | 'conv1d'
  | 'conv2d'
  | 'depthwise_conv2d'
  | 'max_pooling1d'
  | 'max_pooling2d'
  | 'average_pooling2d'
  | 'global_average_pooling2d'
  | 'embedding'
  | 'lstm'
  | 'gru'
  | 'simple_rnn'
  | 'add'
  | 'concatenate';

/**
 * One layer of the internal model description, whether it came from `model.layers` or a Keras file.
 * Arguments carry Keras names and Keras defaults filled in by the loader.
 */
export interface LayerSpec {
  type: LayerType;
  name: string;
  /** Key path in the config (`model.layers[2]`) when the layer came from `layers:`; absent for Keras files. */
  keyPath?: string;
  units?: number;
  activation?: string; // normalized Keras activation name; 'linear' when none
  use_bias?: boolean;
  kernel_initializer?: InitializerSpec;
  bias_initializer?: InitializerSpec;
  recurrent_initializer?: InitializerSpec;
  kernel_regularizer?: RegularizerSpec;
  bias_regularizer?: RegularizerSpec;
  filters?: number;
  kernel_size?: number[];
  strides?: number[];
  padding?: 'valid' | 'same';
  pool_size?: number[];
  rate?: number;
  return_sequences?: boolean;
  input_dim?: number;
  output_dim?: number;
  target_shape?: number[];
  /** extra Keras arguments kept verbatim (momentum, epsilon, alpha, ...) */
  extra?: Record<string, unknown>;
  /**
   * Indices into `layers` of the layers whose outputs this layer takes (-1: the model's input), for models
   * with branches (a residual `add`, a `concatenate`). Absent on every layer of a plain stack: each layer
   * then takes the one before it.
   */
  inbound?: number[];
}

/** A Keras layer the program recognised but cannot build or must not run (Lambda, custom objects). */
export interface UnsupportedLayer {
  name: string;
  className: string;
  reason: string;
}

export interface KerasWeights {
  /** weight name -> values and shape, in the layer order of `layers` */
  tensors: { name: string; shape: number[]; values: Float32Array }[];
}

export interface ModelSpec {
  input_shape?: number[]; // without the batch dimension
  layers: LayerSpec[];
  origin: { kind: 'layers' } | { kind: 'keras'; file: string; format: 'keras2' | 'keras3' | 'tfjs' } | OnnxOrigin;
  unsupported: UnsupportedLayer[];
  /** from a Keras file's compile_config / training_config */
  compile?: { loss?: string; optimizer?: OptimizerSpec; learning_rate?: number; from_logits?: boolean };
  weights?: KerasWeights;
  /** why a model file's weights were not used (the smoke run then starts from a fresh init) */
  weights_unused?: string;
}

/** A model read from an ONNX file (`model.onnx`): where it came from and how its tensors are laid out. */
export interface OnnxOrigin {
  kind: 'onnx';
  /** the .onnx path as the report shows it */
  file: string;
  /** producer_name / producer_version of the file: `pytorch` 1.13.0, `tf2onnx` 1.16.1, ... */
  producer: { name: string; version: string };
  /** the default-domain opset the file was exported with */
  opset: number;
  /**
   * 'nchw': the model's input is channels-first (PyTorch convolutions); the layers and `input_shape` here are
   * the Keras channels-last equivalent, so channels-first data must be moved to channels-last before it is fed.
   * 'nhwc': the input is used as it is (no convolution at the input, or a tf2onnx model that transposes itself).
   */
  layout: 'nchw' | 'nhwc';
  /** exported with training=TrainingMode.TRAINING: Dropout and BatchNormalization kept as in training */
  training_mode: boolean;
  /** where the smoke run's layers differ from the ONNX graph's exact arithmetic, in words */
  notes: string[];
}

export interface OptimizerSpec {
  name: 'adam' | 'sgd' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax' | string;
  /** optimizer arguments other than the learning rate (momentum, beta_1, nesterov, ...) */
  args: Record<string, number | boolean>;
  /**
   * 'pytorch': a torch.optim optimizer (name SGD, Adam, AdamW, RMSprop or Adagrad) with PyTorch's
   * semantics, every default filled into `args` (torch names; Adam's betas as beta1 and beta2).
   */
  framework?: 'pytorch';
}

export interface PreflightConfig {
  version: 1;
  name: string;
  task?: Task;
  data: {
    train: DataSource;
    validation?: DataSource;
    features?: string[];
    targets?: string[];
    sample: number;
    /** delimited text only: forced delimiter and decimal mark (otherwise sniffed from the first lines) */
    delimiter?: ',' | ';' | '\t' | '|';
    decimal?: '.' | ',';
  };
  preprocessing: { inputs: InputPreprocessing; targets: TargetPreprocessing };
  model: ModelSpec;
  training: {
    /** whose vocabulary and semantics the config speaks (loss/optimizer names, defaults, initialization, image layout) */
    framework?: 'pytorch' | 'keras'; // always set by normalize.ts; absent (hand-built configs) means keras
    loss: string; // canonical Keras loss name (mse -> mean_squared_error, ...), or a torch-only loss: nll_loss, kl_div, smooth_l1
    /** the torch.nn class name when the config names a PyTorch loss (CrossEntropyLoss), for messages and fixes */
    torch_loss?: string;
    /** loss arguments: SmoothL1Loss `beta`, HuberLoss / huber `delta` */
    loss_args?: { beta?: number; delta?: number };
    from_logits: boolean;
    optimizer: OptimizerSpec;
    learning_rate: number; // explicit, or the optimizer's Keras default
    learning_rate_explicit: boolean;
    batch_size: number;
    epochs?: number;
    weight_decay: number;
    early_stopping: boolean;
    /** Keras `class_weight`: class id -> weight of that class's rows in the loss (others weigh 1) */
    class_weight?: Record<string, number>;
  };
  smoke: { steps: number; seed: number; time_budget_s: number };
  checks: Record<string, SeverityOverride>;
  /** repository-relative globs of files whose change re-checks this config on a pull request */
  watch?: string[];
}

/** Where a key path sits in the config text. Lines and columns are 1-based. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The config file as text, with a map from key paths (`training.learning_rate`, `model.layers[1].units`) to ranges. */
export interface ConfigSource {
  file: string; // path as given on the command line / found by discovery
  text: string;
  lines: string[];
  /** ranges of the *value* node for each key path, and of the key itself under `<path>#key` */
  ranges: Record<string, SourceRange>;
}
