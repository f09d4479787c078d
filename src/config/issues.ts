// zod issues -> ConfigProblems that name the key, the line, what was expected and what was found.
import type { z } from 'zod';
import { quoteShort } from '../quote.ts';
import { closestName, type ConfigProblem } from './problems.ts';
import { foreignKeyHint, foreignLayerType } from './foreign-words.ts';
import type { SourceRange } from './types.ts';
import { joinKeyPath } from './yaml-source.ts';

type Issue = z.core.$ZodIssue;
type Schema = z.ZodType;

export interface IssueContext {
  file: string;
  ranges: Record<string, SourceRange>;
  schema: Schema;
  value: unknown;
  /** lists of allowed values already printed in this report, and where (shared by the configs of one run) */
  listed?: ListedValues;
  /** the config's text, to quote a value as it was written */
  text?: string;
}

/** A printed list of allowed values -> the file and line of the problem that printed it. */
export type ListedValues = Map<string, { file: string; line?: number }>;

export function issuesToProblems(issues: readonly Issue[], ctx: IssueContext): ConfigProblem[] {
  return listedOnce(
    issues.flatMap((issue) => issueToProblems(issue, [], ctx)),
    ctx.listed,
  );
}

/** A problem whose allowed values are printed by listedOnce, not by the message itself. */
type ListingProblem = ConfigProblem & { allowed?: { what: string; values: string[] } };

/**
 * Each list of allowed values is printed once, with the first problem that needs it; later problems
 * with the same list point at that line instead of repeating dozens of names.
 */
export function listedOnce(problems: ListingProblem[], printedAt: ListedValues = new Map()): ConfigProblem[] {
  return problems.map(({ allowed, ...problem }) => {
    if (!allowed || allowed.values.length === 0) return problem;
    const list = `${allowed.what}: ${allowed.values.join(', ')}`;
    const printed = printedAt.get(list);
    if (printed === undefined) {
      printedAt.set(list, { file: problem.file ?? '', line: problem.line });
      return { ...problem, message: `${problem.message}; allowed ${list}` };
    }
    const where =
      printed.file === problem.file
        ? printed.line !== undefined
          ? `with the problem at line ${printed.line}`
          : 'above'
        : `with the problem at ${printed.file}${printed.line !== undefined ? `:${printed.line}` : ''}`;
    return { ...problem, message: `${problem.message}; the allowed ${allowed.what} are listed ${where}` };
  });
}

/**
 * Where a problem about `keyPath` should point: the line of its key when the key is written, else its
 * value (a list item), else its nearest written parent (a missing key points at its section).
 */
export function locate(keyPath: string, ranges: Record<string, SourceRange>): SourceRange | undefined {
  let path = keyPath;
  while (path !== '') {
    const range = ranges[`${path}#key`] ?? ranges[path];
    if (range) return range;
    path = parentPath(path);
  }
  return undefined;
}

export function problemAt(
  keyPath: string,
  message: string,
  ctx: { file: string; ranges: Record<string, SourceRange> },
  extra: Partial<ConfigProblem> = {},
): ConfigProblem {
  // A key missing at the top level belongs to the file as a whole: its first line.
  const range = locate(keyPath, ctx.ranges) ?? { line: 1, column: 1 };
  return {
    message,
    ...(keyPath !== '' ? { key: keyPath } : {}),
    file: ctx.file,
    line: range.line,
    column: range.column,
    ...extra,
  };
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}

/**
 * A scalar as the user wrote it when YAML read it as something else: under `%YAML 1.1`, `y` and `off`
 * are booleans, and "not true" would quote a value nobody wrote.
 */
function describeWritten(keyPath: string, input: unknown, ctx: IssueContext): string {
  const shown = describeValue(input);
  const range = ctx.ranges[keyPath];
  if (ctx.text === undefined || !range || range.endLine !== range.line || (typeof input !== 'boolean' && typeof input !== 'number' && input !== null))
    return shown;
  const written = (ctx.text.split(/\r?\n/)[range.line - 1] ?? '').slice(range.column - 1, (range.endColumn ?? range.column) - 1).trim();
  if (written === '' || written === String(input) || written.length > 40) return shown;
  return `\`${written}\`, which YAML reads as ${shown}`;
}

function issueToProblems(issue: Issue, prefix: PropertyKey[], ctx: IssueContext): ListingProblem[] {
  const segments = [...prefix, ...issue.path];
  const keyPath = segments.reduce<string>((acc, s) => joinKeyPath(acc, typeof s === 'number' ? s : String(s)), '');
  const describeValue = (input: unknown) => describeWritten(keyPath, input, ctx);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(ctx.schema, segments, ctx.value);
      return issue.keys.map((key): ListingProblem => {
        const foreign = foreignKeyHint(key, allowed);
        if (foreign) {
          return problemAt(
            joinKeyPath(keyPath, key),
            `unknown key \`${key}\`${foreign.key ? `; did you mean \`${foreign.key}\`? ` : ': '}${foreign.note}`,
            ctx,
            {
              expected: foreign.key ?? foreign.expected,
              received: key,
            },
          );
        }
        const hint = closestName(key, allowed);
        const problem: ListingProblem = problemAt(
          joinKeyPath(keyPath, key),
          `unknown key \`${quoteShort(key)}\`${hint ? `; did you mean \`${hint}\`?` : ''}`,
          ctx,
          {
            expected: hint ?? 'one of the allowed keys listed in the message',
            received: quoteShort(key),
          },
        );
        if (!hint && allowed.length > 0) problem.allowed = { what: `keys under \`${keyPath || 'the top level'}\``, values: allowed };
        return problem;
      });
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
        const layerType = (input as Record<string, unknown> | undefined)?.[issue.discriminator];
        if (layerType === undefined) {
          return [problemAt(parentPath(keyPath) || keyPath, `a layer needs a \`type\`, one of: ${options.join(', ')}`, ctx, { expected: options.join(', ') })];
        }
        const foreign = typeof layerType === 'string' ? foreignLayerType(layerType) : undefined;
        const hint = foreign ? undefined : typeof layerType === 'string' ? closestName(layerType, options) : undefined;
        const problem: ListingProblem = problemAt(
          keyPath,
          `unknown layer type \`${quoteShort(String(layerType))}\`${foreign ? `: ${foreign.note}` : hint ? ` (did you mean \`${hint}\`?)` : ''}`,
          ctx,
          {
            expected: foreign?.expected ?? hint ?? 'one of the layer types listed in the message',
            received: quoteShort(String(layerType)),
          },
        );
        if (!foreign) problem.allowed = { what: 'types', values: options };
        return [problem];
      }
      // Report the branch whose type matched the input (a mapping -> its key errors), else name all branches.
      const branches = issue.errors.filter((errs) => errs.length > 0);
      const matching =
        branches.find((errs) => errs.every((e) => e.path.length > 0)) ??
        branches.find((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (matching) return matching.flatMap((e) => issueToProblems(e, segments, ctx));
      const expected = branches.flatMap((errs) =>
        errs.filter((e) => e.code === 'invalid_type').map((e) => describeExpected((e as { expected: string }).expected)),
      );
      const list = [...new Set(expected)].join(' or ');
      return [problemAt(keyPath, `\`${keyPath}\` must be ${list}, not ${describeValue(input)}`, ctx, { expected: list, received: describeValue(input) })];
    }
    case 'invalid_type': {
      const expected = typeof input === 'number' && !Number.isFinite(input) ? 'a finite number' : describeExpected(issue.expected);
      if (input === undefined) {
        return [problemAt(keyPath, `missing required key \`${keyPath}\` (${expected})`, ctx, { expected, received: 'nothing' })];
      }
      return [problemAt(keyPath, `\`${keyPath}\` must be ${expected}, not ${describeValue(input)}`, ctx, { expected, received: describeValue(input) })];
    }
    case 'too_small':
    case 'too_big': {
      const expected = describeBound(issue);
      const received = Array.isArray(input) ? `${input.length} item${input.length === 1 ? '' : 's'}` : describeValue(input);
      return [problemAt(keyPath, `\`${keyPath}\` must be ${expected}, not ${received}`, ctx, { expected, received })];
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const hint = typeof input === 'string' ? closestName(input, values) : undefined;
      const expected = values.length === 1 ? String(values[0]) : `one of ${values.join(', ')}`;
      return [
        problemAt(keyPath, `\`${keyPath}\` must be ${expected}, not ${describeValue(input)}${hint ? `; did you mean \`${hint}\`?` : ''}`, ctx, {
          expected: hint ?? expected,
          received: typeof input === 'string' ? quoteShort(input) : describeValue(input),
        }),
      ];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { expected?: string; candidates?: string[]; what?: string };
      const hint = typeof input === 'string' && params.candidates ? closestName(input, params.candidates) : undefined;
      const what = typeof input === 'string' ? ` \`${quoteShort(input)}\`` : typeof input === 'number' || typeof input === 'boolean' ? ` (got ${input})` : '';
      // A list of names is printed once per report (listedOnce); a short expectation stays inline.
      const listed = !hint && params.candidates !== undefined && params.what !== undefined;
      const tail = hint ? `; did you mean \`${hint}\`?` : params.expected && !listed ? `; expected ${params.expected}` : '';
      const expected = hint ?? (listed ? `one of the ${params.what} listed in the message` : params.expected);
      const problem: ListingProblem = problemAt(keyPath, `\`${keyPath}\`: ${issue.message}${what}${tail}`, ctx, {
        ...(expected ? { expected } : {}),
        ...(input !== undefined ? { received: typeof input === 'string' ? quoteShort(input) : describeValue(input) } : {}),
      });
      if (listed) problem.allowed = { what: params.what!, values: params.candidates! };
      return [problem];
    }
    case 'invalid_key': {
      const reason = issue.issues.map((inner) => inner.message).join('; ');
      const key = quoteShort(String(segments[segments.length - 1]));
      return [problemAt(keyPath, `\`${key}\` is not a valid key here: ${reason}`, ctx, { received: key })];
    }
    default:
      return [problemAt(keyPath, `\`${keyPath}\`: ${issue.message}`, ctx)];
  }
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'record':
      return 'a mapping';
    default:
      return expected;
  }
}

function describeBound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array' || issue.origin === 'set') {
    if ((issue as { exact?: boolean }).exact) return `a list of exactly ${bound} items`;
    return `a list of at ${small ? 'least' : 'most'} ${bound} item${bound === 1 ? '' : 's'}`;
  }
  if (issue.origin === 'string') return small ? `at least ${bound} characters long` : `at most ${bound} characters long`;
  if (small) return inclusive ? `at least ${bound}` : `greater than ${bound}`;
  return inclusive ? `at most ${bound}` : `less than ${bound}`;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list (${JSON.stringify(value).slice(0, 40)})`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}" (a string)`;
  if (typeof value === 'number' && !Number.isInteger(value)) return `${value} (a number)`;
  return `${String(value)}`;
}

/** The keys the schema allows at `path`, following the actual value through unions (a layer's `type`). */
function allowedKeysAt(schema: Schema, path: PropertyKey[], value: unknown): string[] {
  let current: Schema | undefined = schema;
  let data: unknown = value;
  for (const segment of path) {
    current = objectBranch(current, data);
    if (!current) return [];
    const def = defOf(current);
    if (def.type === 'object') current = (def.shape as Record<string, Schema>)[String(segment)];
    else if (def.type === 'array') current = def.element as Schema;
    else if (def.type === 'record') current = def.valueType as Schema;
    else return [];
    data = data && typeof data === 'object' ? (data as Record<PropertyKey, unknown>)[segment as string] : undefined;
  }
  const objectSchema = objectBranch(current, data);
  if (!objectSchema || defOf(objectSchema).type !== 'object') return [];
  return Object.keys(defOf(objectSchema).shape as Record<string, unknown>);
}

function objectBranch(schema: Schema | undefined, data: unknown): Schema | undefined {
  let current = schema;
  for (let guard = 0; current && guard < 16; guard++) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') current = def.innerType as Schema;
    else if (def.type === 'pipe') current = def.in as Schema;
    else if (def.type === 'union') current = pickUnionOption(def.options as Schema[], data);
    else return current;
  }
  return current;
}

function pickUnionOption(options: Schema[], data: unknown): Schema | undefined {
  const container = options.filter((o) => ['object', 'array', 'record'].includes(defOf(o).type as string));
  if (container.length <= 1) return container[0];
  const type = data && typeof data === 'object' ? (data as Record<string, unknown>).type : undefined;
  return (
    container.find((o) => {
      const typeSchema = (defOf(o).shape as Record<string, Schema> | undefined)?.type;
      const values = typeSchema ? (defOf(typeSchema).values as unknown[] | undefined) : undefined;
      return values?.includes(type);
    }) ?? container[0]
  );
}

function defOf(schema: Schema): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
}
