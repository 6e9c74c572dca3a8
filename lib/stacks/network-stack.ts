import { Construct } from 'constructs';
import { createsTransitGateway } from '../config/connectivity';
import { EnvironmentVpc } from '../config/shared-parameters';
import { EnvironmentConfig } from '../config/types';
import { InterfaceEndpointName, PrivateNetwork } from '../constructs/private-network';
import { SharedParameter } from '../constructs/shared-parameter';
import { AccountStack, AccountStackProps } from './account-stack';
import { transitGatewayIdFor } from './transit-gateway-id';

/** Properties of {@link NetworkStack}. */
export interface NetworkStackProps extends AccountStackProps {
  /** The environment the VPC belongs to. */
  readonly environment: EnvironmentConfig;
  /** Which of the environment's VPCs this is (names its shared attachment id). */
  readonly vpc: EnvironmentVpc;
  /** This VPC's CIDR. */
  readonly cidr: string;
  /**
   * CIDRs of the VPCs this one must reach over the transit gateway (none in privatelink mode).
   * @default - none
   */
  readonly peerCidrs?: readonly string[];
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
    // A gateway we create is routed by TransitRouting in the network account, which needs this
    // attachment's id. An imported gateway's route tables belong to whoever owns it.
    if (createsTransitGateway(environment)) {
      new SharedParameter(this, 'TransitAttachmentIdParameter', {
        config,
        environment,
        key: 'transit-attachment-id',
        vpc: props.vpc,
        value: this.network.transitAttachment!.ref,
      });
    }
  }
}
