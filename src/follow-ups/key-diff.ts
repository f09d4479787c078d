// Which config keys a pull request changed: a key-path diff of the base and head configs after
// normalization, so `lr: 1e-3` against `learning_rate: 0.001` or a default written out is no change.
// Key paths are the YAML's (`training.learning_rate`, `model.layers[1].units`).
import type { PreflightConfig } from '../config/types.ts';
import type { KeyChange } from '../evidence/comparison.ts';

/** Values shown whole rather than key by key (an initializer, an optimizer, a data source, a list of numbers). */
const LEAF_KEYS = new Set([
  'kernel_initializer',
  'bias_initializer',
  'recurrent_initializer',
  'kernel_regularizer',
  'bias_regularizer',
  'optimizer',
  'train',
  'validation',
  'features',
  'targets',
  'input_shape',
  'kernel_size',
  'strides',
  'pool_size',
  'target_shape',
  'inputs',
]);
/** Keys that name or locate things without changing what trains. */
const SKIPPED_KEYS = new Set(['name', 'keyPath', 'origin', 'weights', 'unsupported', 'learning_rate_explicit', 'checks', 'smoke']);
const MAX_VALUE_CHARS = 80;

export function changedKeys(base: PreflightConfig, head: PreflightConfig): KeyChange[] {
  const before = new Map<string, unknown>();
  const after = new Map<string, unknown>();
  flatten(base, '', before);
  flatten(head, '', after);
  const changes: KeyChange[] = [];
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    if (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b)) continue;
    const change: KeyChange = { key };
    if (a !== undefined) change.base = show(a);
    if (b !== undefined) change.head = show(b);
    changes.push(change);
  }
  return changes;
}

/** A different number of layers is one structural change; the layers are not diffed one by one then. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value === undefined) return;
  if (Array.isArray(value) && prefix === 'model.layers') {
    out.set('model.layers#count', value.length);
    value.forEach((layer, i) => flatten(layer, `${prefix}[${i}]`, out));
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    out.set(prefix, value);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (SKIPPED_KEYS.has(key)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (LEAF_KEYS.has(key)) out.set(path, item);
    else flatten(item, path, out);
  }
}

/**
 * Changes with a different layer count collapse into one `model.layers` change; the per-layer keys
 * of such a diff would compare unrelated layers.
 */
export function collapseLayerChanges(changes: KeyChange[]): KeyChange[] {
  const count = changes.find((c) => c.key === 'model.layers#count');
  if (!count) return changes;
  const rest = changes.filter((c) => !c.key.startsWith('model.layers'));
  return [{ key: 'model.layers', base: `${count.base ?? 0} layers`, head: `${count.head ?? 0} layers` }, ...rest];
}

function show(value: unknown): string {
  const shown = compact(value);
  const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** Initializers and optimizers without empty argument lists, so `{name: adam}` reads `adam`. */
function compact(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).filter(([, v]) => !(v && typeof v === 'object' && Object.keys(v).length === 0));
    if (entries.length === 1 && entries[0][0] === 'name') return entries[0][1];
    if (entries.length === 2 && entries[0][0] === 'kind' && entries[1][0] === 'path') return entries[1][1];
    return Object.fromEntries(entries);
  }
  return value;
}

/** Sets `key` (a path from `changedKeys`) on `config` to the value it has in `from`; false when the path does not apply. */
export function revertKey(config: PreflightConfig, from: PreflightConfig, key: string): boolean {
  if (key.includes('#') || key === 'model.layers' || key.startsWith('data.')) return false;
  const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.');
  let target: Record<string, unknown> = config as unknown as Record<string, unknown>;
  let source: Record<string, unknown> = from as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    const nextTarget = target[part];
    const nextSource = source[part];
    if (!nextTarget || typeof nextTarget !== 'object' || !nextSource || typeof nextSource !== 'object') return false;
    target = nextTarget as Record<string, unknown>;
    source = nextSource as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (source[last] === undefined) delete target[last];
  else target[last] = structuredClone(source[last]);
  return true;
}
