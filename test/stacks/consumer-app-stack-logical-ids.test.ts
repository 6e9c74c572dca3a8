import { exampleTestStages, stageNamed, templateOf } from '../helpers';

/**
 * The logical ids of the consumer stack's stateful and wired resources, as deployed today. A
 * construct id that moves (a refactoring that nests a function one level deeper) changes the
 * logical id, and CloudFormation replaces the resource: a new API with a new URL and id, new log
 * groups beside the retained old ones, a new security group. Any change here is a breaking change.
 * Each API a consumer calls has its functions under its own name (`Graphql<api>...`); these are
 * the catalogue's, and the GraphQL API's own.
 */
const DEPLOYED_LOGICAL_IDS: Record<string, string> = {
  GraphqlcatalogueSecurityGroup502CC294: 'AWS::EC2::SecurityGroup',
  GraphqlcatalogueResolverLogs3D1CEAC4: 'AWS::Logs::LogGroup',
  GraphqlcatalogueResolverRole1557A29D: 'AWS::IAM::Role',
  GraphqlcatalogueResolverRoleDefaultPolicyBE9D486E: 'AWS::IAM::Policy',
  GraphqlcatalogueResolver7CDBDD7A: 'AWS::Lambda::Function',
  GraphqlcatalogueHealthCheckLogsA604A6C2: 'AWS::Logs::LogGroup',
  GraphqlcatalogueHealthCheckRole26532330: 'AWS::IAM::Role',
  GraphqlcatalogueHealthCheckRoleDefaultPolicyBE5501B6: 'AWS::IAM::Policy',
  GraphqlcatalogueHealthCheckA7610D4C: 'AWS::Lambda::Function',
  GraphqlcatalogueHealthCheckGateFunctionLogs918C1BC1: 'AWS::Logs::LogGroup',
  GraphqlcatalogueHealthCheckGateFunctionRole1B861B26: 'AWS::IAM::Role',
  GraphqlcatalogueHealthCheckGateFunctionRoleDefaultPolicyF5EB4BDB: 'AWS::IAM::Policy',
  GraphqlcatalogueHealthCheckGateFunction9B83EBA6: 'AWS::Lambda::Function',
  GraphqlcatalogueHealthCheckGateF07AD098: 'Custom::HealthCheckGate',
  GraphqlApi5FB08D89: 'AWS::AppSync::GraphQLApi',
  GraphqlApiSchema28D8D0F0: 'AWS::AppSync::GraphQLSchema',
  GraphqlApiInternalcatalogueServiceRoleC4E4EB5F: 'AWS::IAM::Role',
  GraphqlApiInternalcatalogueServiceRoleDefaultPolicy6E684232: 'AWS::IAM::Policy',
  GraphqlApiInternalcatalogue30F92B5A: 'AWS::AppSync::DataSource',
  GraphqlApiQueryitemE3E1119B: 'AWS::AppSync::Resolver',
  GraphqlApiQueryitemsE6946DCD: 'AWS::AppSync::Resolver',
  GraphqlApiLogsRole25B1219D: 'AWS::IAM::Role',
  GraphqlApiLogsRoleDefaultPolicy8AFFE14A: 'AWS::IAM::Policy',
  GraphqlApiLogs28D236BA: 'AWS::Logs::LogGroup',
};

describe('ConsumerApp logical ids', () => {
  const { stages } = exampleTestStages();
  const resources = templateOf(stageNamed(stages, 'dev').consumerApps.get('storefront')!).toJSON().Resources as Record<string, { Type: string }>;

  test('the GraphQL API, its functions, roles, log groups and gate keep the logical ids they were deployed with', () => {
    const deployed = Object.fromEntries(Object.entries(resources).filter(([id]) => id in DEPLOYED_LOGICAL_IDS).map(([id, r]) => [id, r.Type]));
    expect(deployed).toEqual(DEPLOYED_LOGICAL_IDS);
  });
});
