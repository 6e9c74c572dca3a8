/**
 * The stacks of a synthesized cloud assembly (nested Stage assemblies included), read with
 * aws-cdk-lib's own reader: for `npm run cost` and `npm run bench`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';

/** One stack of the assembly and the Stage it belongs to. */
export interface AssemblyStack {
  /** The Stage's construct path (`Dev`); undefined for a stack at the top level (the pipeline). */
  readonly stage?: string;
  readonly artifact: CloudFormationStackArtifact;
}

/** Thrown when there is no cloud assembly to read. */
export class AssemblyNotFoundError extends Error {
  constructor(dir: string) {
    super(`No cloud assembly at ${dir} (no manifest.json): run \`npx cdk synth\` first.`);
    this.name = 'AssemblyNotFoundError';
  }
}

/** Every stack of the cloud assembly in `dir`, in manifest order, top level first. */
export function readStacks(dir: string): AssemblyStack[] {
  if (!existsSync(join(dir, 'manifest.json'))) throw new AssemblyNotFoundError(dir);
  const stacks: AssemblyStack[] = [];
  const visit = (assembly: CloudAssembly, stage?: string): void => {
    stacks.push(...assembly.stacks.map((artifact) => ({ stage, artifact })));
    for (const nested of assembly.nestedAssemblies) visit(nested.nestedAssembly, nested.displayName);
  };
  // An assembly written by a newer CLI is still readable for what the scripts need.
  visit(new CloudAssembly(dir, { topoSort: false, skipVersionCheck: true }));
  return stacks;
}
