import { readStacks } from '../assembly';

export { AssemblyNotFoundError } from '../assembly';

/** The parts of a CloudFormation template the cost model reads. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** A synthesized CloudFormation template. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
}

/** One stack of the cloud assembly. */
export interface StackTemplate {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The artifact id in its manifest. */
  readonly artifactId: string;
  /** The stack's account (`unknown-account` for environment-agnostic stacks). */
  readonly account: string;
  /** The stack's region (`unknown-region` for environment-agnostic stacks). */
  readonly region: string;
  /** The Stage name (`Dev`), or {@link SHARED_ENVIRONMENT} for top-level stacks. */
  readonly environment: string;
  /** The template, parsed. */
  readonly template: CfnTemplate;
}

/** Stacks grouped by environment, in manifest order. */
export type AssemblyStacks = Record<string, StackTemplate[]>;

/** Environment label of stacks that sit at the top level of the assembly (the pipeline). */
export const SHARED_ENVIRONMENT = 'shared/tools';

/** Every stack of the cloud assembly in `dir`, grouped by environment (Stage). */
export function readAssembly(dir: string): AssemblyStacks {
  const result: AssemblyStacks = {};
  for (const { stage, artifact } of readStacks(dir)) {
    const environment = stage ?? SHARED_ENVIRONMENT;
    (result[environment] ??= []).push({
      stackName: artifact.stackName,
      artifactId: artifact.id,
      account: artifact.environment.account,
      region: artifact.environment.region,
      environment,
      template: artifact.template,
    });
  }
  return result;
}
