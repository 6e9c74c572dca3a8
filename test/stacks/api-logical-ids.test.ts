/**
 * The logical ids of the API side's deployed resources, written out: CloudFormation replaces a
 * resource whose logical id changes (a new NLB name and addresses, a new service, lost log
 * groups), so a refactor of the constructs that builds these stacks must keep every one of them.
 * Each id is the one the stacks had when they were first deployed; none may be edited here to
 * make a refactor pass.
 */
import { exampleTestStages, templateOf } from '../helpers';

const API_SERVICE: Record<string, string> = {
  ApiCluster38154836: 'AWS::ECS::Cluster',
  ApiLogsCD139AD4: 'AWS::Logs::LogGroup',
  ApiTaskDefinitionFA71DA57: 'AWS::ECS::TaskDefinition',
  ApiLoadBalancerSecurityGroup0EC682A9: 'AWS::EC2::SecurityGroup',
  ApiTaskSecurityGroup9C46E2CA: 'AWS::EC2::SecurityGroup',
  ApiServiceD5B4A50A: 'AWS::ECS::Service',
  ApiServerAccessLogs3D294E03: 'AWS::S3::Bucket',
  ApiAccessLogs50B185DB: 'AWS::S3::Bucket',
  ApiLoadBalancer9F78B8A1: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  ApiLoadBalancerTlsA50ACEC3: 'AWS::ElasticLoadBalancingV2::Listener',
  ApiLoadBalancerTlsApiGroupC7FA0096: 'AWS::ElasticLoadBalancingV2::TargetGroup',
  StackEncryptionKey43CCABEE: 'AWS::KMS::Key',
  ApiAliasF1DE69EE: 'AWS::Route53::RecordSet',
  EndpointParameterF11DFFDF: 'AWS::SSM::Parameter',
  RevisionParameter6550D5E6: 'AWS::SSM::Parameter',
  CertificateParameterD095705F: 'AWS::SSM::Parameter',
  TerminationProtectionLogsE65A9789: 'AWS::Logs::LogGroup',
};

const API_NETWORK: Record<string, string> = {
  NetworkFlowLogs2BEC3212: 'AWS::Logs::LogGroup',
  NetworkVpc7FB7348F: 'AWS::EC2::VPC',
  NetworkVpcworkloadSubnet1Subnet47047E5A: 'AWS::EC2::Subnet',
  NetworkVpcworkloadSubnet2Subnet967E3D54: 'AWS::EC2::Subnet',
  NetworkVpcAllFlowLog06869AE6: 'AWS::EC2::FlowLog',
  NetworkVpcEcrApiEndpointE3D7E09F: 'AWS::EC2::VPCEndpoint',
  NetworkVpcEcrDockerEndpoint18F85AD4: 'AWS::EC2::VPCEndpoint',
  NetworkVpcLogsEndpointA7731FD0: 'AWS::EC2::VPCEndpoint',
  NetworkVpcS3Endpoint87783328: 'AWS::EC2::VPCEndpoint',
  NetworkEndpointSecurityGroup6DEF6240: 'AWS::EC2::SecurityGroup',
  NetworkS3PrefixListLogs54418591: 'AWS::Logs::LogGroup',
  StackEncryptionKey43CCABEE: 'AWS::KMS::Key',
};

const { stages } = exampleTestStages();

describe.each(stages.map((s) => [s.environment.name, s] as const))('%s: logical ids of the API side', (_name, stage) => {
  const typesById = (stack: Parameters<typeof templateOf>[0]) =>
    Object.fromEntries(Object.entries(templateOf(stack).toJSON().Resources as Record<string, { Type: string }>).map(([id, r]) => [id, r.Type]));

  test('ApiService keeps the ids of its NLB, listener, target group, service, security groups, log groups, alias and parameters', () => {
    for (const api of stage.apis.values()) expect(typesById(api.service)).toMatchObject(API_SERVICE);
  });

  test('ApiNetwork keeps the ids of its VPC, workload subnets, endpoints, security group and log groups', () => {
    for (const api of stage.apis.values()) expect(typesById(api.network)).toMatchObject(API_NETWORK);
  });
});
