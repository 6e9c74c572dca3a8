import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ram from 'aws-cdk-lib/aws-ram';
import { Construct } from 'constructs';
import { transitGatewayOf } from '../config/connectivity';
import { sharedParameterPrincipals } from '../config/shared-parameters';
import { EnvironmentConfig } from '../config/types';
import { SharedParameter } from '../constructs/shared-parameter';
import { AccountStack, AccountStackProps } from './account-stack';

/** Properties of {@link TransitHubStack}. */
export interface TransitHubStackProps extends AccountStackProps {
  /** The environment whose gateway this is. */
  readonly environment: EnvironmentConfig;
}

/**
 * The environment's transit gateway in the network account, shared through RAM with the
 * environment's api and consumer accounts, its id published as a shared parameter.
 * One gateway per environment: dev can never route to prod, at no extra cost.
 */
export class TransitHubStack extends AccountStack {
  /** The gateway. */
  public readonly transitGateway: ec2.CfnTransitGateway;
  /** The RAM share of the gateway, absent when every account is the network account. */
  public readonly gatewayShare?: ram.CfnResourceShare;

  constructor(scope: Construct, id: string, props: TransitHubStackProps) {
    super(scope, id, props);
    const { config, environment } = props;
    const mode = transitGatewayOf(environment);
    if (mode?.mode !== 'create') {
      throw new Error(`${this.node.path}: environment "${environment.name}" imports its transit gateway; TransitHub is only built in "create" mode.`);
    }

    this.transitGateway = new ec2.CfnTransitGateway(this, 'TransitGateway', {
      description: `${config.projectName} ${environment.name}`,
      amazonSideAsn: mode.amazonSideAsn ?? 64512,
      // Spokes live in other accounts: accepting their attachments automatically is what lets
      // each account deploy on its own.
      autoAcceptSharedAttachments: 'enable',
      // No default route table: in it every attachment would reach every other. TransitRouting
      // gives the API and the consumers a table each once the attachments exist.
      defaultRouteTableAssociation: 'disable',
      defaultRouteTablePropagation: 'disable',
      dnsSupport: 'enable',
      vpnEcmpSupport: 'disable',
      tags: [{ key: 'Name', value: `${config.projectName}-${environment.name}` }],
    });
    Validations.of(this.transitGateway).acknowledge({
      id: 'cdk-validator-cfnguard::ec2_transit_gateway_auto_vpc_attach_disabled_check',
      reason: 'Only the environment\'s own accounts can attach (the RAM share names exactly them); manual acceptance would make every spoke deploy wait on the network account.',
    });

    const principals = sharedParameterPrincipals(config, environment, 'transit-gateway-id');
    if (principals.length > 0) {
      this.gatewayShare = new ram.CfnResourceShare(this, 'GatewayShare', {
        name: `${config.projectName}-${environment.name}-transit-gateway`,
        resourceArns: [this.formatArn({ service: 'ec2', resource: 'transit-gateway', resourceName: this.transitGateway.ref })],
        principals,
        allowExternalPrincipals: false,
      });
    }

    new SharedParameter(this, 'TransitGatewayIdParameter', {
      config,
      environment,
      key: 'transit-gateway-id',
      value: this.transitGateway.ref,
    });
  }
}
