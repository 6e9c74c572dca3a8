/* eslint-disable awscdk/require-passing-this -- built into the caller's own scope (see addFargateApiTasks), so the deployed logical ids stay */
import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { INTERNAL_NLB_SERVICE_DEFAULTS as D } from './internal-nlb-service-defaults';
import { PrivateNetwork } from './private-network';
import { RetainedLogGroup } from './retained-log-group';

/** What every front door of the API's Fargate tasks (an internal NLB, a VPC Lattice service) takes for the tasks. */
export interface FargateApiTasksProps {
  /** The isolated network (no route to the internet) with its S3 gateway endpoint, for the tasks. */
  readonly network: PrivateNetwork;
  /**
   * Where the tasks (and a load balancer) go; must hold exactly one subnet per AZ.
   * @default - the network's workload subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /**
   * The port the container listens on (plain HTTP; the front door terminates TLS).
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
   * Target CPU utilisation for autoscaling.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.targetCpuUtilizationPercent
   */
  readonly targetCpuUtilizationPercent?: number;
}

/** How the tasks' front door shapes them. */
export interface FargateApiTasksOptions {
  /** Description of the task security group (a changed description replaces the group). */
  readonly taskSecurityGroupDescription: string;
  /**
   * A name on the container's port mapping, for a front door that refers to the port by name (ECS's VPC Lattice configuration).
   * @default - an unnamed port mapping
   */
  readonly portName?: string;
  /**
   * Whether a load balancer fronts the tasks: ECS takes a health-check grace period only for a
   * service with load balancers (CreateService refuses it otherwise).
   */
  readonly loadBalanced: boolean;
}

/** The API's Fargate tasks, as {@link addFargateApiTasks} builds them. */
export type FargateApiTasks = {
  readonly service: ecs.FargateService;
  readonly container: ecs.ContainerDefinition;
  readonly taskSecurityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.ILogGroup;
  readonly subnets: readonly ec2.ISubnet[];
  readonly containerPort: number;
  readonly healthCheckPath: string;
  readonly desiredCount: number;
  /** The container's stop timeout: the app's drain plus a margin (a front door deregisters for this long). */
  readonly stopTimeout: Duration;
};

/**
 * The API's Fargate service in `scope`, under the ids it has always had there (Cluster,
 * TaskDefinition, TaskSecurityGroup, Service, Logs): the internal NLB's construct and the VPC
 * Lattice one both call it on themselves, so the deployed NLB service keeps its logical ids. The
 * tasks run read-only as the image's unprivileged user, roll back a failed deploy, drain within
 * Fargate's stop timeout, and reach only this VPC's endpoints and S3 (image layers): nothing can
 * open a connection out of them into a consumer's VPC. The front door adds the one ingress rule.
 */
export function addFargateApiTasks(scope: Construct, props: FargateApiTasksProps, options: FargateApiTasksOptions): FargateApiTasks {
  const { network } = props;
  const vpc = network.vpc;
  const s3PrefixListId = requireS3PrefixList(scope, network);
  const containerPort = props.containerPort ?? D.containerPort;
  const desiredCount = props.desiredCount ?? D.desiredCount;
  const minCapacity = props.minCapacity ?? desiredCount;
  const maxCapacity = props.maxCapacity ?? desiredCount * D.maxCapacityFactor;
  const memoryLimitMiB = props.memoryLimitMiB ?? D.memoryLimitMiB;
  const appDrainTime = props.appDrainTime ?? D.appDrainTime;
  if (minCapacity > desiredCount || desiredCount > maxCapacity) {
    throw new Error(`${scope.node.path}: minCapacity ${minCapacity} <= desiredCount ${desiredCount} <= maxCapacity ${maxCapacity} does not hold; raise maxCapacity or lower minCapacity.`);
  }
  const subnets = vpc.selectSubnets(props.subnets ?? network.workloadSubnets);
  assertOneSubnetPerAz(scope, subnets.subnets);

  // The container gets SIGKILL after stopTimeout: leave the app's drain a margin.
  const stopTimeout = Duration.seconds(appDrainTime.toSeconds() + D.stopMargin.toSeconds());
  if (stopTimeout.toSeconds() > 120) {
    throw new Error(`${scope.node.path}: appDrainTime ${appDrainTime.toSeconds()} s leaves no room under Fargate's 120 s stop timeout; shorten the drain.`);
  }

  const cluster = new ecs.Cluster(scope, 'Cluster', {
    vpc,
    containerInsightsV2: ecs.ContainerInsights.ENABLED,
  });

  const logGroup = new RetainedLogGroup(scope, 'Logs', { retention: props.logRetention ?? D.logRetention });
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    cpu: props.cpu ?? D.cpu,
    memoryLimitMiB,
    runtimePlatform: { cpuArchitecture: props.cpuArchitecture ?? D.cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
  });
  const container = taskDefinition.addContainer('api', {
    image: props.image,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'api' }),
    portMappings: [{ containerPort, protocol: ecs.Protocol.TCP, ...(options.portName ? { name: options.portName } : {}) }],
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

  const taskSecurityGroup = new ec2.SecurityGroup(scope, 'TaskSecurityGroup', {
    vpc,
    description: options.taskSecurityGroupDescription,
    allowAllOutbound: false,
  });
  // Image pulls and logs go to the interface endpoints in this VPC, layers to S3 through the
  // gateway endpoint: nothing else, so a task cannot open connections into the consumer VPCs.
  taskSecurityGroup.addEgressRule(ec2.Peer.ipv4(network.cidr), ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');
  taskSecurityGroup.addEgressRule(ec2.Peer.prefixList(s3PrefixListId), ec2.Port.tcp(443), 'HTTPS to S3 (ECR layers) via the gateway endpoint');

  const service = new ecs.FargateService(scope, 'Service', {
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
    healthCheckGracePeriod: options.loadBalanced ? D.healthCheckGracePeriod : undefined,
  });
  const scaling = service.autoScaleTaskCount({ minCapacity, maxCapacity });
  scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: props.targetCpuUtilizationPercent ?? D.targetCpuUtilizationPercent });

  return {
    service,
    container,
    taskSecurityGroup,
    logGroup,
    subnets: subnets.subnets,
    containerPort,
    healthCheckPath: props.healthCheckPath ?? D.healthCheckPath,
    desiredCount,
    stopTimeout,
  };
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
