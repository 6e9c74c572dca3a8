import * as path from 'node:path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DeployTimeFunction } from './deploy-time-function';
import { RetainedLogGroup } from './retained-log-group';

/** Properties of {@link AcmValidationCleanup}. */
export interface AcmValidationCleanupProps {
  /** The zone that receives ACM's DNS-validation records. */
  readonly zone: route53.IHostedZone;
  /**
   * Retention of the handler's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Deletes ACM's DNS-validation CNAMEs from a zone when the stack is deleted or rolled back, so the
 * zone can be deleted (CloudFormation never deletes the CNAMEs it did not create). Make every DNS-validated certificate of the zone depend on it: then
 * CloudFormation deletes the certificates first, this resource next (removing the records), and the
 * zone last.
 */
export class AcmValidationCleanup extends Construct {
  /** The custom resource; certificates validated in the zone must depend on it. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: AcmValidationCleanupProps) {
    super(scope, id);
    const logGroup = new RetainedLogGroup(this, 'Logs', { retention: props.logRetention });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['route53:ListResourceRecordSets'], resources: [props.zone.hostedZoneArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['route53:ChangeResourceRecordSets'],
        resources: [props.zone.hostedZoneArn],
        // Only deletions, only CNAMEs: it can never add or change a record of the zone.
        conditions: {
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsActions': ['DELETE'], 'route53:ChangeResourceRecordSetsRecordTypes': ['CNAME'] },
        },
      }),
    );
    const handler = new DeployTimeFunction(this, 'Handler', {
      entry: path.join(__dirname, '..', 'runtime', 'dns-validation-cleanup', 'src', 'lambda.ts'),
      role,
      logGroup,
      timeout: Duration.minutes(1),
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: handler.functionArn,
      resourceType: 'Custom::AcmValidationCleanup',
      serviceTimeout: Duration.minutes(2),
      properties: { HostedZoneId: props.zone.hostedZoneId },
    });
    // The handler's permissions must outlive its Delete call.
    this.resource.node.addDependency(role);
  }
}
