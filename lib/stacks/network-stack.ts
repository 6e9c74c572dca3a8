import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/types';
import { InterfaceEndpointName, PrivateNetwork } from '../constructs/private-network';
import { AccountStack, AccountStackProps } from './account-stack';
import { transitGatewayIdFor } from './transit-gateway-id';

/** Properties of {@link NetworkStack}. */
export interface NetworkStackProps extends AccountStackProps {
  /** The environment the VPC belongs to. */
  readonly environment: EnvironmentConfig;
  /** This VPC's CIDR. */
  readonly cidr: string;
  /** CIDRs of the VPCs this one must reach over the transit gateway. */
  readonly peerCidrs: readonly string[];
  /**
   * Interface endpoints, by what runs in the VPC.
   * @default - none
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointName[];
  /**
   * Add the S3 gateway endpoint for ECR image layers.
   * @default false
   */
  readonly ecrLayerS3Endpoint?: boolean;
}

/** One private VPC of an environment (the API's or a consumer's), attached to its transit gateway. */
export class NetworkStack extends AccountStack {
  /** The network, for the stacks that place workloads in it. */
  public readonly network: PrivateNetwork;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config, environment } = props;
    this.network = new PrivateNetwork(this, 'Network', {
      cidr: props.cidr,
      availabilityZones: config.availabilityZones,
      workloadSubnetMask: config.subnets.workloadMask,
      transitSubnetMask: config.subnets.transitMask,
      transitGatewayId: transitGatewayIdFor(this, config, environment),
      peerCidrs: props.peerCidrs,
      interfaceEndpoints: props.interfaceEndpoints,
      ecrLayerS3Endpoint: props.ecrLayerS3Endpoint,
    });
  }
}
