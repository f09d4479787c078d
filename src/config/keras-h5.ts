// The weights of a Keras 3 `.keras` archive (`model.weights.h5`), read with h5wasm: the HDF5 C library
// compiled to WebAssembly, running on an in-memory file system that holds only the bytes handed to it,
// so a hostile file can reach nothing on disk. Keras 3 stores a Sequential or Functional model's
// layer variables under `layers/<snake_case class name>[_n]/vars/<i>` (numbered per class, in layer
// order, not by the layer's own name); an RNN keeps its cell's under `.../cell/vars/<i>`.
import type { KerasWeights } from './types.ts';

export type H5WeightsResult =
  | { ok: true; weights: KerasWeights }
  | { ok: false; message: string }
  /** the file is readable but its weights cannot be used; the model is checked from a fresh init */
  | { ok: 'unused'; reason: string };

/** Layers without variables in Keras; their groups are skipped even when present. */
const WEIGHTLESS_CLASSES = new Set([
  'InputLayer',
  'Dropout',
  'Activation',
  'Flatten',
  'Reshape',
  'MaxPooling1D',
  'MaxPool1D',
  'MaxPooling2D',
  'MaxPool2D',
  'AveragePooling2D',
  'AvgPool2D',
  'GlobalAveragePooling2D',
  'GlobalAvgPool2D',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Softmax',
]);
/** Child objects of a layer that hold state but no weights (the seed of Dropout and friends). */
const SKIPPED_CHILDREN = /^seed_generator/;
const MAX_NESTING = 3;
const MAX_GROUP_KEYS = 10_000;
/** Groups visited in all: soft links can make a group its own child. */
const MAX_GROUP_VISITS = 20_000;

type H5 = typeof import('h5wasm').default;
type H5Group = InstanceType<H5['Group']>;
type H5Dataset = InstanceType<H5['Dataset']>;

interface Budget {
  values: number;
  visits: number;
}

type H5Fs = Awaited<H5['ready']>['FS'];
let h5Module: Promise<{ h5: H5; fs: H5Fs }> | undefined;

/**
 * h5wasm, loaded on first use. Its HDF5 error stack goes to a sink, not to the user's terminal; every
 * user of h5wasm in the process (the tests' fixture writer too) must load it here for that to hold.
 */
export function loadH5(): Promise<{ h5: H5; fs: H5Fs }> {
  h5Module ??= (async () => {
    // The module binds console.error once, while it starts; HDF5 prints its diagnostics through it.
    const saved = console.error;
    console.error = () => {};
    try {
      const h5 = (await import('h5wasm')).default;
      return { h5, fs: (await h5.ready).FS };
    } finally {
      console.error = saved;
    }
  })();
  return h5Module;
}

let fileCounter = 0;

/**
 * The variables of each layer of `configLayers` (the `config.layers` list of the archive's
 * config.json), in layer order, as the TF.js weights path produces them.
 */
export async function readKerasH5Weights(bytes: Uint8Array, configLayers: unknown[], maxValues: number): Promise<H5WeightsResult> {
  let h5: H5;
  let fs: H5Fs;
  try {
    ({ h5, fs } = await loadH5());
  } catch (error) {
    return { ok: 'unused', reason: `the HDF5 reader (h5wasm) could not start: ${(error as Error).message}` };
  }
  const name = `/weights-${process.pid}-${++fileCounter}.h5`;
  let file: InstanceType<H5['File']> | undefined;
  try {
    fs.writeFile(name, bytes);
    file = new h5.File(name, 'r');
    if (file.file_id < 0n) return { ok: false, message: 'model.weights.h5 is not a readable HDF5 file' };
    return collect(file, configLayers, maxValues);
  } catch (error) {
    return { ok: false, message: `model.weights.h5 could not be read: its HDF5 structure is damaged (${(error as Error).message})` };
  } finally {
    try {
      if (file && file.file_id >= 0n) file.close();
    } catch {
      // a file HDF5 could not parse may also fail to close; the bytes are removed below either way
    }
    try {
      fs.unlink(name);
    } catch {
      // never written
    }
  }
}

function collect(file: H5Group, configLayers: unknown[], maxValues: number): H5WeightsResult {
  const root = ['layers', '_layer_checkpoint_dependencies'].map((key) => asGroup(file.get(key))).find((g) => g !== undefined);
  if (!root) return { ok: 'unused', reason: 'model.weights.h5 has no `layers` group; nn-preflight reads the layout Keras 3 writes' };
  const tensors: KerasWeights['tensors'] = [];
  const budget = { values: maxValues, visits: MAX_GROUP_VISITS };
  const perClass = new Map<string, number>();
  for (const entry of configLayers) {
    const className = isObject(entry) && typeof entry.class_name === 'string' ? entry.class_name : undefined;
    if (className === undefined) continue;
    const base = kerasSnakeCase(className);
    const seen = perClass.get(base);
    perClass.set(base, seen === undefined ? 0 : seen + 1);
    const groupName = seen === undefined ? base : `${base}_${seen + 1}`;
    if (WEIGHTLESS_CLASSES.has(className)) continue;
    const group = asGroup(root.get(groupName));
    if (!group)
      return { ok: 'unused', reason: `model.weights.h5 has no weights for layer ${layerName(entry) ?? groupName} (looked for \`layers/${groupName}\`)` };
    const found = layerVariables(group, `layers/${groupName}`, budget, 0);
    if (typeof found === 'string') return { ok: false, message: found };
    tensors.push(...found);
  }
  return { ok: true, weights: { tensors } };
}

/** The group's own `vars/0..n`, then its child objects' (an RNN's cell), in Keras' order. */
function layerVariables(group: H5Group, path: string, budget: Budget, depth: number): KerasWeights['tensors'] | string {
  if (--budget.visits < 0) return `model.weights.h5 nests more than ${MAX_GROUP_VISITS} groups`;
  const keys = group.keys();
  if (keys.length > MAX_GROUP_KEYS) return `model.weights.h5: \`${path}\` has ${keys.length} entries`;
  const tensors: KerasWeights['tensors'] = [];
  const vars = asGroup(group.get('vars'));
  if (vars) {
    const indices = vars.keys();
    if (indices.length > MAX_GROUP_KEYS) return `model.weights.h5: \`${path}/vars\` has ${indices.length} entries`;
    const ordered = indices.filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
    for (const index of ordered) {
      const tensor = readTensor(vars.get(index), `${path}/vars/${index}`, budget);
      if (typeof tensor === 'string') return tensor;
      tensors.push(tensor);
    }
  }
  if (depth >= MAX_NESTING) return tensors;
  const children = keys.filter((k) => k !== 'vars' && !SKIPPED_CHILDREN.test(k)).sort(keraChildOrder);
  for (const child of children) {
    const childGroup = asGroup(group.get(child));
    if (!childGroup) continue;
    const inner = layerVariables(childGroup, `${path}/${child}`, budget, depth + 1);
    if (typeof inner === 'string') return inner;
    tensors.push(...inner);
  }
  return tensors;
}

function readTensor(entity: unknown, path: string, budget: Budget): KerasWeights['tensors'][number] | string {
  if (!isDataset(entity)) return `model.weights.h5: \`${path}\` is not a dataset`;
  const metadata = entity.metadata;
  const shape = entity.shape;
  // HDF5 type classes: 0 integer, 1 float.
  if ((metadata.type !== 0 && metadata.type !== 1) || (![4, 8].includes(metadata.size) && !(metadata.type === 0 && [1, 2].includes(metadata.size)))) {
    return `model.weights.h5: \`${path}\` holds ${metadata.type === 1 ? `${metadata.size * 8}-bit floats` : 'values that are not numbers'}; nn-preflight reads 32- and 64-bit floats and integers`;
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return `model.weights.h5: \`${path}\` has no usable shape`;
  const count = shape.reduce((a, b) => a * b, 1);
  // Checked before `.value` allocates: the declared size of a compressed dataset can be anything.
  if (count > budget.values)
    return `model.weights.h5 holds more weights than nn-preflight reads: \`${path}\` has ${count} values and only ${budget.values} remain under the limit`;
  budget.values -= count;
  const raw = entity.value as ArrayLike<number | bigint> | null;
  if (raw === null || typeof raw !== 'object' || raw.length !== count) return `model.weights.h5: \`${path}\` could not be read`;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = Number(raw[i]);
  return { name: path, shape, values };
}

/** keras.src.utils.naming.to_snake_case, the name Keras 3 files a layer's variables under. */
export function kerasSnakeCase(name: string): string {
  const word = name.replace(/\W+/g, '');
  return word
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras visits attributes in sorted order with private (`_`) names last. */
function keraChildOrder(a: string, b: string): number {
  const key = (s: string) => (s.startsWith('_') ? `~${s}` : s);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function layerName(entry: unknown): string | undefined {
  return isObject(entry) && isObject(entry.config) && typeof entry.config.name === 'string' ? `\`${entry.config.name}\`` : undefined;
}

function asGroup(entity: unknown): H5Group | undefined {
  return entity !== null && typeof entity === 'object' && typeof (entity as H5Group).keys === 'function' && (entity as { type?: string }).type === 'Group'
    ? (entity as H5Group)
    : undefined;
}

function isDataset(entity: unknown): entity is H5Dataset {
  return entity !== null && typeof entity === 'object' && (entity as { type?: string }).type === 'Dataset';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
