import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { StackEncryptionKey } from './stack-encryption-key';

/** Properties of {@link RetainedLogGroup}. */
export interface RetainedLogGroupProps {
  /**
   * How long CloudWatch Logs keeps the events.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;
  /**
   * The log group's name, where a service writes to a name of its own choosing (AppSync:
   * `/aws/appsync/apis/<api id>`).
   * @default - a name CloudFormation generates
   */
  readonly logGroupName?: string;
}

/**
 * A log group as every log group of this project is: encrypted with its stack's key
 * ({@link StackEncryptionKey}), retained when its stack or construct goes (logs are evidence after
 * a teardown or a failed rollback), with a finite retention. A plain `logs.LogGroup` underneath, so
 * the construct id gives the same logical id as a `LogGroup` of that id did.
 */
export class RetainedLogGroup extends logs.LogGroup {
  constructor(scope: Construct, id: string, props?: RetainedLogGroupProps) {
    super(scope, id, {
      logGroupName: props?.logGroupName,
      retention: props?.retention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: StackEncryptionKey.of(scope),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
