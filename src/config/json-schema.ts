// The JSON Schema of a preflight config, for editors (`# yaml-language-server: $schema=...`). It is
// derived from the zod schema, never written by hand, so it cannot fall behind a new key; a test
// compares the committed docs/preflight.schema.json with what this returns. It is deliberately more
// permissive than the loader: zod refinements (known loss, activation and initializer names, glob
// rules) and cross-key rules do not translate, and a JSON Schema that rejected a valid config would
// be worse than one that misses a mistake the loader still reports.
import { z } from 'zod';
import { ACTIVATION_NAMES, INITIALIZERS, LOSS_NAMES } from './names.ts';
import { TORCH_LOSS_NAMES } from './torch.ts';
import { DEFAULT_CONFIG_LIMITS } from './problems.ts';
import { buildConfigSchema } from './schema.ts';

export const JSON_SCHEMA_FILE = 'docs/preflight.schema.json';

/** Keys starting with `x-` are the user's own annotations, allowed on every mapping (see load.ts). */
const EXTENSION_KEYS = '^x-';

export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(buildConfigSchema(DEFAULT_CONFIG_LIMITS), { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  allowExtensionKeys(generated);
  suggestNames(generated);
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'nn-preflight config, format version 1',
    description:
      "A *.preflight.yml file: one neural-network training setup for nn-preflight to check. Reference: docs/CONFIG.md. Generated from the loader's schema by `npm run schema`.",
    ...rest,
  };
}

/** The file's text: stable key order as generated, two-space indent, final newline. */
export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}

/**
 * Names the loader checks with a refinement (any case, aliases) stay plain strings here; `examples`
 * lists the known ones so that editors offer them as completions.
 */
const NAMED_PROPERTIES: [RegExp, readonly string[]][] = [
  [/^(recurrent_)?activation$/, ACTIVATION_NAMES],
  [/^loss$/, [...LOSS_NAMES, ...TORCH_LOSS_NAMES]],
  [/_initializer$/, INITIALIZERS],
];

function suggestNames(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) suggestNames(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const properties = record.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties && typeof properties === 'object') {
    for (const [key, schema] of Object.entries(properties)) {
      const names = NAMED_PROPERTIES.find(([pattern]) => pattern.test(key))?.[1];
      if (names) addExamples(schema, names);
    }
  }
  for (const value of Object.values(record)) suggestNames(value);
}

/** On the string schema itself, on each string branch of an anyOf, and on an object branch's `name`. */
function addExamples(schema: Record<string, unknown>, names: readonly string[]): void {
  if (schema.type === 'string') schema.examples = [...names];
  for (const branch of (schema.anyOf as Record<string, unknown>[] | undefined) ?? []) {
    if (branch.type === 'string') branch.examples = [...names];
    const name = (branch.properties as Record<string, Record<string, unknown>> | undefined)?.name;
    if (name?.type === 'string') name.examples = [...names];
  }
}

/** Every closed mapping (`additionalProperties: false`) also takes `x-` keys, as the loader does. */
function allowExtensionKeys(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) allowExtensionKeys(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record.additionalProperties === false) {
    record.patternProperties = { ...(record.patternProperties as object | undefined), [EXTENSION_KEYS]: {} };
  }
  for (const value of Object.values(record)) allowExtensionKeys(value);
}
