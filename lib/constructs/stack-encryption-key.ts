import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

const ID = 'StackEncryptionKey';

/**
 * One customer-managed KMS key per stack (about $1 a month) for that stack's log groups and
 * alarm topic, with yearly rotation. Its policy lets CloudWatch Logs use it only for log groups
 * of this account and region, and CloudWatch alarms publish to topics encrypted with it.
 */
export class StackEncryptionKey extends Construct {
  /** The stack's key, created on first use. */
  public static of(scope: Construct): kms.Key {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(ID) as StackEncryptionKey | undefined;
    return (existing ?? new StackEncryptionKey(stack, ID)).key;
  }

  /** The key. */
  public readonly key: kms.Key;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: `${stack.stackName}: log groups and alarm topic`,
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }),
    );
    this.key.addToResourcePolicy(denyGrantsExceptForAwsServices());
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }
}

/**
 * Key-policy statement: only AWS services (or grants for AWS resources) may create grants on the
 * key, so no principal can hand its use to another (Control Tower CT.KMS.PR.3).
 */
export function denyGrantsExceptForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}
