// The JSON Schema of a preflight config, for editors (`# yaml-language-server: $schema=...`). It is
// derived from the zod schema, never written by hand, so it cannot fall behind a new key; a test
// compares the committed docs/preflight.schema.json with what this returns. It is deliberately more
// permissive than the loader: zod refinements (known loss, activation and initializer names, glob
// rules) and cross-key rules do not translate, and a JSON Schema that rejected a valid config would
// be worse than one that misses a mistake the loader still reports.
import { z } from 'zod';
import { DEFAULT_CONFIG_LIMITS } from './problems.ts';
import { buildConfigSchema } from './schema.ts';

export const JSON_SCHEMA_FILE = 'docs/preflight.schema.json';

/** Keys starting with `x-` are the user's own annotations, allowed on every mapping (see load.ts). */
const EXTENSION_KEYS = '^x-';

export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(buildConfigSchema(DEFAULT_CONFIG_LIMITS), { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  allowExtensionKeys(generated);
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'nn-preflight config, format version 1',
    description: 'A *.preflight.yml file: one neural-network training setup for nn-preflight to check. Reference: docs/CONFIG.md. Generated from the loader\'s schema by `npm run schema`.',
    ...rest,
  };
}

/** The file's text: stable key order as generated, two-space indent, final newline. */
export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
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
