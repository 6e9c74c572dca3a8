import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { acknowledgeCdkPipelineGrants } from '../compliance/pipeline-acknowledgements';
import { AccountStack, AccountStackProps } from '../stacks/account-stack';
import { EnvironmentStage, stageIdFor } from '../stages/environment-stage';

/** The synth step's commands: exactly the README's, after a clean install. */
export const SYNTH_COMMANDS = ['npm ci', 'npm run build', 'npx cdk synth'];

/** Properties of {@link PipelineStack}. */
export type PipelineStackProps = AccountStackProps;

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

    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: `${config.projectName}-delivery`,
      // Target accounts decrypt artifacts with this key; rotate it yearly.
      crossAccountKeys: true,
      enableKeyRotation: true,
      selfMutation: true,
      synth: new pipelines.ShellStep('Synth', { input: source, commands: SYNTH_COMMANDS }),
      // Lambda code is bundled by local esbuild: synth needs no Docker. Only publishing the API's
      // image asset does, and CDK Pipelines turns privileged mode on for that step alone.
      dockerEnabledForSynth: false,
      dockerEnabledForSelfMutation: false,
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
        timeout: Duration.minutes(30),
      },
    });

    this.stages = config.environments.map((environment) => {
      const stage = new EnvironmentStage(this, stageIdFor(environment), { config, environment });
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
      return stage;
    });

    this.pipeline.buildPipeline();
    this.logArtifactAccess();
    acknowledgeCdkPipelineGrants(this.pipeline);
  }

  /** Server access logs for the artifact bucket CDK Pipelines creates (no L2 option reaches it). */
  private logArtifactAccess(): void {
    const accessLogs = new s3.Bucket(this, 'ArtifactAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    accessLogs.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [accessLogs.arnForObjects('artifacts/*')],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'This bucket is the server-access-log target of the artifact bucket; logging it too would need another bucket, without end.',
    });
    const artifacts = this.pipeline.pipeline.artifactBucket.node.defaultChild as s3.CfnBucket;
    artifacts.loggingConfiguration = { destinationBucketName: accessLogs.bucketName, logFilePrefix: 'artifacts/' };
  }
}
