import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addressPlan } from '../config/address-plan';
import { isAzId } from '../config/availability-zones';
import { cidrToId } from '../config/cidr';
import { PerAzSlotAddresses } from './per-az-slot-addresses';
import { managedPrefixListId } from './managed-prefix-list';
import { RetainedLogGroup } from './retained-log-group';

/** Interface endpoints this construct knows how to add, by what runs in the VPC. */
export type InterfaceEndpointName = 'ecr.api' | 'ecr.dkr' | 'logs' | 'sts';

const INTERFACE_SERVICES: Record<InterfaceEndpointName, { id: string; service: ec2.InterfaceVpcEndpointAwsService }> = {
  'ecr.api': { id: 'EcrApiEndpoint', service: ec2.InterfaceVpcEndpointAwsService.ECR },
  'ecr.dkr': { id: 'EcrDockerEndpoint', service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER },
  logs: { id: 'LogsEndpoint', service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS },
  sts: { id: 'StsEndpoint', service: ec2.InterfaceVpcEndpointAwsService.STS },
};

/** Name of the subnet group that runs workloads (tasks, NLB, Lambda). */
export const WORKLOAD_SUBNET_GROUP = 'workload';
/** Name of the subnet group that only holds the transit gateway attachment's ENIs. */
export const TRANSIT_SUBNET_GROUP = 'transit';

/** Properties of {@link PrivateNetwork}. */
export interface PrivateNetworkProps {
  /** The VPC's CIDR; must not overlap any peer reachable over the transit gateway. */
  readonly cidr: string;
  /**
   * Availability zones, from config, never looked up: AZ ids (`euw1-az1`, the same physical zone
   * in every account) or names. The position of an AZ is its address slot: append only.
   */
  readonly availabilityZones: readonly string[];
  /** Prefix length of each AZ's workload subnet. */
  readonly workloadSubnetMask: number;
  /** Prefix length of each AZ's transit-gateway attachment subnet (AWS recommends /28). */
  readonly transitSubnetMask: number;
  /**
   * Id of the environment's transit gateway (a token when read from a shared parameter).
   * @default - no transit gateway (PrivateLink mode): no transit subnets, attachment or peer routes
   */
  readonly transitGatewayId?: string;
  /**
   * CIDRs of the other VPCs of the environment, routed through the transit gateway.
   * @default - none
   */
  readonly peerCidrs?: readonly string[];
  /**
   * Interface endpoints to create, by what runs in this VPC (each costs about $7/month per AZ).
   * @default - none (a VPC that only runs Lambda needs none)
   */
  readonly interfaceEndpoints?: readonly InterfaceEndpointName[];
  /**
   * Add the S3 gateway endpoint (free) on the workload route tables, limited to the ECR layer
   * bucket of the region: ECR serves image layers from S3.
   * @default false
   */
  readonly ecrLayerS3Endpoint?: boolean;
  /**
   * How long to keep the VPC flow logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * An isolated VPC with no route to the internet (no IGW, no NAT, no public subnet), attached to an
 * environment's transit gateway through a dedicated subnet per AZ, with routes to every peer VPC
 * and only the VPC endpoints its workloads need. Without a gateway (PrivateLink mode) it has the
 * workload subnets only.
 */
export class PrivateNetwork extends Construct {
  /** The VPC, for services placed in it. */
  public readonly vpc: ec2.Vpc;
  /** The transit gateway attachment (routes to peers depend on it); absent without a gateway. */
  public readonly transitAttachment?: ec2.CfnTransitGatewayAttachment;
  /** The workload subnets, exactly one per AZ. */
  public readonly workloadSubnets: ec2.SubnetSelection;
  /** The security group of the interface endpoints, when any were created. */
  public readonly endpointSecurityGroup?: ec2.SecurityGroup;
  /** The VPC's CIDR, as given (a literal, usable where `Fn::GetAtt` would break a rule check). */
  public readonly cidr: string;
  /**
   * Id of the region's S3 managed prefix list (where ECR image layers are served), for
   * security-group egress; present when `ecrLayerS3Endpoint` is set.
   */
  public readonly s3PrefixListId?: string;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    if (props.availabilityZones.length < 2) {
      throw new Error(
        `${this.node.path}: needs at least 2 availability zones, got ${JSON.stringify(props.availabilityZones)}; ` +
          'add one in the configuration\'s availabilityZones.',
      );
    }
    this.cidr = props.cidr;

    const flowLogGroup = new RetainedLogGroup(this, 'FlowLogs', { retention: props.flowLogRetention });

    const plan = addressPlan(props.cidr, props.availabilityZones.length, props.workloadSubnetMask, props.transitSubnetMask);
    if (!plan) {
      throw new Error(
        `${this.node.path}: ${props.availabilityZones.length} AZs of /${props.workloadSubnetMask} workload and /${props.transitSubnetMask} ` +
          `transit subnets do not fit in ${props.cidr}; use a larger VPC CIDR or smaller subnets.`,
      );
    }
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: new PerAzSlotAddresses(props.cidr, props.availabilityZones, {
        [WORKLOAD_SUBNET_GROUP]: plan.workload,
        [TRANSIT_SUBNET_GROUP]: plan.transit,
      }),
      availabilityZones: [...props.availabilityZones],
      natGateways: 0,
      createInternetGateway: false,
      subnetConfiguration: [
        { name: WORKLOAD_SUBNET_GROUP, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: props.workloadSubnetMask },
        ...(props.transitGatewayId === undefined
          ? []
          : [{ name: TRANSIT_SUBNET_GROUP, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: props.transitSubnetMask }]),
      ],
      flowLogs: {
        All: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });
    this.workloadSubnets = { subnetGroupName: WORKLOAD_SUBNET_GROUP };
    if (props.availabilityZones.every(isAzId)) {
      // ec2.Vpc only knows AZ names; the ids stand in for them as labels, and each subnet is
      // placed by AvailabilityZoneId, which names the same physical zone in every account.
      for (const subnet of [...this.vpc.isolatedSubnets]) {
        const cfnSubnet = subnet.node.defaultChild as ec2.CfnSubnet;
        cfnSubnet.availabilityZoneId = cfnSubnet.availabilityZone;
        cfnSubnet.availabilityZone = undefined;
      }
    } else {
      Validations.of(this.vpc).acknowledge({
        id: 'CloudFormation-Validate::W3010',
        reason: 'AZ names come from the validated configuration on purpose: synth must never look them up (offline, reproducible), and validation checks they belong to the region.',
      });
    }

    if (props.transitGatewayId !== undefined) this.transitAttachment = this.attach(props.transitGatewayId, props.peerCidrs ?? []);

    if (props.interfaceEndpoints && props.interfaceEndpoints.length > 0) {
      this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc,
        description: 'VPC interface endpoints: HTTPS from inside this VPC only',
        allowAllOutbound: false,
      });
      // The literal CIDR, not vpc.vpcCidrBlock: the Fn::GetAtt form crashes cdk-nag's EC23 rule.
      this.endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from this VPC');
      for (const name of props.interfaceEndpoints) {
        const { id: endpointId, service } = INTERFACE_SERVICES[name];
        this.vpc.addInterfaceEndpoint(endpointId, {
          service,
          privateDnsEnabled: true,
          subnets: this.workloadSubnets,
          securityGroups: [this.endpointSecurityGroup],
          open: false,
        });
      }
    }

    if (props.ecrLayerS3Endpoint) {
      const s3 = this.vpc.addGatewayEndpoint('S3Endpoint', {
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: [this.workloadSubnets],
      });
      // ECR keeps image layers in an AWS-owned bucket per region; nothing else in this VPC uses S3.
      s3.addToPolicy(
        new iam.PolicyStatement({
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:GetObject'],
          resources: [`arn:${this.vpc.stack.partition}:s3:::prod-${this.vpc.stack.region}-starport-layer-bucket/*`],
        }),
      );
      // Not an attribute of the endpoint: the tasks' egress names S3 by it instead of 0.0.0.0/0.
      this.s3PrefixListId = managedPrefixListId(this, 'S3PrefixList', 's3', 's3-prefix-list');
    }
  }

  /** The attachment through the transit subnets, and a route to each peer from every workload subnet. */
  private attach(transitGatewayId: string, peerCidrs: readonly string[]): ec2.CfnTransitGatewayAttachment {
    const transitSubnets = this.vpc.selectSubnets({ subnetGroupName: TRANSIT_SUBNET_GROUP });
    // AWS::EC2::TransitGatewayAttachment, not ...VpcAttachment: on the latter a change of SubnetIds
    // (adding an AZ) replaces the attachment, and a VPC cannot hold a second attachment to the
    // same gateway while the first exists, so the update would fail.
    const attachment = new ec2.CfnTransitGatewayAttachment(this, 'TransitAttachment', {
      transitGatewayId,
      vpcId: this.vpc.vpcId,
      subnetIds: transitSubnets.subnetIds,
      options: { DnsSupport: 'enable' },
    });

    // Routes by peer CIDR (not by index) so adding a consumer never renames existing routes.
    const workload = this.vpc.selectSubnets(this.workloadSubnets);
    for (const subnet of workload.subnets) {
      for (const peer of peerCidrs) {
        const route = new ec2.CfnRoute(subnet as Construct, `ToPeer-${cidrToId(peer)}`, {
          routeTableId: subnet.routeTable.routeTableId,
          destinationCidrBlock: peer,
          transitGatewayId,
        });
        // A route to a TGW whose attachment is not yet available fails to create.
        route.addResourceDependency(attachment);
      }
    }
    return attachment;
  }
}
