import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeLogBucket, acknowledgeLogTargetBucket, LOG_BUCKET_PROPS } from './log-bucket';
import { RetainedLogGroup } from './retained-log-group';

/** The TLS listener's port: the only port the load balancer opens. */
export const TLS_PORT = 443;

/** Properties of {@link InternalNlbService}. */
export interface InternalNlbServiceProps {
  /** The VPC (isolated: no route to the internet). */
  readonly vpc: ec2.IVpc;
  /** Where the load balancer and the tasks go; must hold exactly one subnet per AZ. */
  readonly subnets: ec2.SubnetSelection;
  /** The certificate for the API name, on the TLS listener. */
  readonly certificate: acm.ICertificate;
  /** CIDRs allowed to connect to the load balancer on 443 (the consumer VPCs); at least one, unless `privateLinkClients`. */
  readonly clientCidrs: readonly string[];
  /**
   * Clients arrive through a VPC endpoint service on this load balancer (PrivateLink), not over
   * routed CIDRs: the security group admits no client CIDR, and its inbound rules are not applied
   * to PrivateLink traffic. With enforcement on, the rules would see each client's own private IP
   * (AWS: "the source of the traffic is the private IP address of the client, not the endpoint
   * interface"), and consumer CIDRs may overlap the API's and each other's in this mode, so a CIDR
   * rule could not tell a consumer from a host next to the load balancer. Who may connect is decided
   * by the endpoint service's allowed principals and each consumer's endpoint security group.
   * @default false
   */
  readonly privateLinkClients?: boolean;
  /** CIDR of `vpc`, literal, for the tasks' HTTPS egress to the VPC endpoints. */
  readonly vpcCidr: string;
  /** The region's S3 prefix list (ECR image layers through the S3 gateway endpoint). */
  readonly s3PrefixListId: string;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /** The port the container listens on (plain HTTP; the NLB terminates TLS). */
  readonly containerPort: number;
  /** HTTP path of the target health check. */
  readonly healthCheckPath: string;
  /** Tasks in normal operation; at least 2. */
  readonly desiredCount: number;
  /** Autoscaling floor. */
  readonly minCapacity: number;
  /** Autoscaling ceiling. */
  readonly maxCapacity: number;
  /** Fargate CPU units. */
  readonly cpu: number;
  /** Fargate memory (MiB). */
  readonly memoryLimitMiB: number;
  /** CPU architecture of the tasks. */
  readonly cpuArchitecture: ecs.CpuArchitecture;
  /** How long the app needs after SIGTERM to finish in-flight requests and exit. */
  readonly appDrainTime: Duration;
  /** Log retention of the container logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * TLS policy of the listener. Never `SslPolicy.RECOMMENDED`: despite its name that is the 2016 policy.
   * @default elbv2.SslPolicy.TLS13_RES (TLS 1.3, and TLS 1.2 with forward-secret AEAD ciphers only)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Target CPU utilisation for autoscaling.
   * @default 60
   */
  readonly targetCpuUtilizationPercent?: number;
}

/**
 * A Fargate service behind an internal Network Load Balancer that we create: one TLS listener on
 * 443 (no port 80), cross-zone, exactly one subnet per AZ, a security group admitting only the
 * given client CIDRs, and a task security group admitting only the load balancer. Built from a
 * plain FargateService because `NetworkLoadBalancedFargateService`, given our own NLB and TLS
 * listener, makes the target group TLS, sets no health check and still adds no task SG rule
 * (aws-cdk#1490).
 */
export class InternalNlbService extends Construct {
  /** The internal NLB (for the alias record). */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** The one listener: TLS on 443. */
  public readonly listener: elbv2.NetworkListener;
  /** The tasks' target group. */
  public readonly targetGroup: elbv2.NetworkTargetGroup;
  /** The ECS service. */
  public readonly service: ecs.FargateService;
  /** The load balancer's security group connections. */
  public readonly connections: ec2.Connections;
  /** The container log group (one JSON line per request), for metrics (ApiMonitoring). */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: InternalNlbServiceProps) {
    super(scope, id);
    if (props.clientCidrs.length === 0 && !props.privateLinkClients) {
      throw new Error(`${this.node.path}: clientCidrs is empty; list the consumer VPC CIDRs that may call the API.`);
    }
    const subnets = props.vpc.selectSubnets(props.subnets);
    assertOneSubnetPerAz(this, subnets.subnets);

    // The container gets SIGKILL after stopTimeout: leave the app's drain 10 s of margin.
    const stopTimeout = Duration.seconds(props.appDrainTime.toSeconds() + 10);
    if (stopTimeout.toSeconds() > 120) {
      throw new Error(`${this.node.path}: appDrainTime ${props.appDrainTime.toSeconds()} s leaves no room under Fargate's 120 s stop timeout; shorten the drain.`);
    }

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const logGroup = new RetainedLogGroup(this, 'Logs', { retention: props.logRetention });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      runtimePlatform: { cpuArchitecture: props.cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const container = taskDefinition.addContainer('api', {
      image: props.image,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'api' }),
      portMappings: [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }],
      stopTimeout,
      readonlyRootFilesystem: true,
      // The image's unprivileged `node` user, by uid so it holds for any image (and for the guard rule).
      user: '1000',
      memoryLimitMiB: props.memoryLimitMiB,
    });
    // The execution role pulls the image (ECR through the VPC endpoints) and writes logs; CDK
    // grants it exactly that. ecr:GetAuthorizationToken has no resource-level permissions.
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken supports no resource-level permissions (Service Authorization Reference); image pulls are limited to the one repository.',
    });

    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: props.privateLinkClients ? 'Internal API NLB: consumers through PrivateLink only' : 'Internal API NLB: TLS 443 from consumer VPCs only',
      allowAllOutbound: false,
    });
    for (const cidr of props.clientCidrs) {
      loadBalancerSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(TLS_PORT), `TLS from consumer ${cidr}`);
    }
    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Internal API tasks: container port from the NLB only',
      allowAllOutbound: false,
    });
    // The fix the naive pattern lacks: the tasks admit the load balancer (traffic and health checks).
    loadBalancerSecurityGroup.connections.allowTo(taskSecurityGroup, ec2.Port.tcp(props.containerPort), 'NLB to the API container');
    // Image pulls and logs go to the interface endpoints in this VPC, layers to S3 through the
    // gateway endpoint: nothing else, so a task cannot open connections into the consumer VPCs.
    taskSecurityGroup.addEgressRule(ec2.Peer.ipv4(props.vpcCidr), ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');
    taskSecurityGroup.addEgressRule(ec2.Peer.prefixList(props.s3PrefixListId), ec2.Port.tcp(443), 'HTTPS to S3 (ECR layers) via the gateway endpoint');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: props.desiredCount,
      assignPublicIp: false,
      vpcSubnets: { subnets: subnets.subnets },
      securityGroups: [taskSecurityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
      healthCheckGracePeriod: Duration.seconds(60),
    });
    const scaling = this.service.autoScaleTaskCount({ minCapacity: props.minCapacity, maxCapacity: props.maxCapacity });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 60 });

    const accessLogs = this.accessLogBucket();
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: { subnets: subnets.subnets },
      crossZoneEnabled: true,
      securityGroups: [loadBalancerSecurityGroup],
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: props.privateLinkClients ? false : undefined,
      // Not ELB deletion protection: if the stack's first create fails (say the circuit breaker
      // rolls back), CloudFormation must delete this NLB, and a protected one leaves the stack in
      // ROLLBACK_FAILED. The ApiService stack has termination protection instead.
      deletionProtection: false,
    });
    for (const id of ['NIST.800.53.R5::NIST.800.53.R5-ELBDeletionProtectionEnabled', 'cdk-validator-cfnguard::elbv2_deletion_protection_enabled_check']) {
      Validations.of(this.loadBalancer).acknowledge({
        id,
        reason: 'Deletion protection would turn a failed first create into ROLLBACK_FAILED (CloudFormation cannot delete a protected load balancer); the stack holding it has termination protection instead.',
      });
    }
    this.loadBalancer.logAccessLogs(accessLogs, 'nlb');
    this.connections = loadBalancerSecurityGroup.connections;

    this.listener = this.loadBalancer.addListener('Tls', {
      port: TLS_PORT,
      protocol: elbv2.Protocol.TLS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(props.certificate)],
      sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.TLS13_RES,
    });
    Validations.of(this.listener).acknowledge({
      id: 'cdk-validator-cfnguard::elbv2_acm_certificate_required_check',
      reason: 'The listener has the ACM certificate of the ApiDns stack; its ARN arrives as a cross-stack reference (Fn::GetStackOutput) that the rule cannot evaluate. Unit tests assert it.',
    });
    this.targetGroup = this.listener.addTargets('Api', {
      port: props.containerPort,
      protocol: elbv2.Protocol.TCP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort: props.containerPort })],
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        path: props.healthCheckPath,
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
      // ECS deregisters a stopping task, waits this long, then sends SIGTERM: no new connections
      // arrive during the wait, and the app's drain then closes what is left within stopTimeout.
      deregistrationDelay: stopTimeout,
    });

    this.logGroup = logGroup;
  }

  private accessLogBucket(): s3.Bucket {
    const serverAccessLogs = new s3.Bucket(this, 'ServerAccessLogs', {
      ...LOG_BUCKET_PROPS,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });
    acknowledgeLogTargetBucket(serverAccessLogs);
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...LOG_BUCKET_PROPS,
      serverAccessLogsBucket: serverAccessLogs,
      serverAccessLogsPrefix: 'nlb-access-logs/',
    });
    acknowledgeLogBucket(accessLogs);
    return accessLogs;
  }
}

/** Throws when a selection holds two subnets of one AZ (an NLB accepts one subnet per AZ). */
function assertOneSubnetPerAz(scope: Construct, subnets: readonly ec2.ISubnet[]): void {
  const byAz = new Map<string, string[]>();
  for (const subnet of subnets) byAz.set(subnet.availabilityZone, [...(byAz.get(subnet.availabilityZone) ?? []), subnet.node.path]);
  const crowded = [...byAz].filter(([, paths]) => paths.length > 1);
  if (crowded.length > 0) {
    throw new Error(
      `${scope.node.path}: the subnet selection puts ${crowded.map(([az, paths]) => `${paths.length} subnets in ${az} (${paths.join(', ')})`).join('; ')}; ` +
        'a Network Load Balancer takes exactly one subnet per AZ. Select one subnet group (e.g. { subnetGroupName: "workload" }).',
    );
  }
  if (byAz.size < 2) {
    throw new Error(`${scope.node.path}: the subnet selection spans ${byAz.size} AZ; select subnets in at least 2 AZs.`);
  }
}
