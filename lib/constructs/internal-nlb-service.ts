import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ApiClients } from './api-clients';
import { INTERNAL_NLB_SERVICE_DEFAULTS as D } from './internal-nlb-service-defaults';
import { acknowledgeLogBucket, acknowledgeLogTargetBucket, LOG_BUCKET_PROPS } from './log-bucket';
import { PrivateNetwork } from './private-network';
import { RetainedLogGroup } from './retained-log-group';

/** The TLS listener's port: the only port the load balancer opens. */
export const TLS_PORT = 443;

/** Properties of {@link InternalNlbService}. */
export interface InternalNlbServiceProps {
  /** The isolated network (no route to the internet) with its S3 gateway endpoint, for the NLB and the tasks. */
  readonly network: PrivateNetwork;
  /**
   * Where the load balancer and the tasks go; must hold exactly one subnet per AZ.
   * @default - the network's workload subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /** The certificate for the API name, on the TLS listener. */
  readonly certificate: acm.ICertificate;
  /** Who connects to the load balancer: `ApiClients.fromCidrs(consumer CIDRs)` or `ApiClients.privateLink()`. */
  readonly clients: ApiClients;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /**
   * The port the container listens on (plain HTTP; the NLB terminates TLS).
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.containerPort (the api-service's CONTAINER_PORT)
   */
  readonly containerPort?: number;
  /**
   * HTTP path of the target health check.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.healthCheckPath (the api-service's HEALTH_CHECK_PATH)
   */
  readonly healthCheckPath?: string;
  /**
   * Tasks in normal operation; at least 2.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.desiredCount
   */
  readonly desiredCount?: number;
  /**
   * Autoscaling floor.
   * @default - desiredCount
   */
  readonly minCapacity?: number;
  /**
   * Autoscaling ceiling.
   * @default - desiredCount times INTERNAL_NLB_SERVICE_DEFAULTS.maxCapacityFactor
   */
  readonly maxCapacity?: number;
  /**
   * Fargate CPU units.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.cpu
   */
  readonly cpu?: number;
  /**
   * Fargate memory (MiB).
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.memoryLimitMiB
   */
  readonly memoryLimitMiB?: number;
  /**
   * CPU architecture of the tasks.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.cpuArchitecture (X86_64)
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * How long the app needs after SIGTERM to finish in-flight requests and exit.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.appDrainTime (the api-service's DRAIN_TIMEOUT_MS)
   */
  readonly appDrainTime?: Duration;
  /**
   * Log retention of the container logs.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.logRetention
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Environment variables of the container (plain values: nothing secret belongs here).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * TLS policy of the listener. Never `SslPolicy.RECOMMENDED`: despite its name that is the 2016 policy.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.sslPolicy (TLS13_RES: TLS 1.3, and TLS 1.2 with forward-secret AEAD ciphers only)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Target CPU utilisation for autoscaling.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.targetCpuUtilizationPercent
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
export class InternalNlbService extends Construct implements ec2.IConnectable {
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
  /** The certificate on the TLS listener (for its expiry alarm). */
  public readonly certificate: acm.ICertificate;
  /** Tasks in normal operation (the healthy-hosts floor of ApiMonitoring). */
  public readonly desiredCount: number;
  /** The container log group (one JSON line per request), for metrics (ApiMonitoring). */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: InternalNlbServiceProps) {
    super(scope, id);
    const { network, clients } = props;
    const vpc = network.vpc;
    const s3PrefixListId = requireS3PrefixList(this, network);
    const containerPort = props.containerPort ?? D.containerPort;
    const desiredCount = props.desiredCount ?? D.desiredCount;
    const minCapacity = props.minCapacity ?? desiredCount;
    const maxCapacity = props.maxCapacity ?? desiredCount * D.maxCapacityFactor;
    const memoryLimitMiB = props.memoryLimitMiB ?? D.memoryLimitMiB;
    const appDrainTime = props.appDrainTime ?? D.appDrainTime;
    if (minCapacity > desiredCount || desiredCount > maxCapacity) {
      throw new Error(`${this.node.path}: minCapacity ${minCapacity} <= desiredCount ${desiredCount} <= maxCapacity ${maxCapacity} does not hold; raise maxCapacity or lower minCapacity.`);
    }
    const subnets = vpc.selectSubnets(props.subnets ?? network.workloadSubnets);
    assertOneSubnetPerAz(this, subnets.subnets);

    // The container gets SIGKILL after stopTimeout: leave the app's drain a margin.
    const stopTimeout = Duration.seconds(appDrainTime.toSeconds() + D.stopMargin.toSeconds());
    if (stopTimeout.toSeconds() > 120) {
      throw new Error(`${this.node.path}: appDrainTime ${appDrainTime.toSeconds()} s leaves no room under Fargate's 120 s stop timeout; shorten the drain.`);
    }

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const logGroup = new RetainedLogGroup(this, 'Logs', { retention: props.logRetention ?? D.logRetention });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu ?? D.cpu,
      memoryLimitMiB,
      runtimePlatform: { cpuArchitecture: props.cpuArchitecture ?? D.cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const container = taskDefinition.addContainer('api', {
      image: props.image,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'api' }),
      portMappings: [{ containerPort, protocol: ecs.Protocol.TCP }],
      environment: props.environment,
      stopTimeout,
      readonlyRootFilesystem: true,
      // The image's unprivileged `node` user, by uid so it holds for any image (and for the guard rule).
      user: '1000',
      memoryLimitMiB,
    });
    if (props.environment && Object.keys(props.environment).length > 0) {
      Validations.of(taskDefinition).acknowledge({
        id: 'AwsSolutions::AwsSolutions-ECS2',
        reason: 'The variables are configuration, not secrets (the rule exists to keep secrets out of task definitions): the API\'s name, the region and the names of the roles allowed to call it, all derived from the committed configuration. Nothing secret may be passed here (the prop says so).',
      });
    }
    // The execution role pulls the image (ECR through the VPC endpoints) and writes logs; CDK
    // grants it exactly that. ecr:GetAuthorizationToken has no resource-level permissions.
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken supports no resource-level permissions (Service Authorization Reference); image pulls are limited to the one repository.',
    });

    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: clients.privateLink ? 'Internal API NLB: consumers through PrivateLink only' : 'Internal API NLB: TLS 443 from consumer VPCs only',
      allowAllOutbound: false,
    });
    for (const cidr of clients.cidrs) {
      loadBalancerSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(TLS_PORT), `TLS from consumer ${cidr}`);
    }
    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Internal API tasks: container port from the NLB only',
      allowAllOutbound: false,
    });
    // The fix the naive pattern lacks: the tasks admit the load balancer (traffic and health checks).
    loadBalancerSecurityGroup.connections.allowTo(taskSecurityGroup, ec2.Port.tcp(containerPort), 'NLB to the API container');
    // Image pulls and logs go to the interface endpoints in this VPC, layers to S3 through the
    // gateway endpoint: nothing else, so a task cannot open connections into the consumer VPCs.
    taskSecurityGroup.addEgressRule(ec2.Peer.ipv4(network.cidr), ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');
    taskSecurityGroup.addEgressRule(ec2.Peer.prefixList(s3PrefixListId), ec2.Port.tcp(443), 'HTTPS to S3 (ECR layers) via the gateway endpoint');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount,
      assignPublicIp: false,
      vpcSubnets: { subnets: subnets.subnets },
      securityGroups: [taskSecurityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
      healthCheckGracePeriod: D.healthCheckGracePeriod,
    });
    const scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuUtilizationPercent ?? D.targetCpuUtilizationPercent });

    const accessLogs = this.accessLogBucket();
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: false,
      vpcSubnets: { subnets: subnets.subnets },
      crossZoneEnabled: true,
      securityGroups: [loadBalancerSecurityGroup],
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: clients.privateLink ? false : undefined,
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
      sslPolicy: props.sslPolicy ?? D.sslPolicy,
    });
    Validations.of(this.listener).acknowledge({
      id: 'cdk-validator-cfnguard::elbv2_acm_certificate_required_check',
      reason: 'The listener has the ACM certificate of the ApiDns stack; its ARN arrives as a cross-stack reference (Fn::GetStackOutput) that the rule cannot evaluate. Unit tests assert it.',
    });
    this.targetGroup = this.listener.addTargets('Api', {
      port: containerPort,
      protocol: elbv2.Protocol.TCP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort })],
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        path: props.healthCheckPath ?? D.healthCheckPath,
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
    this.certificate = props.certificate;
    this.desiredCount = desiredCount;
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

/** The network's S3 prefix list: Fargate pulls image layers from S3 through the gateway endpoint. */
function requireS3PrefixList(scope: Construct, network: PrivateNetwork): string {
  if (!network.s3PrefixListId) {
    throw new Error(`${scope.node.path}: the network ${network.node.path} has no S3 gateway endpoint; build it with ecrLayerS3Endpoint: true (Fargate pulls image layers from S3).`);
  }
  return network.s3PrefixListId;
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
