/**
 * Reading a synthesized cloud assembly: every stack artifact, nested stage assemblies included,
 * and a digest of each template (to check that two synth variants produced the same output).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly directoryName?: string };
}

interface Manifest {
  readonly artifacts?: Record<string, ManifestArtifact>;
}

export interface AssemblyStack {
  /** The stack's construct path, e.g. `Dev/ApiService` or `Pipeline/Dev/ApiService`. */
  readonly path: string;
  /** sha256 of the template JSON (re-serialised, so whitespace does not matter). */
  readonly templateSha256: string;
}

/** Every stack in the assembly at `dir`, recursing into nested (Stage) assemblies, sorted by path. */
export function readAssemblyStacks(dir: string): AssemblyStack[] {
  const stacks: AssemblyStack[] = [];
  const visit = (assemblyDir: string, prefix: string): void => {
    const manifestFile = join(assemblyDir, 'manifest.json');
    if (!existsSync(manifestFile)) throw new Error(`no manifest.json in ${assemblyDir}`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type === 'aws:cloudformation:stack') {
        const templateFile = artifact.properties?.templateFile;
        const template = templateFile ? readFileSync(join(assemblyDir, templateFile), 'utf8') : '';
        stacks.push({
          path: artifact.displayName ?? `${prefix}${id}`,
          templateSha256: createHash('sha256').update(template ? JSON.stringify(JSON.parse(template)) : '').digest('hex'),
        });
      } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
        visit(join(assemblyDir, artifact.properties.directoryName), `${artifact.displayName ?? id}/`);
      }
    }
  };
  visit(dir, '');
  return stacks.sort((a, b) => a.path.localeCompare(b.path));
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
