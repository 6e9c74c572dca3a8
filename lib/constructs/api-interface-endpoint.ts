import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { TLS_PORT } from './internal-nlb-service';

/** Properties of {@link ApiInterfaceEndpoint}. */
export interface ApiInterfaceEndpointProps {
  /** The consumer VPC. */
  readonly vpc: ec2.IVpc;
  /** Where the endpoint's network interfaces go (the workload subnets, one per AZ). */
  readonly subnets: ec2.SubnetSelection;
  /** The API's endpoint service name (`com.amazonaws.vpce.<region>.vpce-svc-...`), from the shared parameter. */
  readonly serviceName: string;
}

/**
 * A consumer VPC's interface endpoint to the API's endpoint service, with private DNS on: inside
 * this VPC the API's own name (`api.<env>...`) resolves to the endpoint, so callers use the same
 * URL and check the same certificate as over a transit gateway. Its security group admits HTTPS
 * only from the clients given to {@link allowFrom}.
 */
export class ApiInterfaceEndpoint extends Construct {
  /** The interface endpoint. */
  public readonly endpoint: ec2.InterfaceVpcEndpoint;
  /** The endpoint's security group: the only destination the API's callers need. */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ApiInterfaceEndpointProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Interface endpoint to the internal API: HTTPS from its callers only',
      allowAllOutbound: false,
    });
    this.endpoint = new ec2.InterfaceVpcEndpoint(this, 'Endpoint', {
      vpc: props.vpc,
      service: new ec2.InterfaceVpcEndpointService(props.serviceName, TLS_PORT),
      privateDnsEnabled: true,
      subnets: props.subnets,
      securityGroups: [this.securityGroup],
      // No rule for the whole VPC: callers are admitted one security group at a time.
      open: false,
    });
  }

  /** Admits `client` (a security group) to the endpoint on 443. */
  public allowFrom(client: ec2.ISecurityGroup, description: string): void {
    this.securityGroup.addIngressRule(client, ec2.Port.tcp(TLS_PORT), description);
  }
}
