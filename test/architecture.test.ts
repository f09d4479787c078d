// The folders are the architecture (README, "How it is built"): imports point down the layers and never
// form a cycle. This walks every import of src/ with TypeScript's own pre-parser (type-only imports count:
// a type that has to climb up a layer is a concept living on the wrong floor).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const SRC = path.resolve(import.meta.dirname, '../src');

/**
 * Each layer may import its own and the layers below it. Top first; a path is a folder (with its
 * subfolders) or one file under src/.
 */
export const LAYERS: readonly { name: string; paths: readonly string[] }[] = [
  { name: 'edges', paths: ['cli', 'action', 'github', 'progress-lines.ts'] },
  { name: 'pipeline', paths: ['pipeline.ts', 'run-settings.ts', 'limits.ts', 'repo-settings.ts', 'suppressions.ts'] },
  { name: 'report', paths: ['report'] },
  { name: 'follow-ups', paths: ['follow-ups'] },
  // src/fixes/transforms.ts is the checks' config fixes until they move into the checks themselves.
  { name: 'checks', paths: ['checks', 'fixes'] },
  { name: 'engine/evidence', paths: ['engine', 'evidence', 'findings'] },
  { name: 'model', paths: ['model'] },
  { name: 'config/data', paths: ['config', 'data', 'discover.ts', 'watch.ts', 'extremes.ts', 'own-entry.ts', 'quote.ts', 'version.ts'] },
];

/** Imports that the layers alone would allow but that must not exist. */
const FORBIDDEN: readonly { from: string; to: string; why: string }[] = [
  { from: 'engine/', to: 'evidence/', why: 'the engine takes a SmokeInput (model, prepared rows, training settings), not the Evidence' },
];

export function layerOf(file: string): number {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  return LAYERS.findIndex((layer) => layer.paths.some((p) => rel === p || rel.startsWith(`${p}/`)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The src/ files a file imports (static, dynamic and type-only imports, and re-exports). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(file), spec));
}

export function importGraph(): Map<string, string[]> {
  return new Map(sourceFiles(SRC).map((file) => [file, importsOf(file)]));
}

/** Every cycle's files, found by Tarjan's strongly connected components. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const shown = (file: string) => path.relative(SRC, file).split(path.sep).join('/');

describe('architecture', () => {
  const graph = importGraph();

  it('finds the modules and their imports', () => {
    assert.ok(graph.size > 100, `only ${graph.size} modules under src/`);
    const pipeline = graph.get(path.join(SRC, 'pipeline.ts')) ?? [];
    assert.ok(pipeline.includes(path.join(SRC, 'follow-ups/run.ts')), 'pipeline.ts imports follow-ups/run.ts');
  });

  it('places every module in a layer', () => {
    const unplaced = [...graph.keys()].filter((file) => layerOf(file) === -1).map(shown);
    assert.deepEqual(unplaced, [], 'add these to LAYERS in test/architecture.test.ts and to the README table');
  });

  it('imports only existing modules', () => {
    const missing = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${shown(file)} -> ${shown(t)}`));
    assert.deepEqual(missing, []);
  });

  it('never imports up a layer', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== -1 && from !== -1 && to < from) upward.push(`${shown(file)} (${LAYERS[from].name}) -> ${shown(target)} (${LAYERS[to].name})`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it('keeps the forbidden imports out', () => {
    const broken: string[] = [];
    for (const [file, targets] of graph) {
      for (const rule of FORBIDDEN) {
        if (!shown(file).startsWith(rule.from)) continue;
        for (const target of targets) if (shown(target).startsWith(rule.to)) broken.push(`${shown(file)} -> ${shown(target)}: ${rule.why}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('has no import cycles', () => {
    assert.deepEqual(
      cycles(graph).map((cycle) => cycle.map(shown).sort()),
      [],
    );
  });
});

describe('architecture rules on a made-up graph', () => {
  // The walk above passes on a good tree; these show that the detectors fail on a bad one.
  const file = (rel: string) => path.join(SRC, rel);

  it('finds a cycle through three modules and a self-import', () => {
    const graph = new Map([
      [file('a.ts'), [file('b.ts')]],
      [file('b.ts'), [file('c.ts')]],
      [file('c.ts'), [file('a.ts')]],
      [file('d.ts'), [file('d.ts')]],
      [file('e.ts'), [file('a.ts')]],
    ]);
    assert.deepEqual(
      cycles(graph).map((c) => c.map(shown).sort()),
      [['a.ts', 'b.ts', 'c.ts'], ['d.ts']],
    );
  });

  it('ranks a check below the follow-ups and the engine below the checks', () => {
    assert.ok(layerOf(file('checks/dead-relus.ts')) > layerOf(file('follow-ups/run.ts')));
    assert.ok(layerOf(file('engine/smoke.ts')) > layerOf(file('checks/dead-relus.ts')));
    assert.ok(layerOf(file('config/load.ts')) > layerOf(file('model/summarize.ts')));
    assert.equal(layerOf(file('nowhere/new.ts')), -1);
  });
});
