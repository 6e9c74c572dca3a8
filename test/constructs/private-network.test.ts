import { Match, Template } from 'aws-cdk-lib/assertions';
import { PrivateNetwork, PrivateNetworkProps } from '../../lib/constructs/private-network';
import { bareStack, memo } from '../helpers';

const AZS = ['euw1-az1', 'euw1-az2'];

/** A bare stack (AZs pinned, no lookup) holding one PrivateNetwork. */
function networkTemplate(overrides: Partial<PrivateNetworkProps> = {}): Template {
  const stack = bareStack(overrides.availabilityZones ?? AZS);
  new PrivateNetwork(stack, 'Network', {
    cidr: '10.10.0.0/20',
    availabilityZones: AZS,
    workloadSubnetMask: 22,
    transitSubnetMask: 28,
    transitGatewayId: 'tgw-0123456789abcdef0',
    peerCidrs: ['10.20.0.0/20', '10.21.0.0/20'],
    ...overrides,
  });
  return Template.fromStack(stack);
}

describe('PrivateNetwork', () => {
  // The two shapes the app builds, each built once for the tests that read it.
  const consumerLike = memo(() => networkTemplate());
  const apiLike = memo(() => networkTemplate({ interfaceEndpoints: ['ecr.api', 'ecr.dkr', 'logs'], ecrLayerS3Endpoint: true }));

  test('has no route to the internet: no IGW, no NAT, no public subnet', () => {
    for (const t of [consumerLike(), apiLike()]) {
      t.resourceCountIs('AWS::EC2::InternetGateway', 0);
      t.resourceCountIs('AWS::EC2::NatGateway', 0);
      t.resourceCountIs('AWS::EC2::EIP', 0);
      t.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 0);
      for (const subnet of Object.values(t.findResources('AWS::EC2::Subnet'))) {
        expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
      }
      for (const route of Object.values(t.findResources('AWS::EC2::Route'))) {
        // Every route leaves through the transit gateway, never to an internet or NAT gateway.
        expect(Object.keys(route.Properties).sort()).toEqual(['DestinationCidrBlock', 'RouteTableId', 'TransitGatewayId']);
        expect(route.Properties.DestinationCidrBlock).not.toBe('0.0.0.0/0');
      }
    }
  });

  /** [logical id, AZ id, CIDR] of every subnet. */
  const subnetsOf = (t: Template) =>
    Object.entries(t.findResources('AWS::EC2::Subnet')).map(([id, s]) => [id, s.Properties.AvailabilityZoneId, s.Properties.CidrBlock]);

  test('has one workload and one small transit subnet per AZ, placed by AZ id', () => {
    expect(subnetsOf(consumerLike()).sort()).toEqual([
      [expect.stringMatching(/^NetworkVpctransitSubnet1Subnet/), 'euw1-az1', '10.10.15.240/28'],
      [expect.stringMatching(/^NetworkVpctransitSubnet2Subnet/), 'euw1-az2', '10.10.15.224/28'],
      [expect.stringMatching(/^NetworkVpcworkloadSubnet1Subnet/), 'euw1-az1', '10.10.0.0/22'],
      [expect.stringMatching(/^NetworkVpcworkloadSubnet2Subnet/), 'euw1-az2', '10.10.4.0/22'],
    ]);
    // The id, never the name: a name is a different physical zone in each account.
    for (const subnet of Object.values(consumerLike().findResources('AWS::EC2::Subnet'))) expect(subnet.Properties.AvailabilityZone).toBeUndefined();
  });

  test('an appended AZ keeps every existing subnet (logical id, zone and CIDR) and fits beside them', () => {
    const before = subnetsOf(consumerLike());
    const after = subnetsOf(networkTemplate({ availabilityZones: [...AZS, 'euw1-az3'] }));
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(6);
    expect(after).toEqual(
      expect.arrayContaining([
        [expect.stringMatching(/^NetworkVpcworkloadSubnet3Subnet/), 'euw1-az3', '10.10.8.0/22'],
        [expect.stringMatching(/^NetworkVpctransitSubnet3Subnet/), 'euw1-az3', '10.10.15.208/28'],
      ]),
    );
  });

  test('with AZ names (a sandbox), places subnets by name', () => {
    const named = networkTemplate({ availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    named.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: 'eu-west-1a', CidrBlock: '10.10.0.0/22', AvailabilityZoneId: Match.absent() });
  });

  test('fails when the AZs do not fit in the CIDR, naming the sizes and the fix', () => {
    expect(() => networkTemplate({ cidr: '10.10.0.0/22' })).toThrow(/Test\/Network: 2 AZs of \/22 workload and \/28 transit subnets do not fit in 10.10.0.0\/22; use a larger VPC CIDR/);
  });

  test('attaches the transit subnets (only) to the transit gateway', () => {
    consumerLike().hasResourceProperties('AWS::EC2::TransitGatewayAttachment', {
      TransitGatewayId: 'tgw-0123456789abcdef0',
      SubnetIds: [
        { Ref: Match.stringLikeRegexp('transitSubnet1') },
        { Ref: Match.stringLikeRegexp('transitSubnet2') },
      ],
    });
  });

  test('routes every peer CIDR from every workload subnet via the TGW, after the attachment exists', () => {
    const [attachmentId] = Object.keys(consumerLike().findResources('AWS::EC2::TransitGatewayAttachment'));
    const routes = Object.values(consumerLike().findResources('AWS::EC2::Route'));
    expect(routes).toHaveLength(4); // 2 workload subnets x 2 peers
    for (const peer of ['10.20.0.0/20', '10.21.0.0/20']) {
      const toPeer = routes.filter((r) => r.Properties.DestinationCidrBlock === peer);
      expect(toPeer).toHaveLength(2);
      for (const route of toPeer) {
        expect(route.Properties.TransitGatewayId).toBe('tgw-0123456789abcdef0');
        expect(route.DependsOn).toContain(attachmentId);
        expect(JSON.stringify(route.Properties.RouteTableId)).toMatch(/workloadSubnet/);
      }
    }
  });

  test('a default (consumer) VPC gets no interface endpoint at all', () => {
    consumerLike().resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('the API VPC gets ecr.api, ecr.dkr and logs with private DNS, plus the S3 gateway endpoint', () => {
    for (const service of ['ecr.api', 'ecr.dkr', 'logs']) {
      apiLike().hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: `com.amazonaws.eu-west-1.${service}`,
        SubnetIds: [{ Ref: Match.stringLikeRegexp('workloadSubnet1') }, { Ref: Match.stringLikeRegexp('workloadSubnet2') }],
      });
    }
    apiLike().hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      RouteTableIds: [{ Ref: Match.stringLikeRegexp('workloadSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('workloadSubnet2RouteTable') }],
      PolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*' })],
      }),
    });
    apiLike().resourceCountIs('AWS::EC2::VPCEndpoint', 4);
  });

  test('reads the region\'s S3 prefix list at deploy time (for task egress), never at synth', () => {
    apiLike().hasResourceProperties('Custom::AWS', {
      Create: Match.serializedJson(Match.objectLike({ service: 'EC2', action: 'describeManagedPrefixLists', parameters: { Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.eu-west-1.s3'] }] } })),
    });
    consumerLike().resourceCountIs('Custom::AWS', 0);
  });

  test('the endpoint security group admits 443 from the literal VPC CIDR only', () => {
    apiLike().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('VPC interface endpoints'),
      SecurityGroupIngress: [{ CidrIp: '10.10.0.0/20', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS from this VPC' }],
    });
  });

  test('writes VPC flow logs to a log group with retention', () => {
    for (const t of [consumerLike(), apiLike()]) {
      t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    }
  });

  test('fails with fewer than 2 availability zones, naming the value and the fix', () => {
    expect(() => networkTemplate({ availabilityZones: ['euw1-az1'] })).toThrow(
      /Test\/Network: needs at least 2 availability zones, got \["euw1-az1"\]; add one/,
    );
  });
});
