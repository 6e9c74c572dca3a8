import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ApiClients } from '../../lib/constructs/api-clients';
import { InternalNlbService, InternalNlbServiceProps } from '../../lib/constructs/internal-nlb-service';
import { INTERNAL_NLB_SERVICE_DEFAULTS as D } from '../../lib/constructs/internal-nlb-service-defaults';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { bareStack } from '../helpers';

const AZS = ['eu-west-1a', 'eu-west-1b'];

/** The network both builders put the service in. */
function testNetwork(stack: Stack, ecrLayerS3Endpoint = true): PrivateNetwork {
  return new PrivateNetwork(stack, 'Network', {
    cidr: '10.10.0.0/20',
    availabilityZones: AZS,
    workloadSubnetMask: 22,
    transitSubnetMask: 28,
    transitGatewayId: 'tgw-0123456789abcdef0',
    peerCidrs: ['10.20.0.0/20'],
    ecrLayerS3Endpoint,
  });
}

/** A bare stack with a network and a service given only its required props (and `extra`). */
function build(extra: Partial<InternalNlbServiceProps> = {}, ecrLayerS3Endpoint = true): { stack: Stack; api: InternalNlbService } {
  const stack = bareStack(AZS);
  const network = testNetwork(stack, ecrLayerS3Endpoint);
  const api = new InternalNlbService(stack, 'Api', {
    network,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:444444444444:certificate/abc'),
    clients: ApiClients.fromCidrs(['10.20.0.0/20']),
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/api:1.0.0'),
    ...extra,
  });
  return { stack, api };
}

describe('InternalNlbService with only its required props', () => {
  let t: Template;
  beforeAll(() => {
    t = Template.fromStack(build().stack);
  });

  test('takes its sizes, port, path and retention from the defaults file', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: String(D.cpu),
      Memory: String(D.memoryLimitMiB),
      RuntimePlatform: { CpuArchitecture: D.cpuArchitecture._cpuArchitecture },
      ContainerDefinitions: [{ PortMappings: [{ ContainerPort: D.containerPort, Protocol: 'tcp' }], StopTimeout: D.appDrainTime.toSeconds() + D.stopMargin.toSeconds() }],
    });
    t.hasResourceProperties('AWS::ECS::Service', { DesiredCount: D.desiredCount });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: D.desiredCount, MaxCapacity: D.desiredCount * D.maxCapacityFactor });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: D.containerPort, HealthCheckPath: D.healthCheckPath });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: D.logRetention });
  });

  test('puts the NLB in the network\'s workload subnets, and lets the tasks reach the network\'s CIDR and S3 prefix list only', () => {
    const [nlb] = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(JSON.stringify(nlb.Properties.Subnets)).toMatch(/NetworkVpcworkloadSubnet1.*NetworkVpcworkloadSubnet2/);
    const egress = [
      ...Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap((sg) => sg.Properties.SecurityGroupEgress ?? []),
      ...Object.values(t.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties),
    ];
    expect(egress).toEqual(expect.arrayContaining([expect.objectContaining({ CidrIp: '10.10.0.0/20' }), expect.objectContaining({ DestinationPrefixListId: expect.anything() })]));
  });
});

describe('InternalNlbService choices and errors', () => {
  test('ApiClients.privateLink(): no client CIDR on the NLB, and its rules not enforced on PrivateLink traffic', () => {
    const t = Template.fromStack(build({ clients: ApiClients.privateLink() }).stack);
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap((sg) => sg.Properties.SecurityGroupIngress ?? []);
    expect(ingress.filter((r: { CidrIp?: string }) => r.CidrIp)).toEqual([]);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off' });
  });

  test('is an IConnectable: a peer allowed through `connections` gets a rule on the NLB\'s security group', () => {
    const { stack, api } = build();
    const peer = new ec2.SecurityGroup(stack, 'Peer', { vpc: api.loadBalancer.vpc! });
    const connectable: ec2.IConnectable = api;
    connectable.connections.allowFrom(peer, ec2.Port.tcp(443), 'peer');
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress')).map((r) => JSON.stringify(r.Properties));
    expect(rules.some((r) => r.includes('ApiLoadBalancerSecurityGroup') && r.includes('Peer'))).toBe(true);
  });

  test('fails at synth, naming the values, when minCapacity <= desiredCount <= maxCapacity does not hold', () => {
    expect(() => build({ desiredCount: 4, maxCapacity: 3 })).toThrow(/Test\/Api: minCapacity 4 <= desiredCount 4 <= maxCapacity 3 does not hold/);
  });

  test('fails at synth when the network has no S3 gateway endpoint (Fargate pulls image layers from S3)', () => {
    expect(() => build({}, false)).toThrow(/Test\/Network has no S3 gateway endpoint; build it with ecrLayerS3Endpoint: true/);
  });
});


/** A bare stack with a PrivateNetwork and one InternalNlbService given every prop (`overrides` replace some); returns the template. */
function buildConfigured(overrides: (network: PrivateNetwork, stack: Stack) => Partial<InternalNlbServiceProps> = () => ({})): Template {
  const stack = bareStack(AZS);
  const network = testNetwork(stack);
  new InternalNlbService(stack, 'Api', {
    network,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:444444444444:certificate/abc'),
    clients: ApiClients.fromCidrs(['10.20.0.0/20', '10.21.0.0/20']),
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/api:1.0.0'),
    containerPort: 8080,
    healthCheckPath: '/healthz',
    desiredCount: 2,
    minCapacity: 2,
    maxCapacity: 6,
    cpu: 256,
    memoryLimitMiB: 512,
    cpuArchitecture: ecs.CpuArchitecture.ARM64,
    appDrainTime: Duration.seconds(20),
    logRetention: logs.RetentionDays.ONE_MONTH,
    ...overrides(network, stack),
  });
  return Template.fromStack(stack);
}

/** Every security-group rule in the template, inline or standalone. */
function allRules(t: Template, direction: 'Ingress' | 'Egress'): Record<string, unknown>[] {
  const inline = Object.values(t.findResources('AWS::EC2::SecurityGroup')).flatMap((sg) => sg.Properties[`SecurityGroup${direction}`] ?? []);
  const standalone = Object.values(t.findResources(`AWS::EC2::SecurityGroup${direction}`)).map((r) => r.Properties);
  return [...inline, ...standalone];
}

describe('InternalNlbService with every prop given', () => {
  let t: Template;
  let nlbSg: string;
  let taskSg: string;
  beforeAll(() => {
    t = buildConfigured();
    const logicalId = (type: string, pattern: RegExp) => Object.keys(t.findResources(type)).find((id) => pattern.test(id))!;
    nlbSg = logicalId('AWS::EC2::SecurityGroup', /LoadBalancerSecurityGroup/);
    taskSg = logicalId('AWS::EC2::SecurityGroup', /TaskSecurityGroup/);
  });

  test('creates an internal NLB with its own security group, cross-zone on, in one subnet per AZ', () => {
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internal',
      SecurityGroups: [{ 'Fn::GetAtt': [nlbSg, 'GroupId'] }],
      Subnets: [{ Ref: Match.stringLikeRegexp('workloadSubnet1') }, { Ref: Match.stringLikeRegexp('workloadSubnet2') }],
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      // Off on purpose: a protected NLB turns a failed first create into ROLLBACK_FAILED.
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
  });

  test('the listener set is exactly one TLS:443 listener with a TLS 1.3 policy and the certificate (no port 80)', () => {
    const listeners = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((l) => l.Properties);
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({
      Port: 443,
      Protocol: 'TLS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:444444444444:certificate/abc' }],
    });
    expect(listeners[0].SslPolicy).not.toBe('ELBSecurityPolicy-2016-08');
  });

  test('targets the container port over TCP with an HTTP health check on /healthz', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'TCP',
      TargetType: 'ip',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/healthz',
      Matcher: { HttpCode: '200' },
    });
  });

  test('deregistration delay and stop timeout cover the app\'s drain', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ StopTimeout: 30, ReadonlyRootFilesystem: true, User: '1000', Memory: 512, PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }] }),
      ],
    });
  });

  test('the NLB security group admits 443 from the consumer CIDRs only', () => {
    const nlbIngress = Object.values(t.findResources('AWS::EC2::SecurityGroup'))
      .filter((sg) => sg.Properties.GroupDescription.startsWith('Internal API NLB'))
      .flatMap((sg) => sg.Properties.SecurityGroupIngress);
    expect(nlbIngress.map((r: { CidrIp: string; FromPort: number; ToPort: number }) => [r.CidrIp, r.FromPort, r.ToPort])).toEqual([
      ['10.20.0.0/20', 443, 443],
      ['10.21.0.0/20', 443, 443],
    ]);
  });

  test('the task security group\'s only ingress source is the NLB security group, on the container port', () => {
    const taskIngress = [
      ...(t.findResources('AWS::EC2::SecurityGroup')[taskSg].Properties.SecurityGroupIngress ?? []),
      ...Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties).filter((p) => JSON.stringify(p.GroupId).includes(taskSg)),
    ];
    expect(taskIngress).toEqual([
      expect.objectContaining({ SourceSecurityGroupId: { 'Fn::GetAtt': [nlbSg, 'GroupId'] }, FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp' }),
    ]);
  });

  test('no rule anywhere, ingress or egress, to or from 0.0.0.0/0 or ::/0', () => {
    for (const rule of [...allRules(t, 'Ingress'), ...allRules(t, 'Egress')]) {
      expect(rule.CidrIp).not.toBe('0.0.0.0/0');
      expect(rule.CidrIpv6).not.toBe('::/0');
    }
  });

  test('the tasks may reach only the VPC endpoints and S3 (ECR layers), on 443', () => {
    const inline = t.findResources('AWS::EC2::SecurityGroup')[taskSg].Properties.SecurityGroupEgress;
    const standalone = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.GroupId).includes(taskSg))
      .map(({ GroupId: _groupId, ...rule }) => rule);
    expect([...inline, ...standalone]).toEqual([
      { CidrIp: '10.10.0.0/20', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS to the VPC interface endpoints' },
      { DestinationPrefixListId: { 'Fn::GetAtt': [expect.stringMatching(/^NetworkS3PrefixList/), 'PrefixLists.0.PrefixListId'] }, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS to S3 (ECR layers) via the gateway endpoint' },
    ]);
  });

  test('tasks run in the isolated subnets with no public IP, a circuit breaker with rollback, spread over AZs', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 2,
      DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 },
      AvailabilityZoneRebalancing: 'ENABLED',
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          SecurityGroups: [{ 'Fn::GetAtt': [taskSg, 'GroupId'] }],
          Subnets: [{ Ref: Match.stringLikeRegexp('workloadSubnet1') }, { Ref: Match.stringLikeRegexp('workloadSubnet2') }],
        },
      },
    });
  });

  test('the cluster has Container Insights; the task is ARM64 with a log group that expires', () => {
    t.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' }, Cpu: '256', Memory: '512' });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('StackEncryptionKey'), 'Arn'] } });
  });

  test('scales on CPU between the configured bounds', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }, TargetValue: 60 }),
    });
  });

  test('the task role has no policy; the execution role can pull and log', () => {
    const taskDef = Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    const taskRoleId = taskDef.TaskRoleArn['Fn::GetAtt'][0];
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p) => p.Properties);
    expect(policies.filter((p) => JSON.stringify(p.Roles).includes(taskRoleId))).toEqual([]);
    const executionRoleId = taskDef.ExecutionRoleArn['Fn::GetAtt'][0];
    const execution = policies.filter((p) => JSON.stringify(p.Roles).includes(executionRoleId)).flatMap((p) => p.PolicyDocument.Statement);
    expect(execution.flatMap((s: { Action: string | string[] }) => s.Action)).toEqual(expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']));
  });

  test('no alarms of its own: ApiMonitoring watches it through the exposed log group', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('fails at synth when the selection puts two subnets of one AZ in the NLB', () => {
    expect(() => buildConfigured(() => ({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))).toThrow(
      /Test\/Api: the subnet selection puts 2 subnets in eu-west-1a .*; a Network Load Balancer takes exactly one subnet per AZ/,
    );
  });

  test('fails when no client CIDR is given', () => {
    expect(() => buildConfigured(() => ({ clients: ApiClients.fromCidrs([]) }))).toThrow(/ApiClients.fromCidrs\(\[\]\): no client CIDR/);
  });
});
