import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ApiClients } from '../../lib/constructs/api-clients';
import { InternalNlbService, InternalNlbServiceProps } from '../../lib/constructs/internal-nlb-service';
import { INTERNAL_NLB_SERVICE_DEFAULTS as D } from '../../lib/constructs/internal-nlb-service-defaults';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { bareStack } from '../helpers';

const AZS = ['eu-west-1a', 'eu-west-1b'];

/** A bare stack with a network and a service given only its required props (and `extra`). */
function build(extra: Partial<InternalNlbServiceProps> = {}, ecrLayerS3Endpoint = true): { stack: Stack; api: InternalNlbService } {
  const stack = bareStack(AZS);
  const network = new PrivateNetwork(stack, 'Network', {
    cidr: '10.10.0.0/20',
    availabilityZones: AZS,
    workloadSubnetMask: 22,
    transitSubnetMask: 28,
    transitGatewayId: 'tgw-0123456789abcdef0',
    peerCidrs: ['10.20.0.0/20'],
    ecrLayerS3Endpoint,
  });
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
  const { stack } = build();
  const t = Template.fromStack(stack);

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
