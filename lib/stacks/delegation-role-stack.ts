import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { delegationProviderRoleArn, delegationRoleName } from '../config/names';
import { EnvironmentConfig } from '../config/types';
import { AccountStack, AccountStackProps } from './account-stack';

/** Properties of {@link DelegationRoleStack}. */
export interface DelegationRoleStackProps extends AccountStackProps {
  /** The environment whose API subdomains the role may delegate. */
  readonly environment: EnvironmentConfig;
}

/**
 * In the dns account: a role that only the delegation providers of the environment's APIs can
 * assume (one named role in each API's account), allowed only to write the NS records of that
 * environment's API names in the parent zone, and nothing else.
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
    const accounts = [...new Set(environment.apis.map((api) => api.account))];
    this.role = new iam.Role(this, 'Role', {
      roleName: delegationRoleName(config, environment),
      // Only the APIs' delegation providers, not every principal of their accounts. Those roles
      // are created later (ApiDns), so they are named in a condition: a trust policy naming a
      // role that does not exist yet is rejected.
      assumedBy: new iam.CompositePrincipal(...accounts.map((account) => new iam.AccountPrincipal(account))).withConditions({
        ArnEquals: { 'aws:PrincipalArn': environment.apis.map((api) => delegationProviderRoleArn(config, environment, api)) },
      }),
      description: `Lets the DNS delegation roles of ${environment.name}'s APIs write only their NS records in ${config.parentZone.name}`,
    });
    parentZone.grantDelegation(this.role, { delegatedZoneNames: environment.apis.map((api) => api.domain) });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only route53:ListHostedZonesByName is on "*": that action supports no resource-level permissions ' +
        '(Service Authorization Reference) and reveals zone names, not records. The write, ' +
        'ChangeResourceRecordSets, is limited to the parent zone, NS records and this one name.',
    });
  }
}
