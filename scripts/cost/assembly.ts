import { readStacks } from '../assembly';

export { AssemblyNotFoundError } from '../assembly';

/** The parts of a CloudFormation template the cost model reads. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** One stack of the cloud assembly. */
export interface StackTemplate {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's account (`unknown-account` for environment-agnostic stacks). */
  readonly account: string;
  /** The stack's region (`unknown-region` for environment-agnostic stacks). */
  readonly region: string;
  /** The template, parsed. */
  readonly template: { readonly Resources?: Record<string, CfnResource> };
}

/** Environment label of stacks that sit at the top level of the assembly (the pipeline). */
export const SHARED_ENVIRONMENT = 'shared/tools';

/** Every stack of the cloud assembly in `dir`, grouped by environment (the Stage's name, else {@link SHARED_ENVIRONMENT}), in manifest order. */
export function readAssembly(dir: string): Record<string, StackTemplate[]> {
  const result: Record<string, StackTemplate[]> = {};
  for (const { stage, artifact } of readStacks(dir)) {
    const { stackName, environment: { account, region }, template } = artifact;
    (result[stage ?? SHARED_ENVIRONMENT] ??= []).push({ stackName, account, region, template });
  }
  return result;
}
