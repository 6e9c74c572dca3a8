import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { acknowledgeCdkPipelineGrants } from '../compliance/pipeline-acknowledgements';
import { acknowledgeLogTargetBucket, LOG_BUCKET_PROPS } from '../constructs/log-bucket';
import { RetainedLogGroup } from '../constructs/retained-log-group';
import { denyGrantsExceptForAwsServices, StackEncryptionKey } from '../constructs/stack-encryption-key';
import { AccountStack, AccountStackProps } from '../stacks/account-stack';
import { EnvironmentStage, stageIdFor } from '../stages/environment-stage';

/**
 * The synth step's commands: CI's gate (`.ci/run`: type check, lint, tests, compliance) after a
 * clean install, so nothing untested deploys; then the cloud assembly the pipeline deploys.
 */
export const SYNTH_COMMANDS = ['npm ci', 'npm test', 'npm run validate', 'npx cdk synth'];

/**
 * The Node.js major every CodeBuild project runs: 24, the active LTS (Node.js 20 reached end of
 * life on 2026-04-30 and the CDK's support for it ended on 2026-10-30). CI runs the suite on it too
 * (`.ci/run`). The build image's default Node is older than aws-cdk-lib allows, so it is pinned.
 * aws/codebuild/standard:7.0 (Ubuntu 22.04) carries it: Node.js 24 is in that image's Dockerfile
 * and, since aws/aws-codebuild-docker-images#810, in its runtimes.yml, and CodeBuild's "Runtime
 * versions" page lists `nodejs: 24`. An image without it fails the install phase with an unknown
 * runtime version rather than building on another Node.
 */
export const NODE_MAJOR = 24;

/** The buildspec fragment that pins {@link NODE_MAJOR}. */
const PIN_NODE = { 'runtime-versions': { nodejs: NODE_MAJOR } };

/** Properties of {@link PipelineStack}. */
export interface PipelineStackProps extends AccountStackProps {
  /**
   * The environment stages to deploy, in promotion order: the app's own top-level instances, so
   * the pipeline and per-account `cdk deploy` use the same stacks.
   */
  readonly stages: readonly EnvironmentStage[];
}

/**
 * In the tools account: the CDK pipeline. Source from a CodeStar connection, one stage per
 * environment in config order (the same {@link EnvironmentStage} that `cdk deploy` uses), a
 * permissions-broadening check and a manual approval before each environment that asks for it
 * (prod). The consumers' deploy-time health check fails a stage on a broken path, which stops
 * the promotion to the next environment.
 */
export class PipelineStack extends AccountStack {
  /** The pipeline. */
  public readonly pipeline: pipelines.CodePipeline;
  /** The environment stages, in promotion order. */
  public readonly stages: readonly EnvironmentStage[];

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const source = pipelines.CodePipelineSource.connection(config.pipeline.repository, config.pipeline.branch, {
      connectionArn: config.pipeline.connectionArn,
    });

    const buildLogs = new RetainedLogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: `${config.projectName}-delivery`,
      // Target accounts decrypt artifacts with this key; rotate it yearly.
      crossAccountKeys: true,
      enableKeyRotation: true,
      selfMutation: true,
      // One CREATE_UPDATE action per stack instead of a change set's Prepare and Execute: nothing
      // reviews the change set between the two (the approval comes before the stage), and it
      // halves the deploy actions. At 20 APIs x 50 consumers that is 164 actions in place of 328,
      // which cut synth from 28.7 to 20.4 s: CDK's built-in template validation takes time
      // superlinear in the pipeline's stages (8.3 s of the 28.7 on this one template; see
      // docs/benchmarks.md), and each deploy is one CodePipeline transition shorter.
      useChangeSets: false,
      synth: new pipelines.ShellStep('Synth', { input: source, commands: SYNTH_COMMANDS }),
      // Lambda code is bundled by local esbuild: synth needs no Docker. Only publishing the API's
      // image asset does, and CDK Pipelines turns privileged mode on for that step alone.
      dockerEnabledForSynth: false,
      dockerEnabledForSelfMutation: false,
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
        partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: PIN_NODE } }),
        timeout: Duration.minutes(30),
        logging: { cloudWatch: { logGroup: buildLogs } },
      },
    });

    this.stages = props.stages;
    for (const stage of props.stages) {
      const { environment } = stage;
      const pre: pipelines.Step[] = [];
      if (environment.requireApproval) {
        // Broadening first, so the approver sees which IAM/SG changes widen access.
        const broadening = new pipelines.ConfirmPermissionsBroadening('CheckPermissionsBroadening', { stage });
        const approval = new pipelines.ManualApprovalStep(`Promote-to-${stageIdFor(environment)}`, {
          comment: `Deploy ${environment.name}? Earlier environments passed their deploy-time health checks.`,
        });
        approval.addStepDependency(broadening);
        pre.push(broadening, approval);
      }
      this.pipeline.addStage(stage, { pre });
    }

    this.pipeline.buildPipeline();
    this.hardenArtifacts();
    this.hardenInternals(buildLogs);
    this.grantConnectionUse(config.pipeline.connectionArn);
    acknowledgeCdkPipelineGrants(this.pipeline);
  }

  /**
   * CDK grants the source action `codestar-connections:UseConnection` only, and IAM matches the
   * action's prefix against the resource's: a connection created since 2024 has a
   * `arn:aws:codeconnections:` ARN and needs `codeconnections:UseConnection`.
   */
  private grantConnectionUse(connectionArn: string): void {
    const service = connectionArn.split(':')[2];
    if (service === 'codestar-connections') return;
    const roles = this.pipeline.pipeline.node.findChild('Source').node.findAll().filter((c): c is iam.Role => c instanceof iam.Role);
    if (roles.length !== 1) throw new Error(`${this.node.path}: expected one source action role, found ${roles.length}; CDK Pipelines changed its layout.`);
    roles[0].addToPrincipalPolicy(new iam.PolicyStatement({ actions: [`${service}:UseConnection`], resources: [connectionArn] }));
  }

  /**
   * CDK Pipelines' permissions-broadening check brings its own CodeBuild project (which ignores
   * codeBuildDefaults) and a Lambda log group: give them the pipeline's encrypted logs and the
   * pinned Node.js.
   */
  private hardenInternals(buildLogs: logs.LogGroup): void {
    for (const construct of this.pipeline.node.findAll()) {
      if (construct instanceof codebuild.Project) {
        const project = construct.node.defaultChild as codebuild.CfnProject;
        if (!project.logsConfig) {
          project.logsConfig = { cloudWatchLogs: { status: 'ENABLED', groupName: buildLogs.logGroupName } };
          // The escape hatch bypasses CDK's grant: without it CodeBuild refuses to start the
          // build (its role may only write /aws/codebuild/<project>) and prod never deploys.
          buildLogs.grantWrite(construct);
        }
        pinNodeInBuildSpec(project);
      }
      if (construct instanceof logs.CfnLogGroup && !construct.kmsKeyId) {
        construct.kmsKeyId = StackEncryptionKey.of(this).keyArn;
      }
    }
  }

  /**
   * The artifact bucket and key CDK Pipelines creates have no L2 options for these: server access
   * logs, versioning and expiry on the bucket, and the grant restriction on the key.
   */
  private hardenArtifacts(): void {
    const accessLogs = new s3.Bucket(this, 'ArtifactAccessLogs', LOG_BUCKET_PROPS);
    accessLogs.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [accessLogs.arnForObjects('artifacts/*')],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    acknowledgeLogTargetBucket(accessLogs);

    const bucket = this.pipeline.pipeline.artifactBucket;
    const artifacts = bucket.node.defaultChild as s3.CfnBucket;
    artifacts.loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: 'artifacts/' };
    artifacts.versioningConfiguration = { status: 'Enabled' };
    artifacts.lifecycleConfiguration = {
      rules: [{ status: 'Enabled', expirationInDays: 90, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
    };
    bucket.encryptionKey?.addToResourcePolicy(denyGrantsExceptForAwsServices());
    const acknowledge = (id: string, reason: string) => Validations.of(bucket).acknowledge({ id, reason });
    acknowledge('NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled', 'Pipeline artifacts are rebuilt from source on every run and expire after 90 days; a second-region copy protects nothing.');
    acknowledge('cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check', 'Artifacts expire after 90 days by lifecycle, which object lock would block; versioning keeps overwritten objects for 30 days.');
    acknowledge('cdk-validator-cfnguard::s3_event_notifications_enabled_check', 'CodePipeline drives every use of its artifacts; nothing consumes bucket events.');
  }

}

/**
 * Adds {@link PIN_NODE} to a project whose buildspec CDK wrote without it (the
 * permissions-broadening check's: an inline JSON string, possibly inside an `Fn::Join`).
 */
function pinNodeInBuildSpec(project: codebuild.CfnProject): void {
  const source = project.source as codebuild.CfnProject.SourceProperty;
  const spec = Stack.of(project).resolve(source.buildSpec) as string | { 'Fn::Join': [string, unknown[]] };
  const parts = typeof spec === 'string' ? [spec] : spec['Fn::Join'][1];
  const head = parts[0];
  if (typeof head !== 'string') throw new Error(`${project.node.path}: unexpected buildspec form; cannot pin Node.js ${NODE_MAJOR}.`);
  if (head.includes('"runtime-versions"')) return;
  const pinned = head.replace(/"phases": \{\n/, `"phases": {\n    "install": ${JSON.stringify(PIN_NODE)},\n`);
  if (pinned === head) throw new Error(`${project.node.path}: buildspec has no "phases" to pin Node.js ${NODE_MAJOR} in.`);
  const buildSpec = typeof spec === 'string' ? pinned : { 'Fn::Join': [spec['Fn::Join'][0], [pinned, ...parts.slice(1)]] };
  project.source = { ...source, buildSpec: buildSpec as unknown as string };
}
