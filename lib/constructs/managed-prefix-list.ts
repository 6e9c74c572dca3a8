import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { RetainedLogGroup } from './retained-log-group';

/**
 * The id of the AWS-managed prefix list `com.amazonaws.<region>.<service>` (e.g. `s3`,
 * `vpc-lattice`), read at deploy time, never at synth: the id differs per region, and a synth-time
 * lookup would need credentials of every account. Security-group rules can then name the service's
 * addresses instead of a CIDR that AWS may change (VPC Lattice's list holds link-local and, in
 * some regions, non-routable public addresses). The constructs are created in `scope` as
 * `<id>Logs`, `<id>Role` and `<id>`, with the physical id `<physicalIdPrefix>-<region>`.
 */
export function managedPrefixListId(scope: Construct, id: string, service: string, physicalIdPrefix: string): string {
  const region = Stack.of(scope).region;
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- the ids of the S3 lookup deployed before this helper existed
  const logGroup = new RetainedLogGroup(scope, `${id}Logs`);
  // Its own role: write to its own log group, read prefix lists; no managed policy.
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- as above
  const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  // eslint-disable-next-line awscdk/require-passing-this, awscdk/no-variable-construct-id -- as above
  const lookup = new cr.AwsCustomResource(scope, id, {
    role,
    logGroup,
    onUpdate: {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${region}.${service}`] }] },
      physicalResourceId: cr.PhysicalResourceId.of(`${physicalIdPrefix}-${region}`),
      outputPaths: ['PrefixLists.0.PrefixListId'],
    },
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({ actions: ['ec2:DescribeManagedPrefixLists'], resources: ['*'] }),
    ]),
    installLatestAwsSdk: false,
  });
  Validations.of(lookup).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:DescribeManagedPrefixLists is a read-only Describe action with no resource-level permissions (Service Authorization Reference).',
  });
  return lookup.getResponseField('PrefixLists.0.PrefixListId');
}
