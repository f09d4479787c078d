// YAML text -> plain value plus a map from key paths to source ranges, refusing hostile input
// (alias bombs, absurd nesting) before anything walks the tree.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Alias, type Node } from 'yaml';
import type { SourceRange } from './types.ts';
import { DEFAULT_MAX_EXPANDED_CHARS, type ConfigProblem } from './problems.ts';

/** Far above a real config (1000 layers in flow style is about 8000 marks), far below a slow parse. */
export const DEFAULT_MAX_NODES = 20_000;
/**
 * Columns of indentation plus leading `- ` / `? ` marks on one line: an upper bound on that line's block
 * nesting. The yaml composer recurses per level and runs out of stack near 1000; no config comes near this.
 */
export const MAX_BLOCK_INDENT = 256;

export interface ParsedYaml {
  value: unknown;
  ranges: Record<string, SourceRange>;
}

export type YamlParseResult = { ok: true; parsed: ParsedYaml } | { ok: false; problems: ConfigProblem[] };

export function parseYamlWithRanges(
  text: string,
  file: string,
  limits: { maxAliases: number; maxDepth: number; maxNodes?: number; maxExpandedChars?: number },
): YamlParseResult {
  // Two cheap scans before the real parser sees the text: the yaml composer recurses per nesting level
  // (`[[[[...` could blow the stack), and its error recovery is slow on long runs of broken structure
  // (thousands of `{a: 1} {a: 1} ...` take seconds), so both are bounded here.
  const scan = scanStructure(text);
  if (scan.flowDepth > limits.maxDepth) {
    return { ok: false, problems: [{ message: `the YAML nests deeper than ${limits.maxDepth} levels`, file, line: 1, column: 1 }] };
  }
  if (scan.blockDepth > MAX_BLOCK_INDENT) {
    return {
      ok: false,
      problems: [
        {
          message: `the YAML nests too deep: line ${scan.blockDepthLine} is ${scan.blockDepth} levels of indentation and list marks deep (a config nests at most ${limits.maxDepth} levels)`,
          file,
          line: scan.blockDepthLine,
          column: 1,
        },
      ],
    };
  }
  const maxNodes = limits.maxNodes ?? DEFAULT_MAX_NODES;
  if (scan.marks > maxNodes) {
    return {
      ok: false,
      problems: [{ message: `the YAML holds more than ${maxNodes} keys and items; a config never needs that many`, file, line: 1, column: 1 }],
    };
  }
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    return { ok: false, problems: [{ message: `the YAML could not be parsed: ${String(error)}`, file }] };
  }
  const toRange = (start: number, end: number): SourceRange => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(end);
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const at = toRange(e.pos[0], e.pos[1]);
        // The composer reports its own stack overflow as a syntax error; say what it means.
        const tooDeep = /Maximum call stack/.test(e.message);
        return {
          message: tooDeep
            ? `the YAML nests too deep to parse (a config nests at most ${limits.maxDepth} levels)`
            : `YAML syntax error: ${firstLine(e.message)}`,
          file,
          line: at.line,
          column: at.column,
        };
      }),
    };
  }
  const depth = maxNodeDepth(doc.contents as Node | null);
  if (depth > limits.maxDepth) {
    return { ok: false, problems: [{ message: `the YAML nests deeper than ${limits.maxDepth} levels`, file, line: 1, column: 1 }] };
  }
  const maxExpanded = limits.maxExpandedChars ?? DEFAULT_MAX_EXPANDED_CHARS;
  const expanded = expandedChars(doc.contents as Node | null, doc, maxExpanded);
  if (expanded.chars > maxExpanded) {
    const at = expanded.alias?.range ? toRange(expanded.alias.range[0], expanded.alias.range[1]) : { line: 1, column: 1 };
    return {
      ok: false,
      problems: [
        {
          message: `the YAML's aliases expand it to more than ${maxExpanded} characters (the alias here copies ${expanded.aliasChars} characters); a config never needs that`,
          file,
          line: at.line,
          column: at.column,
        },
      ],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch (error) {
    const message =
      error instanceof ReferenceError
        ? `the YAML uses too many aliases (more than ${limits.maxAliases}); a config never needs that many`
        : `the YAML could not be read: ${firstLine(String(error))}`;
    return { ok: false, problems: [{ message, file, line: 1, column: 1 }] };
  }
  // Keys come from the file: without a prototype, a top-level `__proto__` key is just a key.
  const ranges: Record<string, SourceRange> = Object.create(null);
  collectRanges(doc.contents as Node | null, '', ranges, toRange);
  return { ok: true, parsed: { value, ranges } };
}

/** `training.learning_rate`, `model.layers[1].units`: the path syntax findings use. */
export function joinKeyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

function collectRanges(node: Node | null, path: string, ranges: Record<string, SourceRange>, toRange: (start: number, end: number) => SourceRange): void {
  // Iterative walk: depth was already bounded, but an explicit stack keeps this cheap and safe.
  const stack: { node: Node | null; path: string }[] = [{ node, path }];
  while (stack.length > 0) {
    const { node: current, path: at } = stack.pop()!;
    if (!current || isAlias(current)) continue;
    if (current.range && at !== '') ranges[at] = toRange(current.range[0], current.range[1]);
    if (isMap(current)) {
      for (const item of current.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const childPath = joinKeyPath(at, String(item.key.value));
        const keyNode = item.key;
        if (keyNode.range) ranges[`${childPath}#key`] = toRange(keyNode.range[0], keyNode.range[1]);
        if (item.value === null || item.value === undefined) {
          if (keyNode.range) ranges[childPath] = toRange(keyNode.range[0], keyNode.range[1]);
        } else {
          stack.push({ node: item.value as Node, path: childPath });
        }
      }
    } else if (isSeq(current)) {
      current.items.forEach((item, index) => stack.push({ node: item as Node, path: joinKeyPath(at, index) }));
    }
  }
}

/**
 * Characters of scalar text (keys and values) the document holds with every alias expanded, counted
 * without expanding anything: each anchored node's size is computed once and an alias adds it again.
 * Stops counting past `limit`, and names the alias that crossed it.
 */
function expandedChars(root: Node | null, doc: Parameters<Alias['resolve']>[0], limit: number): { chars: number; alias?: Alias; aliasChars?: number } {
  const sizes = new Map<Node, number>();
  const inProgress = new Set<Node>();
  let crossing: { alias: Alias; aliasChars: number } | undefined;
  let total = 0;
  const sizeOf = (node: unknown): number => {
    if (node === null || node === undefined || total > limit) return 0;
    if (isAlias(node)) {
      const target = node.resolve(doc) as Node | undefined;
      // An alias to its own ancestor becomes a reference in the value, not a copy.
      if (!target || inProgress.has(target)) return 0;
      const chars = sizes.get(target) ?? sizeOf(target);
      total += chars;
      if (total > limit && !crossing) crossing = { alias: node, aliasChars: chars };
      return chars;
    }
    const known = sizes.get(node as Node);
    if (known !== undefined) return known;
    let chars = 1;
    if (isScalar(node)) {
      chars = String(node.value).length;
      total += chars;
    } else if (isMap(node) || isSeq(node)) {
      inProgress.add(node);
      for (const item of node.items) {
        if (isPair(item)) chars += sizeOf(item.key) + sizeOf(item.value);
        else chars += sizeOf(item);
      }
      inProgress.delete(node);
    }
    sizes.set(node as Node, chars);
    return chars;
  };
  sizeOf(root);
  return { chars: total, ...(crossing ? { alias: crossing.alias, aliasChars: crossing.aliasChars } : {}) };
}

function maxNodeDepth(root: Node | null): number {
  let max = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > max) max = depth;
    if (isMap(node)) {
      for (const item of node.items) if (isPair(item)) stack.push({ node: item.value, depth: depth + 1 });
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return max;
}

/**
 * Flow-bracket depth, a count of structure marks (`key:`, `- `, `? `, brackets, commas): an upper
 * bound on the number of nodes, and the deepest line's indentation plus leading `- `/`? ` marks: an upper
 * bound on block nesting. Marks inside quoted strings and comments count too, which only errs on the
 * safe side for the sizes a config has.
 */
function scanStructure(text: string): { flowDepth: number; marks: number; blockDepth: number; blockDepthLine: number } {
  let depth = 0;
  let flowDepth = 0;
  let marks = 0;
  let blockDepth = 0;
  let blockDepthLine = 1;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    if (i === 0 || text.charCodeAt(i - 1) === 0x0a) {
      const lineDepth = leadingBlockDepth(text, i);
      if (lineDepth > blockDepth) {
        blockDepth = lineDepth;
        blockDepthLine = line;
      }
    }
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    const next = text.charCodeAt(i + 1);
    if (c === 0x5b || c === 0x7b) {
      depth++;
      marks++;
      if (depth > flowDepth) flowDepth = depth;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    } else if (c === 0x2c) {
      marks++;
    } else if ((c === 0x3a || c === 0x2d || c === 0x3f) && (next === 0x20 || next === 0x0a || Number.isNaN(next))) {
      marks++;
    }
  }
  return { flowDepth, marks, blockDepth, blockDepthLine };
}

/** Spaces, then `- ` or `? ` marks, from `start` (a line start): each can open one more block level. */
function leadingBlockDepth(text: string, start: number): number {
  let i = start;
  let depth = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      depth++;
      i++;
    } else if ((c === 0x2d || c === 0x3f) && text.charCodeAt(i + 1) === 0x20) {
      depth += 2;
      i += 2;
    } else {
      return depth;
    }
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}
