import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  /** The CloudFormation stack name (`properties.stackName`, else the artifact id). */
  readonly stackName: string;
  /** The artifact id in its manifest. */
  readonly artifactId: string;
  /** `ACCOUNT` of `aws://ACCOUNT/REGION` (`unknown-account` for environment-agnostic stacks). */
  readonly account: string;
  /** `REGION` of `aws://ACCOUNT/REGION`. */
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

/** Thrown when there is no cloud assembly to read. */
export class AssemblyNotFoundError extends Error {
  constructor(dir: string) {
    super(`No cloud assembly at ${dir} (no manifest.json): run \`npx cdk synth\` first.`);
    this.name = 'AssemblyNotFoundError';
  }
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
    readonly displayName?: string;
  };
}

interface Manifest {
  readonly artifacts?: Record<string, ManifestArtifact>;
}

interface Candidate extends StackTemplate {
  /** Lower is preferred when two assemblies hold the same stack name. */
  readonly rank: number;
  readonly order: number;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function parseEnvironment(env: string | undefined): { account: string; region: string } {
  const match = /^aws:\/\/([^/]+)\/(.+)$/.exec(env ?? '');
  return match ? { account: match[1], region: match[2] } : { account: 'unknown-account', region: 'unknown-region' };
}

/**
 * `Dev` for the stage's own assembly, `Dev` also for `Pipeline/Dev` (the pipeline's copy);
 * the display name is the construct path of the Stage.
 */
function stageNameOf(directoryName: string, displayName?: string): string {
  const path = displayName ?? directoryName.replace(/^assembly-/, '');
  const parts = path.split('/');
  return parts[parts.length - 1];
}

/**
 * Every stack of the cloud assembly in `dir`, grouped by environment, following the manifests
 * (top-level stacks and `cdk:cloud-assembly` nested assemblies, recursively; never globbing).
 *
 * A stack name that appears more than once (CDK Pipelines nest a copy of each Stage under the
 * pipeline stack) is read once: from the shallowest assembly, preferring a Stage that is a direct
 * child of the App (display name without `/`) over one nested in a stack.
 */
export function readAssembly(dir: string): AssemblyStacks {
  if (!existsSync(join(dir, 'manifest.json'))) throw new AssemblyNotFoundError(dir);
  const candidates: Candidate[] = [];
  let order = 0;

  const visit = (assemblyDir: string, environment: string, rank: number): void => {
    const manifestFile = join(assemblyDir, 'manifest.json');
    if (!existsSync(manifestFile)) throw new Error(`Nested cloud assembly ${assemblyDir} has no manifest.json; re-run \`npx cdk synth\`.`);
    const manifest = readJson<Manifest>(manifestFile);
    for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type === 'aws:cloudformation:stack') {
        const templateFile = artifact.properties?.templateFile;
        if (!templateFile) throw new Error(`Stack artifact ${artifactId} in ${manifestFile} has no templateFile.`);
        const templatePath = join(assemblyDir, templateFile);
        if (!existsSync(templatePath)) throw new Error(`Template ${templatePath} (stack ${artifactId}) is missing; re-run \`npx cdk synth\`.`);
        candidates.push({
          stackName: artifact.properties?.stackName ?? artifactId,
          artifactId,
          ...parseEnvironment(artifact.environment),
          environment,
          template: readJson<CfnTemplate>(templatePath),
          rank,
          order: order++,
        });
      } else if (artifact.type === 'cdk:cloud-assembly') {
        const directoryName = artifact.properties?.directoryName;
        if (!directoryName) throw new Error(`Nested assembly ${artifactId} in ${manifestFile} has no directoryName.`);
        const displayName = artifact.properties?.displayName;
        const nestedInStack = (displayName ?? '').includes('/');
        visit(join(assemblyDir, directoryName), stageNameOf(directoryName, displayName), rank + 1 + (nestedInStack ? 1 : 0));
      }
    }
  };
  visit(dir, SHARED_ENVIRONMENT, 0);

  const chosen = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const previous = chosen.get(candidate.stackName);
    if (!previous || candidate.rank < previous.rank) chosen.set(candidate.stackName, candidate);
  }

  const result: AssemblyStacks = {};
  for (const candidate of [...chosen.values()].sort((a, b) => a.order - b.order)) {
    const stack: StackTemplate = {
      stackName: candidate.stackName,
      artifactId: candidate.artifactId,
      account: candidate.account,
      region: candidate.region,
      environment: candidate.environment,
      template: candidate.template,
    };
    (result[stack.environment] ??= []).push(stack);
  }
  return result;
}
