import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** How every function of this project is bundled: local esbuild, no Docker at synth. */
export const NODE_BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  minify: true,
  sourceMap: true,
  target: 'node24',
  format: nodejs.OutputFormat.CJS,
  // Quiet synth: esbuild reports only errors.
  logLevel: nodejs.LogLevel.ERROR,
};

/** Properties of {@link DeployTimeFunction}. */
export interface DeployTimeFunctionProps {
  /** The handler's source file (exports `handler`). */
  readonly entry: string;
  /** Its role: the caller grants exactly what the handler calls. */
  readonly role: iam.IRole;
  /** Its log group (the role must be able to write to it). */
  readonly logGroup: logs.ILogGroup;
  /** Longer than the slowest thing it waits for, so it always answers CloudFormation itself. */
  readonly timeout: Duration;
}

/**
 * A custom-resource handler that runs once per deployment, outside any VPC: it must reach AWS
 * APIs and CloudFormation's pre-signed response URL, which the isolated VPCs have no route to.
 * Uses the AWS SDK v3 of the Node.js Lambda runtime (kept out of the bundle).
 */
export class DeployTimeFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: DeployTimeFunctionProps) {
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      role: props.role,
      logGroup: props.logGroup,
      timeout: props.timeout,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      bundling: { ...NODE_BUNDLING, externalModules: ['@aws-sdk/*'] },
    });
    const reason = 'Runs once per deployment as a custom-resource handler and must reach AWS APIs and CloudFormation\'s pre-signed response URL, which the isolated VPCs have no route to.';
    Validations.of(this).acknowledge(
      { id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC', reason },
      { id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', reason: 'Invoked synchronously by CloudFormation once per deployment; a DLQ only receives failed asynchronous invocations.' },
      { id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaConcurrency', reason: 'Runs once per deployment; reserved concurrency can fail the deploy in accounts with the new-account quota of 10.' },
    );
  }
}
