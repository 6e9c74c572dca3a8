/**
 * The stacks of a synthesized cloud assembly and a digest of each template, to check that two
 * synth variants produced the same output.
 */
import { createHash } from 'node:crypto';
import { readStacks } from '../assembly';

export interface AssemblyStack {
  /** The stack's construct path, e.g. `Dev/ApiService`. */
  readonly path: string;
  /** sha256 of the template JSON (re-serialised, so whitespace does not matter). */
  readonly templateSha256: string;
}

/** Every stack in the assembly at `dir`, nested (Stage) assemblies included, sorted by path. */
export function readAssemblyStacks(dir: string): AssemblyStack[] {
  return readStacks(dir)
    .map(({ artifact }) => ({ path: artifact.hierarchicalId, templateSha256: createHash('sha256').update(JSON.stringify(artifact.template)).digest('hex') }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export interface AssemblyComparison {
  readonly sameStacks: boolean;
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  /** Stacks present in both whose templates differ. */
  readonly differentTemplates: readonly string[];
}

/** Compares two stack lists by path and template digest (pure). */
export function compareAssemblies(a: readonly AssemblyStack[], b: readonly AssemblyStack[]): AssemblyComparison {
  const mapA = new Map(a.map((s) => [s.path, s.templateSha256]));
  const mapB = new Map(b.map((s) => [s.path, s.templateSha256]));
  const onlyInA = [...mapA.keys()].filter((p) => !mapB.has(p));
  const onlyInB = [...mapB.keys()].filter((p) => !mapA.has(p));
  const differentTemplates = [...mapA.keys()].filter((p) => mapB.has(p) && mapB.get(p) !== mapA.get(p));
  return { sameStacks: onlyInA.length === 0 && onlyInB.length === 0, onlyInA, onlyInB, differentTemplates };
}
