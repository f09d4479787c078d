// Repository-wide settings: one file, `.github/nn-preflight.yml`, for what a team sets once rather than
// in every config (default severities, checks switched off, ignored paths, smoke budgets). It is
// pull-request data like any config: read only inside the repository root, parsed with the same
// bounded YAML reader, and every problem names the file, line and key. Never throws on bad input.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fileKind, resolveInsideRoot } from '../data/paths.ts';
import { issuesToProblems, problemAt } from './issues.ts';
import { closestName, DEFAULT_CONFIG_LIMITS, type ConfigProblem } from './problems.ts';
import { MAX_SMOKE_STEPS } from './schema.ts';
import type { ConfigSource, PreflightConfig, SeverityOverride } from './types.ts';
import { parseYamlWithRanges } from './yaml-source.ts';

/** Where the settings live, relative to the repository root (`.yaml` is read when `.yml` is absent). */
export const REPO_SETTINGS_FILES = ['.github/nn-preflight.yml', '.github/nn-preflight.yaml'] as const;
/** A settings file is a few dozen lines; anything near this is not one. */
export const MAX_REPO_SETTINGS_BYTES = 64 * 1024;
/** Most `ignore:` globs: enough for any hand-written list, few enough that each path tests them all cheaply. */
export const MAX_IGNORE_GLOBS = 200;

export interface RepoSettings {
  /** repository-relative path of the file the settings came from */
  file: string;
  /** default severity per check id, or off; a config's own `checks:` wins per check */
  checks: Record<string, SeverityOverride>;
  /** repository-relative globs of paths discovery never searches (`!` re-includes) */
  ignore: string[];
  /** defaults for configs that leave `smoke:` keys out; CLI flags and action inputs win over both */
  smoke: { steps?: number; seed?: number; time_budget_s?: number };
}

export type RepoSettingsResult = { ok: true; settings?: RepoSettings } | { ok: false; file: string; problems: ConfigProblem[] };

const glob = z
  .string()
  .min(1)
  .max(1000)
  .refine((g) => !g.replace(/^!/, '').startsWith('/') && !/^!?[A-Za-z]:/.test(g) && !g.replace(/^!/, '').split('/').includes('..'), {
    message: 'an ignore glob is relative to the repository root and stays inside it',
    params: { expected: 'a repository-relative glob such as experiments/** or !experiments/keep/**' },
  });

const settingsSchema = z.strictObject({
  version: z.literal(1).optional(),
  checks: z
    .record(
      z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'a check id is lower-case words joined by -' }),
      z.enum(['off', 'notice', 'warning', 'error']),
    )
    .optional(),
  ignore: z.array(glob).max(MAX_IGNORE_GLOBS).optional(),
  smoke: z
    .strictObject({
      steps: z.number().int().positive().max(MAX_SMOKE_STEPS).optional(),
      seed: z.number().int().min(0).optional(),
      time_budget_s: z.number().gt(0).optional(),
    })
    .optional(),
});

/**
 * The settings of the repository at `root`: none when the file is absent, else validated settings or the
 * problems that stop them from applying (then none of them apply, so a typo never half-applies).
 * `knownCheckIds` are the ids a `checks:` key may name (the config layer does not import the checks).
 */
export function loadRepoSettings(root: string, knownCheckIds: readonly string[]): RepoSettingsResult {
  const file = REPO_SETTINGS_FILES.find((rel) => fileKind(path.join(root, rel)) !== 'missing');
  if (file === undefined) return { ok: true };
  const fail = (problem: Omit<ConfigProblem, 'file'>): RepoSettingsResult => ({ ok: false, file, problems: [{ ...problem, file }] });
  // A settings file linked to one outside the repository would put that file's text into the report.
  const resolved = resolveInsideRoot(root, root, file);
  if (!resolved.ok) return fail({ message: `the repository settings file is refused: ${resolved.reason}`, line: 1 });
  if (fileKind(resolved.absolute) !== 'file') return fail({ message: `${file} is not a regular file`, line: 1 });
  let text: string;
  try {
    const size = statSync(resolved.absolute).size;
    if (size > MAX_REPO_SETTINGS_BYTES) return fail({ message: `${file} is ${size} bytes; the limit is ${MAX_REPO_SETTINGS_BYTES}`, line: 1 });
    text = readFileSync(resolved.absolute, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    return fail({ message: `could not read ${file}: ${(error as Error).message}`, line: 1 });
  }

  const parsed = parseYamlWithRanges(text, file, DEFAULT_CONFIG_LIMITS);
  if (!parsed.ok) return { ok: false, file, problems: parsed.problems.map((p) => ({ ...p, file })) };
  const { value, ranges } = parsed.parsed;
  // An empty file (or one holding only comments) sets nothing.
  if (value === null || value === undefined) return { ok: true, settings: { file, checks: {}, ignore: [], smoke: {} } };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return fail({ message: `${file} must be a YAML mapping with any of \`checks\`, \`ignore\` and \`smoke\``, line: 1, column: 1 });
  }
  const result = settingsSchema.safeParse(value, { reportInput: true });
  if (!result.success) return { ok: false, file, problems: issuesToProblems(result.error.issues, { file, ranges, schema: settingsSchema, value, text }) };

  const ctx = { file, ranges };
  const problems: ConfigProblem[] = [];
  const checks = result.data.checks ?? {};
  for (const id of Object.keys(checks)) {
    if (knownCheckIds.includes(id)) continue;
    const hint = closestName(id, knownCheckIds);
    problems.push(
      problemAt(`checks.${id}`, `\`checks\` names \`${id}\`, which is not a check${hint ? `; did you mean \`${hint}\`?` : ''}`, ctx, {
        expected: 'a check id from docs/CHECKS.md',
        received: id,
      }),
    );
  }
  if (problems.length > 0) return { ok: false, file, problems };
  return { ok: true, settings: { file, checks: { ...checks }, ignore: result.data.ignore ?? [], smoke: { ...(result.data.smoke ?? {}) } } };
}

export const REPO_SETTINGS_SCHEMA_FILE = 'docs/repo-settings.schema.json';

/** The JSON Schema of the settings file for editors, generated from the loader's schema (`npm run schema`). */
export function repoSettingsJsonSchemaText(): string {
  const { $schema, ...rest } = z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  const schema = {
    $schema,
    title: 'nn-preflight repository settings',
    description:
      "The file .github/nn-preflight.yml: default check severities, ignored paths and smoke budgets for every config of the repository. Reference: docs/CONFIG.md. Generated from the loader's schema by `npm run schema`.",
    ...rest,
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

/**
 * The config with the repository settings under it: the config's own `checks:` entries win per check,
 * and a `smoke:` key the config writes wins over the settings' default for it.
 */
export function withRepoSettings(config: PreflightConfig, source: ConfigSource, settings: RepoSettings): PreflightConfig {
  const smoke = { ...config.smoke };
  for (const key of ['steps', 'seed', 'time_budget_s'] as const) {
    const value = settings.smoke[key];
    if (value !== undefined && source.ranges[`smoke.${key}`] === undefined) smoke[key] = value;
  }
  return { ...config, checks: { ...settings.checks, ...config.checks }, smoke };
}
