import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Construct } from 'constructs';

/** Properties of {@link LatticeVpcAssociation}. */
export interface LatticeVpcAssociationProps {
  /** The VPC whose clients call the network's services. */
  readonly vpc: ec2.IVpc;
  /** The ARN of the service network (an ARN, not an id: it belongs to another account). */
  readonly serviceNetworkArn: string;
}

/**
 * A VPC's association with a VPC Lattice service network (a VPC joins one network at most), with
 * a security group on it that admits no one until a client is allowed in: `allowFrom(group)`
 * admits that group's members on 443, the only port the network's services listen on.
 */
export class LatticeVpcAssociation extends Construct implements ec2.IConnectable {
  /** The association. */
  public readonly association: vpclattice.CfnServiceNetworkVpcAssociation;
  /** Its security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The group's connections. */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: LatticeVpcAssociationProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'VPC Lattice association: HTTPS from the GraphQL functions only',
      allowAllOutbound: false,
    });
    this.connections = this.securityGroup.connections;
    this.association = new vpclattice.CfnServiceNetworkVpcAssociation(this, 'Resource', {
      vpcIdentifier: props.vpc.vpcId,
      serviceNetworkIdentifier: props.serviceNetworkArn,
      securityGroupIds: [this.securityGroup.securityGroupId],
    });
  }

  /** Lets `peer`'s members into the service network on 443. */
  public allowFrom(peer: ec2.IConnectable, description: string): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(443), description);
  }
}
