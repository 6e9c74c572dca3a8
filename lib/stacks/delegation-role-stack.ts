import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { delegationProviderRoleArn, delegationProviderRoleName, delegationRoleName } from '../config/names';
import { EnvironmentConfig } from '../config/types';
import { AccountStack, AccountStackProps } from './account-stack';

/** Properties of {@link DelegationRoleStack}. */
export interface DelegationRoleStackProps extends AccountStackProps {
  /** The environment whose API subdomain the role may delegate. */
  readonly environment: EnvironmentConfig;
}

/**
 * In the dns account: a role that only the environment's api account can assume, allowed only
 * to write the NS record of that environment's API subdomain in the parent zone.
 */
export class DelegationRoleStack extends AccountStack {
  /** The role. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DelegationRoleStackProps) {
    super(scope, id, props);
    const { config, environment } = props;
    // Imported by id and name, never looked up: synth stays offline.
    // HostedZone, not PublicHostedZone.fromPublicHostedZoneAttributes: in aws-cdk-lib 2.276 the latter's
    // grantDelegation scopes the policy to hostedzone/<zone NAME>, which denies the delegation at deploy.
    const parentZone = route53.HostedZone.fromHostedZoneAttributes(this, 'ParentZone', {
      hostedZoneId: config.parentZone.id,
      zoneName: config.parentZone.name,
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: delegationRoleName(config, environment),
      // Only the api account's delegation provider, not every principal of that account. The role
      // is created later (ApiDns), so it is named in a condition: a trust policy naming a role that
      // does not exist yet is rejected.
      assumedBy: new iam.AccountPrincipal(environment.apiAccount).withConditions({
        ArnEquals: { 'aws:PrincipalArn': delegationProviderRoleArn(config, environment) },
      }),
      description: `Lets ${delegationProviderRoleName(config, environment)} of ${environment.apiAccount} write only the NS record of ${environment.apiDomain} in ${config.parentZone.name}`,
    });
    parentZone.grantDelegation(this.role, { delegatedZoneNames: [environment.apiDomain] });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only route53:ListHostedZonesByName is on "*": that action supports no resource-level permissions ' +
        '(Service Authorization Reference) and reveals zone names, not records. The write, ' +
        'ChangeResourceRecordSets, is limited to the parent zone, NS records and this one name.',
    });
  }
}
