import { Construct } from 'constructs';
import { delegationProviderRoleName, delegationRoleArn } from '../config/names';
import { ApiConfig, EnvironmentConfig } from '../config/types';
import { DelegatedSubdomain } from '../constructs/delegated-subdomain';
import { AccountStack, AccountStackProps } from '../stacks/account-stack';

/** Properties of {@link ApiDnsStack}. */
export interface ApiDnsStackProps extends AccountStackProps {
  /** The environment whose delegation role writes the NS record. */
  readonly environment: EnvironmentConfig;
  /** The API whose name this is. */
  readonly api: ApiConfig;
}

/** In the API's account: its subzone, the subzone's delegation from the parent, and its certificate. */
export class ApiDnsStack extends AccountStack {
  /** The subzone and certificate, for the service stack. */
  public readonly subdomain: DelegatedSubdomain;

  constructor(scope: Construct, id: string, props: ApiDnsStackProps) {
    super(scope, id, props);
    const { config, environment, api } = props;
    this.subdomain = new DelegatedSubdomain(this, 'Subdomain', {
      domainName: api.domain,
      parentZoneId: config.parentZone.id,
      delegationRoleArn: delegationRoleArn(config, environment),
      providerRoleName: delegationProviderRoleName(config, environment, api),
    });
  }
}
