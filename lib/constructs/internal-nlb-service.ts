import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ApiClients } from './api-clients';
import { addFargateApiTasks, FargateApiTasksProps } from './fargate-api-tasks';
import { INTERNAL_NLB_SERVICE_DEFAULTS as D } from './internal-nlb-service-defaults';
import { acknowledgeLogBucket, acknowledgeLogTargetBucket, LOG_BUCKET_PROPS } from './log-bucket';

/** The TLS listener's port: the only port the load balancer opens. */
export const TLS_PORT = 443;

/** Properties of {@link InternalNlbService}. */
export interface InternalNlbServiceProps extends FargateApiTasksProps {
  /** The certificate for the API name, on the TLS listener. */
  readonly certificate: acm.ICertificate;
  /** Who connects to the load balancer: `ApiClients.fromCidrs(consumer CIDRs)` or `ApiClients.privateLink()`. */
  readonly clients: ApiClients;
  /**
   * TLS policy of the listener. Never `SslPolicy.RECOMMENDED`: despite its name that is the 2016 policy.
   * @default INTERNAL_NLB_SERVICE_DEFAULTS.sslPolicy (TLS13_RES: TLS 1.3, and TLS 1.2 with forward-secret AEAD ciphers only)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
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
    const tasks = addFargateApiTasks(this, props, { taskSecurityGroupDescription: 'Internal API tasks: container port from the NLB only', loadBalanced: true });
    const { container, containerPort, stopTimeout, taskSecurityGroup } = tasks;
    this.service = tasks.service;

    const loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: clients.privateLink ? 'Internal API NLB: consumers through PrivateLink only' : 'Internal API NLB: TLS 443 from consumer VPCs only',
      allowAllOutbound: false,
    });
    for (const cidr of clients.cidrs) {
      loadBalancerSecurityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(TLS_PORT), `TLS from consumer ${cidr}`);
    }
    // The fix the naive pattern lacks: the tasks admit the load balancer (traffic and health checks).
    loadBalancerSecurityGroup.connections.allowTo(taskSecurityGroup, ec2.Port.tcp(containerPort), 'NLB to the API container');

    const accessLogs = this.accessLogBucket();
    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: false,
      vpcSubnets: { subnets: [...tasks.subnets] },
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
        path: tasks.healthCheckPath,
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

    this.logGroup = tasks.logGroup;
    this.certificate = props.certificate;
    this.desiredCount = tasks.desiredCount;
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
