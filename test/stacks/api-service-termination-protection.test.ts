/**
 * Termination protection of the ApiService stacks across the two deploy paths, simulated from what
 * each path reads in the cloud assembly and what it does with it.
 *
 * The CLI (aws-cdk 2.1148, node_modules/aws-cdk/lib/index.js, class FullCloudFormationDeployment):
 * - a new stack: `createStack({ ..., EnableTerminationProtection: true })` only when the stack
 *   artifact's `terminationProtection` is true (`directDeployment`; the change-set path creates the
 *   stack through a CREATE change set and then runs the same update below);
 * - an existing stack: `updateTerminationProtection()` runs on every deploy, after the change set
 *   is created and before it is executed, also when the change set turns out empty:
 *   `if (!!deployed.terminationProtection !== (artifact.terminationProtection ?? false))`
 *   `UpdateTerminationProtection(EnableTerminationProtection: artifact.terminationProtection ?? false)`;
 * - `canSkipDeploy` never skips a stack whose protection differs from the artifact's.
 *
 * CDK Pipelines (aws-cdk-lib/pipelines, codepipeline.js): a CloudFormationCreateReplaceChangeSetAction
 * and an execute action; neither has a termination-protection setting (aws-cdk#17871), so the
 * pipeline never changes it, on create or on update.
 *
 * In both paths CloudFormation runs a custom resource on create, and on update only when its
 * properties changed.
 */
import { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { exampleTestStages } from '../helpers';

interface DeployedStack {
  terminationProtection: boolean;
  /** Properties of each deployed custom resource, by logical id. */
  customResources: Map<string, string>;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The custom resources that call UpdateTerminationProtection(true) on their own stack. */
function protectingResources(artifact: CloudFormationStackArtifact): Map<string, string> {
  const resources = (artifact.template as { Resources: Resources }).Resources;
  return new Map(
    Object.entries(resources)
      .filter(([, r]) => r.Type.startsWith('Custom::'))
      .filter(([, r]) => /updateTerminationProtection.*EnableTerminationProtection\\?":true/.test(JSON.stringify(r.Properties)))
      .map(([id, r]) => [id, JSON.stringify(r.Properties)]),
  );
}

/** CloudFormation's part, the same on both paths: each created or changed protecting resource runs. */
function executeTemplate(stack: DeployedStack, artifact: CloudFormationStackArtifact): void {
  for (const [id, properties] of protectingResources(artifact)) {
    if (stack.customResources.get(id) !== properties) stack.terminationProtection = true;
  }
  stack.customResources = new Map(protectingResources(artifact));
}

function pipelineDeploy(stack: DeployedStack | undefined, artifact: CloudFormationStackArtifact): DeployedStack {
  const deployed = stack ?? { terminationProtection: false, customResources: new Map() };
  executeTemplate(deployed, artifact);
  return deployed;
}

function cliDeploy(stack: DeployedStack | undefined, artifact: CloudFormationStackArtifact): DeployedStack {
  const wanted = artifact.terminationProtection ?? false;
  const deployed = stack ?? { terminationProtection: wanted, customResources: new Map() };
  if (deployed.terminationProtection !== wanted) deployed.terminationProtection = wanted;
  executeTemplate(deployed, artifact);
  return deployed;
}

const { app, stages } = exampleTestStages();
const assembly = app.synth();
const artifacts = stages.flatMap((stage) => [...stage.apis.values()].map((api) => assembly.getNestedAssembly(stage.artifactId).getStackByName(api.service.stackName)));

describe.each(artifacts.map((a) => [a.stackName, a] as const))('%s termination protection', (_name, artifact) => {
  test('stays on through pipeline deploy -> CLI deploy -> pipeline deploy', () => {
    let stack = pipelineDeploy(undefined, artifact);
    expect(stack.terminationProtection).toBe(true);
    stack = cliDeploy(stack, artifact);
    expect(stack.terminationProtection).toBe(true);
    stack = pipelineDeploy(stack, artifact);
    expect(stack.terminationProtection).toBe(true);
  });

  test('stays on through CLI deploy -> pipeline deploy -> CLI deploy', () => {
    let stack = cliDeploy(undefined, artifact);
    expect(stack.terminationProtection).toBe(true);
    stack = pipelineDeploy(stack, artifact);
    stack = cliDeploy(stack, artifact);
    expect(stack.terminationProtection).toBe(true);
  });

  test('a deploy that the pipeline makes protects the stack even though the pipeline ignores the manifest', () => {
    // Without the custom resource the pipeline's first create would leave the stack unprotected.
    expect(protectingResources(artifact).size).toBe(1);
  });
});
