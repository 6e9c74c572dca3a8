import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IsolatedVpcFunction } from '../../lib/constructs/isolated-vpc-function';
import { bareStack } from '../helpers';

const ACCOUNT = '555555555555';
const ENTRY = join(__dirname, '..', '..', 'lib', 'runtime', 'graphql-resolver', 'src', 'healthcheck.ts');

/** A bare stack with an isolated VPC and one function in it. */
function build() {
  const stack = bareStack(['eu-west-1a', 'eu-west-1b'], ACCOUNT);
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-0000000a', 'subnet-0000000b'], isolatedSubnetRouteTableIds: ['rtb-0000000a', 'rtb-0000000b'] });
  const fn = new IsolatedVpcFunction(stack, 'Check', { entry: ENTRY, vpc, logRetention: logs.RetentionDays.ONE_MONTH });
  return { stack, vpc, fn, template: Template.fromStack(stack) };
}

interface Statement { Action: string | string[]; Resource: unknown; Condition?: unknown }
function statements(template: Template, rolePrefix: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(rolePrefix))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('IsolatedVpcFunction', () => {
  const { stack, vpc, fn, template } = build();
  const arn = (resource: string) => `arn:${Stack.of(stack).partition}:ec2:${stack.region}:${stack.account}:${resource}`;
  const eniStatements = statements(template, 'CheckRole').filter((s) => [s.Action].flat().some((a) => a.startsWith('ec2:')));

  test('Lambda may delete its interfaces and move their addresses with no VPC condition, as its own check at CreateFunction asks', () => {
    const manage = eniStatements.find((s) => [s.Action].flat().includes('ec2:DeleteNetworkInterface'))!;
    expect(manage).toMatchObject({ Action: ['ec2:AssignPrivateIpAddresses', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'], Resource: [arn('*/*'), arn('network-interface/*')] });
    expect(manage.Condition).toBeUndefined();
  });

  test('but creates interfaces only with a subnet and security group of its own VPC', () => {
    const creates = eniStatements.filter((s) => [s.Action].flat().includes('ec2:CreateNetworkInterface'));
    expect(creates).toEqual(expect.arrayContaining([
      expect.objectContaining({ Resource: arn('network-interface/*') }),
      expect.objectContaining({ Resource: [arn('security-group/*'), arn('subnet/*')], Condition: { ArnEquals: { 'ec2:Vpc': stack.resolve(vpc.vpcArn) } } }),
    ]));
    expect(creates.filter((s) => s.Condition === undefined).map((s) => s.Resource)).toEqual([arn('network-interface/*')]);
  });

  test('no managed policy, and no other EC2 action than the ENI ones Lambda needs', () => {
    expect(Object.values(template.findResources('AWS::IAM::Role')).map((r) => r.Properties.ManagedPolicyArns)).toEqual([undefined]);
    expect(eniStatements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('ec2:')).sort()).toEqual([
      'ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses',
    ]);
  });

  test('without a security group given, its own group allows no egress: it reaches only what `connections` opens', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    expect(fn.connections.securityGroups).toHaveLength(1);
  });

  test('its role and log group are siblings, so functions deployed before the construct keep their logical ids', () => {
    expect(Object.keys(template.findResources('AWS::IAM::Role'))).toEqual([expect.stringMatching(/^CheckRole[0-9A-F]{8}$/)]);
    expect(Object.keys(template.findResources('AWS::Logs::LogGroup'))).toEqual([expect.stringMatching(/^CheckLogs[0-9A-F]{8}$/)]);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' }, Timeout: 10, MemorySize: 256 });
  });

  test('by default it runs in the VPC\'s isolated subnets', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.objectLike({ SubnetIds: ['subnet-0000000a', 'subnet-0000000b'] }) });
  });

  test('fails in an environment-agnostic stack, naming the fix: its acknowledgements need literal ARNs', () => {
    const agnostic = new Stack(undefined, 'Agnostic');
    const vpc2 = ec2.Vpc.fromVpcAttributes(agnostic, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'], isolatedSubnetIds: ['subnet-12345678'] });
    expect(() => new IsolatedVpcFunction(agnostic, 'Check', { entry: ENTRY, vpc: vpc2, subnets: { subnets: vpc2.isolatedSubnets }, logRetention: logs.RetentionDays.ONE_MONTH }))
      .toThrow(/Agnostic\/CheckRole: needs a stack with an explicit account and region \(env\).*give the stack env: \{ account, region \}/);
  });
});
