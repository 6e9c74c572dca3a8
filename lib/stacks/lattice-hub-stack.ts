import * as ram from 'aws-cdk-lib/aws-ram';
import { Construct } from 'constructs';
import { connectivityOf } from '../config/connectivity';
import { latticeNetworkPolicy } from '../config/lattice-policies';
import { latticeServiceNetworkName } from '../config/names';
import { sharedParameterPrincipals } from '../config/shared-parameters';
import { EnvironmentConfig } from '../config/types';
import { LatticeServiceNetwork } from '../constructs/lattice-service-network';
import { SharedParameter } from '../constructs/shared-parameter';
import { AccountStack, AccountStackProps } from './account-stack';

/** Properties of {@link LatticeHubStack}. */
export interface LatticeHubStackProps extends AccountStackProps {
  /** The environment whose service network this is (lattice mode). */
  readonly environment: EnvironmentConfig;
}

/**
 * The environment's VPC Lattice service network in the network account, shared through RAM with
 * the environment's API accounts (which associate their services) and consumer accounts (which
 * associate their VPCs), its ARN published as a shared parameter. One network per environment:
 * dev's consumers can never reach a prod service.
 */
export class LatticeHubStack extends AccountStack {
  /** The service network. */
  public readonly serviceNetwork: LatticeServiceNetwork;
  /** The RAM share of the network, absent when every account is the network account. */
  public readonly networkShare?: ram.CfnResourceShare;

  constructor(scope: Construct, id: string, props: LatticeHubStackProps) {
    super(scope, id, props);
    const { config, environment } = props;
    if (connectivityOf(environment) !== 'lattice') {
      throw new Error(`${this.node.path}: environment "${environment.name}" is in ${connectivityOf(environment)} mode; LatticeHub is only built in lattice mode.`);
    }
    this.serviceNetwork = new LatticeServiceNetwork(this, 'ServiceNetwork', {
      name: latticeServiceNetworkName(config, environment),
      policy: latticeNetworkPolicy(config, environment),
    });
    const principals = sharedParameterPrincipals(config, environment, 'service-network-arn');
    if (principals.length > 0) {
      this.networkShare = new ram.CfnResourceShare(this, 'NetworkShare', {
        name: `${config.projectName}-${environment.name}-service-network`,
        resourceArns: [this.serviceNetwork.serviceNetworkArn],
        principals,
        allowExternalPrincipals: false,
      });
    }
    new SharedParameter(this, 'ServiceNetworkArnParameter', {
      config,
      environment,
      key: 'service-network-arn',
      value: this.serviceNetwork.serviceNetworkArn,
    });
  }
}
