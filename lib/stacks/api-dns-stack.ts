import { Construct } from 'constructs';
import { delegationProviderRoleName, delegationRoleArn } from '../config/names';
import { EnvironmentConfig } from '../config/types';
import { DelegatedSubdomain } from '../constructs/delegated-subdomain';
import { AccountStack, AccountStackProps } from './account-stack';

/** Properties of {@link ApiDnsStack}. */
export interface ApiDnsStackProps extends AccountStackProps {
  /** The environment whose API name this is. */
  readonly environment: EnvironmentConfig;
}

/** In the api account: the API's subzone, its delegation from the parent, and its certificate. */
export class ApiDnsStack extends AccountStack {
  /** The subzone and certificate, for the service stack. */
  public readonly subdomain: DelegatedSubdomain;

  constructor(scope: Construct, id: string, props: ApiDnsStackProps) {
    super(scope, id, props);
    const { config, environment } = props;
    this.subdomain = new DelegatedSubdomain(this, 'Subdomain', {
      domainName: environment.apiDomain,
      parentZoneId: config.parentZone.id,
      delegationRoleArn: delegationRoleArn(config, environment),
      providerRoleName: delegationProviderRoleName(config, environment),
    });
  }
}
