// The validated, normalized form of a `*.preflight.yml` (see shared spec CONFIG.md).
// Keys stay snake_case so that a key path in a finding (`training.learning_rate`) is the
// same path the user sees in their YAML.

export type Task = 'regression' | 'binary' | 'multiclass' | 'multilabel';
export type Severity = 'error' | 'warning' | 'notice';
export type SeverityOverride = Severity | 'off';

/** A data split: one file/folder, or a pair of NumPy arrays. Paths are as written in the config. */
export type DataSource = { kind: 'path'; path: string } | { kind: 'arrays'; x: string; y: string };

export type InputPreprocessing =
  | 'none'
  | 'standardize'
  | 'minmax'
  | { scale: number; shift: number };
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
  | 'max_pooling1d'
  | 'max_pooling2d'
  | 'average_pooling2d'
  | 'global_average_pooling2d'
  | 'embedding'
  | 'lstm'
  | 'gru'
  | 'simple_rnn';

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
  origin: { kind: 'layers' } | { kind: 'keras'; file: string; format: 'keras2' | 'keras3' | 'tfjs' };
  unsupported: UnsupportedLayer[];
  /** from a Keras file's compile_config / training_config */
  compile?: { loss?: string; optimizer?: OptimizerSpec; learning_rate?: number; from_logits?: boolean };
  weights?: KerasWeights;
}

export interface OptimizerSpec {
  name: 'adam' | 'sgd' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax' | string;
  /** optimizer arguments other than the learning rate (momentum, beta_1, nesterov, ...) */
  args: Record<string, number | boolean>;
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
  };
  preprocessing: { inputs: InputPreprocessing; targets: TargetPreprocessing };
  model: ModelSpec;
  training: {
    loss: string; // canonical Keras loss name (mse -> mean_squared_error, ...)
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
