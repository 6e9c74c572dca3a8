import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { acknowledgeCdkPipelineGrants } from '../compliance/pipeline-acknowledgements';
import { acknowledgeLogTargetBucket, LOG_BUCKET_PROPS } from '../constructs/log-bucket';
import { denyGrantsExceptForAwsServices, StackEncryptionKey } from '../constructs/stack-encryption-key';
import { AccountStack, AccountStackProps } from '../stacks/account-stack';
import { EnvironmentStage, stageIdFor } from '../stages/environment-stage';

/** The synth step's commands: the quick start's install and synth (README.md), with the type check. */
export const SYNTH_COMMANDS = ['npm ci', 'npm run build', 'npx cdk synth'];

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

    const buildLogs = new logs.LogGroup(this, 'BuildLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      encryptionKey: StackEncryptionKey.of(this),
      removalPolicy: RemovalPolicy.RETAIN,
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
    acknowledgeCdkPipelineGrants(this.pipeline);
  }

  /**
   * CDK Pipelines' permissions-broadening check brings its own CodeBuild project (which ignores
   * codeBuildDefaults.logging) and a Lambda log group: give them the pipeline's encrypted logs.
   */
  private hardenInternals(buildLogs: logs.LogGroup): void {
    for (const construct of this.pipeline.node.findAll()) {
      if (construct instanceof codebuild.CfnProject && !construct.logsConfig) {
        construct.logsConfig = { cloudWatchLogs: { status: 'ENABLED', groupName: buildLogs.logGroupName } };
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
