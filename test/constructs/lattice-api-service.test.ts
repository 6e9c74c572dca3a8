import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { PolicyDocumentJson } from '../../lib/config/lattice-policies';
import { INTERNAL_NLB_SERVICE_DEFAULTS as D } from '../../lib/constructs/internal-nlb-service-defaults';
import { LatticeApiService, LatticeApiServiceProps } from '../../lib/constructs/lattice-api-service';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { bareStack, memo, resourcesOf } from '../helpers';

const AZS = ['eu-west-1a', 'eu-west-1b'];
const POLICY: PolicyDocumentJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::555555555555:root' }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }] };
const NETWORK_ARN = 'arn:aws:vpc-lattice:eu-west-1:222222222222:servicenetwork/sn-0123456789abcdef0';

function build(extra: Partial<LatticeApiServiceProps> = {}): { stack: Stack; api: LatticeApiService } {
  const stack = bareStack(AZS);
  const network = new PrivateNetwork(stack, 'Network', { cidr: '10.10.0.0/20', availabilityZones: AZS, workloadSubnetMask: 22, transitSubnetMask: 28, ecrLayerS3Endpoint: true });
  const api = new LatticeApiService(stack, 'Api', {
    network,
    name: 'internal-api-dev-catalogue',
    domainName: 'catalogue.dev.example.com',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:444444444444:certificate/abc'),
    serviceNetworkArn: NETWORK_ARN,
    authPolicy: POLICY,
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/api:1.0.0'),
    ...extra,
  });
  return { stack, api };
}

describe('LatticeApiService with only its required props', () => {
  const t = memo(() => Template.fromStack(build().stack));

  test('a service on the API\'s own name and certificate, IAM auth, its policy attached, joined to the network by ARN', () => {
    t().hasResourceProperties('AWS::VpcLattice::Service', { Name: 'internal-api-dev-catalogue', AuthType: 'AWS_IAM', CustomDomainName: 'catalogue.dev.example.com', CertificateArn: 'arn:aws:acm:eu-west-1:444444444444:certificate/abc' });
    t().hasResourceProperties('AWS::VpcLattice::AuthPolicy', { Policy: POLICY });
    t().hasResourceProperties('AWS::VpcLattice::ServiceNetworkServiceAssociation', { ServiceNetworkIdentifier: NETWORK_ARN });
    // Joined only once its policy exists: an AWS_IAM service without one denies every request.
    const [[policyId]] = resourcesOf(t(), 'AWS::VpcLattice::AuthPolicy');
    const [[, association]] = resourcesOf(t(), 'AWS::VpcLattice::ServiceNetworkServiceAssociation');
    expect(association.DependsOn).toContain(policyId);
  });

  test('one HTTPS listener on 443, forwarding to the tasks\' target group on the default container port', () => {
    const listeners = resourcesOf(t(), 'AWS::VpcLattice::Listener');
    expect(listeners.map(([, l]) => [l.Properties!.Protocol, l.Properties!.Port])).toEqual([['HTTPS', 443]]);
    t().hasResourceProperties('AWS::VpcLattice::TargetGroup', { Type: 'IP', Config: { Port: D.containerPort, Protocol: 'HTTP', HealthCheck: { Path: D.healthCheckPath } } });
  });

  test('the default sizing of the NLB service: the same defaults file', () => {
    t().hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: String(D.cpu), Memory: String(D.memoryLimitMiB) });
    t().hasResourceProperties('AWS::ECS::Service', { DesiredCount: D.desiredCount });
  });

  test('the tasks reach only the VPC\'s endpoints and S3, as behind the NLB', () => {
    const inline = resourcesOf(t(), 'AWS::EC2::SecurityGroup').flatMap(([, g]) => (g.Properties!.SecurityGroupEgress as { Description: string }[] | undefined) ?? []).map((r) => r.Description);
    const egress = [...inline, ...resourcesOf(t(), 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties!.Description)].filter((d) => d !== 'Disallow all traffic');
    expect(egress.sort()).toEqual(['HTTPS to S3 (ECR layers) via the gateway endpoint', 'HTTPS to the VPC interface endpoints']);
  });
});

describe('LatticeApiService refuses', () => {
  test.each([['svc-catalogue'], ['Catalogue'], ['ab'], ['a'.repeat(41)], ['api--x']])('the service name %s, naming the rule', (name) => {
    expect(() => build({ name })).toThrow(/Lattice service name .* must be 3-40 lowercase letters, digits or single hyphens, not starting with "svc-"/);
  });

  test('an auth policy over VPC Lattice\'s 10 KB', () => {
    const big: PolicyDocumentJson = { Version: '2012-10-17', Statement: Array.from({ length: 60 }, (_, i) => ({ ...POLICY.Statement[0], Sid: `S${i}`, Condition: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::555555555555:role/${'r'.repeat(150)}` } } })) };
    expect(() => build({ authPolicy: big })).toThrow(/the auth policy is \d+ bytes, over VPC Lattice's 10240 \(10 KB, not adjustable\)/);
  });
});
