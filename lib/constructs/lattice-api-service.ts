import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PolicyDocumentJson } from '../config/lattice-policies';
import { addFargateApiTasks, FargateApiTasksProps } from './fargate-api-tasks';
import { TLS_PORT } from './internal-nlb-service';
import { LatticeAuthPolicy } from './lattice-auth-policy';
import { managedPrefixListId } from './managed-prefix-list';

/** Properties of {@link LatticeApiService}. */
export interface LatticeApiServiceProps extends FargateApiTasksProps {
  /** The Lattice service's name: 3-40 lowercase letters, digits or single hyphens, not starting with "svc-". */
  readonly name: string;
  /** The API's own DNS name, the service's custom domain name (fixed once the service exists). */
  readonly domainName: string;
  /** The certificate for that name (ACM, this account and region), on the HTTPS listener. */
  readonly certificate: acm.ICertificate;
  /** The ARN of the environment's service network (shared from the network account). */
  readonly serviceNetworkArn: string;
  /** The service's auth policy (latticeServicePolicy): exactly the callers the matrix lists. */
  readonly authPolicy: PolicyDocumentJson;
}

/** The container port's name in the task definition: ECS's VPC Lattice configuration refers to the port by it. */
const PORT_NAME = 'api';
const NAME = /^(?!svc-)(?!-)(?!.*--)[a-z0-9-]{3,40}(?<!-)$/;

/**
 * The API's Fargate tasks as a VPC Lattice service, with no load balancer: an HTTPS listener on
 * 443 with the API's own name and certificate, IAM auth with the matrix's auth policy, a target
 * group the ECS service registers its tasks in itself (health checked on the API's health path),
 * associated with the environment's service network. The tasks admit only Lattice's addresses (its
 * managed prefix list) on the container port, so nothing in any VPC can reach them around the
 * service's signature check, and the caller-identity header Lattice adds cannot be forged by a
 * direct connection.
 */
export class LatticeApiService extends Construct {
  /** The ECS service. */
  public readonly service: ecs.FargateService;
  /** The Lattice service. */
  public readonly latticeService: vpclattice.CfnService;
  /** The tasks' target group. */
  public readonly latticeTargetGroup: vpclattice.CfnTargetGroup;
  /** The service's association with the environment's service network. */
  public readonly association: vpclattice.CfnServiceNetworkServiceAssociation;
  /** The service's auth policy. */
  public readonly authPolicy: LatticeAuthPolicy;
  /** The tasks' security group connections. */
  public readonly connections: ec2.Connections;
  /** The certificate on the listener (for its expiry alarm). */
  public readonly certificate: acm.ICertificate;
  /** Tasks in normal operation. */
  public readonly desiredCount: number;
  /** The container log group (one JSON line per request), for metrics. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: LatticeApiServiceProps) {
    super(scope, id);
    if (!NAME.test(props.name)) {
      throw new Error(`${this.node.path}: Lattice service name "${props.name}" must be 3-40 lowercase letters, digits or single hyphens, not starting with "svc-"; shorten projectName, the environment's or the API's name.`);
    }
    const tasks = addFargateApiTasks(this, props, { taskSecurityGroupDescription: 'Internal API tasks: container port from VPC Lattice only', portName: PORT_NAME, loadBalanced: false });
    this.service = tasks.service;
    // Lattice sends requests and health checks from the addresses of its managed prefix list
    // (link-local, or in some regions non-routable public addresses: hence the list, not a CIDR).
    const latticeAddresses = managedPrefixListId(this, 'LatticePrefixList', 'vpc-lattice', 'vpc-lattice-prefix-list');
    tasks.taskSecurityGroup.addIngressRule(ec2.Peer.prefixList(latticeAddresses), ec2.Port.tcp(tasks.containerPort), 'VPC Lattice to the API container');
    for (const id of ['cdk-validator-cfnguard::vpc_sg_open_only_to_authorized_ports_check', 'cdk-validator-cfnguard::vpc_sg_restricted_common_ports_check']) {
      Validations.of(tasks.taskSecurityGroup).acknowledge({
        id,
        reason: 'The rule\'s source is VPC Lattice\'s managed prefix list (SourcePrefixListId), not 0.0.0.0/0; the guard rule cannot evaluate prefix lists (its own message says so), so it reads the rule as open. Unit tests assert the source.',
      });
    }
    this.connections = tasks.taskSecurityGroup.connections;

    this.latticeTargetGroup = new vpclattice.CfnTargetGroup(this, 'TargetGroup', {
      type: 'IP',
      config: {
        vpcIdentifier: props.network.vpc.vpcId,
        ipAddressType: 'IPV4',
        port: tasks.containerPort,
        protocol: 'HTTP',
        protocolVersion: 'HTTP1',
        healthCheck: {
          enabled: true,
          protocol: 'HTTP',
          protocolVersion: 'HTTP1',
          port: tasks.containerPort,
          path: tasks.healthCheckPath,
          matcher: { httpCode: '200' },
          healthCheckIntervalSeconds: 10,
          healthCheckTimeoutSeconds: 5,
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 2,
        },
      },
    });

    this.latticeService = new vpclattice.CfnService(this, 'LatticeService', {
      name: props.name,
      authType: 'AWS_IAM',
      customDomainName: props.domainName,
      certificateArn: props.certificate.certificateArn,
    });
    new vpclattice.CfnListener(this, 'Https', {
      serviceIdentifier: this.latticeService.attrId,
      name: 'https',
      protocol: 'HTTPS',
      port: TLS_PORT,
      defaultAction: { forward: { targetGroups: [{ targetGroupIdentifier: this.latticeTargetGroup.attrId, weight: 100 }] } },
    });
    this.authPolicy = new LatticeAuthPolicy(this, 'AuthPolicy', { resourceIdentifier: this.latticeService.attrArn, policy: props.authPolicy });
    this.association = new vpclattice.CfnServiceNetworkServiceAssociation(this, 'NetworkAssociation', {
      serviceIdentifier: this.latticeService.attrId,
      // An ARN, not an id: the network belongs to another account.
      serviceNetworkIdentifier: props.serviceNetworkArn,
    });
    // Open to callers only once its policy is in place (an AWS_IAM service with no policy denies all).
    this.association.node.addDependency(this.authPolicy);

    // ECS registers and deregisters the tasks in the target group with this role (the ECS
    // infrastructure role of the ECS developer guide's VPC Lattice page).
    const infrastructureRole = new iam.Role(this, 'LatticeInfrastructureRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonECSInfrastructureRolePolicyForVpcLattice')],
    });
    Validations.of(infrastructureRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice]',
      reason: 'The AWS-managed policy the ECS developer guide prescribes for the role ECS uses to register tasks with VPC Lattice; AWS maintains it as ECS\'s calls change, which a copy would not follow. Only ecs.amazonaws.com can assume the role.',
    });
    // aws-cdk-lib's FargateService has no VPC Lattice property yet: the typed L1 property is the narrowest escape hatch.
    const cfnService = this.service.node.defaultChild as ecs.CfnService;
    cfnService.vpcLatticeConfigurations = [{ roleArn: infrastructureRole.roleArn, targetGroupArn: this.latticeTargetGroup.attrArn, portName: PORT_NAME }];
    cfnService.node.addDependency(infrastructureRole);

    this.certificate = props.certificate;
    this.desiredCount = tasks.desiredCount;
    this.logGroup = tasks.logGroup;
  }
}
