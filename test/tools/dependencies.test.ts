/**
 * The direction of dependencies between tools/ and the product: each tool folder imports lib/ and
 * tools/shared, possibly another tool (bench uses the local stack, docs the cost model), but no two
 * tool folders import each other, even through a third, so a tool can be read, changed and run
 * without the ones that use it. The product never imports a tool, and no tool imports a test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist'].includes(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative specifiers a file imports or requires, resolved to paths from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)'(\.{1,2}\/[^']*)'/g)].map((m) => m[1]);
  return specifiers.map((s) => relative(ROOT, resolve(dirname(file), s)).split(sep).join('/'));
}

/** `tools/<folder>` for a path inside a tool folder, else its top-level directory (`lib`, `test`, ...). */
function areaOf(path: string): string {
  const [top, second] = path.split('/');
  return top === 'tools' && second !== undefined ? `tools/${second}` : top;
}

/** Area -> the areas its files import (itself excluded). */
function areaGraph(dirs: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of dirs.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const from = areaOf(relative(ROOT, file).split(sep).join('/'));
    const edges = graph.get(from) ?? graph.set(from, new Set()).get(from)!;
    for (const to of importsOf(file).map(areaOf)) if (to !== from) edges.add(to);
  }
  return graph;
}

/** One cycle of the graph as a path that ends where it starts, or undefined when it has none. */
function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at !== -1) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

const tools = areaGraph(['tools']);
const toolEdges = (area: string) => [...(tools.get(area) ?? [])].filter((to) => to.startsWith('tools/'));

test('the cycle finder finds a cycle through a third folder, and none in a chain', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));
  expect(findCycle(graph({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual(['a', 'b', 'c', 'a']);
  expect(findCycle(graph({ a: ['b', 'c'], b: ['c'], c: [] }))).toBeUndefined();
});

test('every tool folder is seen, and the ones known to depend on others do', () => {
  const folders = readdirSync(join(ROOT, 'tools'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `tools/${e.name}`);
  expect([...tools.keys()].sort()).toEqual(folders.sort());
  // The graph is read from the files: an import the regex missed would hide a cycle.
  expect(toolEdges('tools/bench')).toContain('tools/local');
  expect(toolEdges('tools/docs')).toEqual(expect.arrayContaining(['tools/cost', 'tools/diagram', 'tools/deploy']));
});

test('no two tool folders import each other, directly or through others', () => {
  const between = new Map([...tools].map(([area]) => [area, new Set(toolEdges(area))]));
  expect(findCycle(between)).toBeUndefined();
});

test('tools/shared imports no tool: every tool may use it', () => {
  expect(toolEdges('tools/shared').filter((to) => to !== 'tools/shared')).toEqual([]);
});

test('no tool imports a test, and the product (bin/, lib/) imports no tool', () => {
  expect([...tools].filter(([, to]) => to.has('test')).map(([from]) => from)).toEqual([]);
  const product = areaGraph(['bin', 'lib']);
  expect([...product].filter(([, to]) => [...to].some((t) => t === 'tools' || t.startsWith('tools/'))).map(([from]) => from)).toEqual([]);
});
