import { exampleTestStages, stageNamed, templateOf } from '../helpers';

/**
 * The logical ids of the consumer stack's stateful and wired resources, as deployed today. A
 * construct id that moves (a refactoring that nests a function one level deeper) changes the
 * logical id, and CloudFormation replaces the resource: a new API with a new URL and id, new log
 * groups beside the retained old ones, a new security group. Any change here is a breaking change.
 */
const DEPLOYED_LOGICAL_IDS: Record<string, string> = {
  GraphqlSecurityGroup1D588F0D: 'AWS::EC2::SecurityGroup',
  GraphqlResolverLogs7C0A2B58: 'AWS::Logs::LogGroup',
  GraphqlResolverRole4F2039D7: 'AWS::IAM::Role',
  GraphqlResolverRoleDefaultPolicy31E73719: 'AWS::IAM::Policy',
  GraphqlResolver870D3FD8: 'AWS::Lambda::Function',
  GraphqlHealthCheckLogs65087A94: 'AWS::Logs::LogGroup',
  GraphqlHealthCheckRoleD0526A39: 'AWS::IAM::Role',
  GraphqlHealthCheckRoleDefaultPolicy43B9803F: 'AWS::IAM::Policy',
  GraphqlHealthCheckD2F05E3B: 'AWS::Lambda::Function',
  GraphqlApi5FB08D89: 'AWS::AppSync::GraphQLApi',
  GraphqlApiSchema28D8D0F0: 'AWS::AppSync::GraphQLSchema',
  GraphqlApiInternalServiceRoleEE2287D1: 'AWS::IAM::Role',
  GraphqlApiInternalServiceRoleDefaultPolicyA654018E: 'AWS::IAM::Policy',
  GraphqlApiInternalFBE3C597: 'AWS::AppSync::DataSource',
  GraphqlApiQueryitemE3E1119B: 'AWS::AppSync::Resolver',
  GraphqlApiQueryitemsE6946DCD: 'AWS::AppSync::Resolver',
  GraphqlApiLogsRole25B1219D: 'AWS::IAM::Role',
  GraphqlApiLogsRoleDefaultPolicy8AFFE14A: 'AWS::IAM::Policy',
  GraphqlApiLogs28D236BA: 'AWS::Logs::LogGroup',
  GraphqlHealthCheckGateFunctionLogs38A25568: 'AWS::Logs::LogGroup',
  GraphqlHealthCheckGateFunctionRoleB1D8051E: 'AWS::IAM::Role',
  GraphqlHealthCheckGateFunctionRoleDefaultPolicy79EA7276: 'AWS::IAM::Policy',
  GraphqlHealthCheckGateFunctionE89896C9: 'AWS::Lambda::Function',
  GraphqlHealthCheckGate18DF6E53: 'Custom::HealthCheckGate',
};

describe('ConsumerApp logical ids', () => {
  const { stages } = exampleTestStages();
  const resources = templateOf(stageNamed(stages, 'dev').consumerApps.get('storefront')!).toJSON().Resources as Record<string, { Type: string }>;

  test('the GraphQL API, its functions, roles, log groups and gate keep the logical ids they were deployed with', () => {
    const deployed = Object.fromEntries(Object.entries(resources).filter(([id]) => id in DEPLOYED_LOGICAL_IDS).map(([id, r]) => [id, r.Type]));
    expect(deployed).toEqual(DEPLOYED_LOGICAL_IDS);
  });
});
