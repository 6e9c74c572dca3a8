/**
 * The stacks of a synthesized cloud assembly (nested Stage assemblies included), read with
 * aws-cdk-lib's own reader: for `npm run cost` and `npm run bench`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** The parts of a CloudFormation template the cost model reads. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** One stack of the cloud assembly. */
export interface StackTemplate {
  /** The construct path (`Dev/Api`). */
  readonly path: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's account (`unknown-account` for environment-agnostic stacks). */
  readonly account: string;
  /** The stack's region (`unknown-region` for environment-agnostic stacks). */
  readonly region: string;
  /** The template, parsed. */
  readonly template: { readonly Resources?: Record<string, CfnResource> };
}

/** Thrown when there is no cloud assembly to read. */
export class AssemblyNotFoundError extends Error {
  constructor(dir: string) {
    super(`No cloud assembly at ${dir} (no manifest.json): run \`npx cdk synth\` first.`);
    this.name = 'AssemblyNotFoundError';
  }
}

/** Environment label of stacks that sit at the top level of the assembly (the pipeline). */
export const SHARED_ENVIRONMENT = 'shared/tools';

/** Every stack of the cloud assembly in `dir`, grouped by environment (the Stage's name, else {@link SHARED_ENVIRONMENT}), in manifest order. */
export function readAssembly(dir: string): Record<string, StackTemplate[]> {
  if (!existsSync(join(dir, 'manifest.json'))) throw new AssemblyNotFoundError(dir);
  const result: Record<string, StackTemplate[]> = {};
  const visit = (assembly: CloudAssembly, stage = SHARED_ENVIRONMENT): void => {
    for (const { hierarchicalId: path, stackName, environment: { account, region }, template } of assembly.stacks) {
      (result[stage] ??= []).push({ path, stackName, account, region, template });
    }
    for (const nested of assembly.nestedAssemblies) visit(nested.nestedAssembly, nested.displayName);
  };
  // An assembly written by a newer CLI is still readable for what the tools need.
  visit(new CloudAssembly(dir, { topoSort: false, skipVersionCheck: true }));
  return result;
}
