import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BundledNodeFunction } from './bundled-node-function';

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
export class DeployTimeFunction extends BundledNodeFunction {
  constructor(scope: Construct, id: string, props: DeployTimeFunctionProps) {
    super(scope, id, {
      entry: props.entry,
      role: props.role,
      logGroup: props.logGroup,
      timeout: props.timeout,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      externalModules: ['@aws-sdk/*'],
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
