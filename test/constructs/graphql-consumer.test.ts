import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { apiRuntimeOf, mergedSchema } from '../../lib/config/api-runtime';
import { GraphqlConsumer, GraphqlConsumerProps } from '../../lib/constructs/graphql-consumer';
import { GRAPHQL_PREFIX_ENV } from '../../lib/runtime/graphql-resolver/src/graphql-prefix';
import { bareStack, resourcesOf, TestBuildOptions, catalogueConsumerApis, memo } from '../helpers';

/** A bare stack with a VPC, one GraphqlConsumer and a caller role. */
function build(props: Partial<GraphqlConsumerProps> = {}, options: TestBuildOptions = {}) {
  const stack = bareStack(['eu-west-1a', 'eu-west-1b'], '555555555555', options);
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const consumer = new GraphqlConsumer(stack, 'Graphql', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ...catalogueConsumerApis(),
    apiName: 'storefront',
    logRetention: logs.RetentionDays.ONE_MONTH,
    ...props,
  });
  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
  return { stack, consumer, caller };
}

/** The appsync:GraphQL statements of the caller's policies. */
interface Statement {
  readonly Action: string | string[];
  readonly Resource: { 'Fn::Join': [string, unknown[]] };
}
function graphqlStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p.Properties.PolicyDocument.Statement as Statement[]).filter((s) => [s.Action].flat().includes('appsync:GraphQL')),
  );
}

describe('GraphqlConsumer access', () => {
  test('nothing may query the API by default', () => {
    const { stack } = build();
    expect(graphqlStatements(Template.fromStack(stack))).toEqual([]);
  });

  test('grantQuery gives the caller appsync:GraphQL on the Query fields named, and nothing else', () => {
    const { stack, consumer, caller } = build();
    consumer.grantQuery(caller, 'item');
    const template = Template.fromStack(stack);
    expect(graphqlStatements(template)).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'appsync:GraphQL',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':appsync:eu-west-1:555555555555:apis/'), { 'Fn::GetAtt': [Match.stringLikeRegexp('^GraphqlApi'), 'ApiId'] }, '/types/Query/fields/item'])],
            },
          },
        ],
      },
    });
  });

  test('grantQuery without fields covers every Query field', () => {
    const { stack, consumer, caller } = build();
    consumer.grantQuery(caller);
    const [statement] = graphqlStatements(Template.fromStack(stack));
    expect(statement.Resource['Fn::Join'][1].at(-1)).toBe('/types/Query/*');
  });

  test('fails when the API uses an API key: an IAM grant would change nothing', () => {
    const { consumer, caller } = build({ authorizationType: appsync.AuthorizationType.API_KEY, apiKeys: [{ name: 'Default', expires: new Date(Date.now() + 30 * 86_400_000) }] });
    expect(() => consumer.grantQuery(caller)).toThrow(/grantQuery needs IAM authorization, but this API uses API_KEY; set the consumer's graphqlAuth to AWS_IAM/);
  });
});

describe('GraphqlConsumer API keys', () => {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
  const API_KEY = appsync.AuthorizationType.API_KEY;

  test('without a key it fails instead of letting AppSync create a key that lapses in 7 days', () => {
    expect(() => build({ authorizationType: API_KEY })).toThrow(/Graphql: API_KEY authorization needs at least one entry in apiKeys/);
  });

  test('two keys of one name fail with the name', () => {
    expect(() => build({ authorizationType: API_KEY, apiKeys: [{ name: 'A', expires: inDays(10) }, { name: 'A', expires: inDays(20) }] })).toThrow(/two keys named "A"/);
  });

  test.each([0.5, 366])('a key expiring %p days ahead fails with the range AppSync accepts', (days) => {
    expect(() => build({ authorizationType: API_KEY, apiKeys: [{ name: 'Next', expires: inDays(days) }] })).toThrow(
      /API key "Next" expires .*; AppSync accepts 1 to 365 days after the deploy/,
    );
  });

  test('every key becomes an AppSync key with its expiry in epoch seconds', () => {
    const keys = [{ name: 'Default', expires: inDays(3) }, { name: 'Next', expires: inDays(300) }];
    const template = Template.fromStack(build({ authorizationType: API_KEY, apiKeys: keys }).stack);
    const found = resourcesOf(template, 'AWS::AppSync::ApiKey');
    expect(found.map(([, key]) => key.Properties!.Expires).sort()).toEqual(keys.map((key) => Math.round(key.expires.getTime() / 1000)).sort());
  });
});

describe('GraphqlConsumer resolver', () => {
  test('fails when the resolver concurrency is not a positive integer, naming the value', () => {
    expect(() => build({ resolverConcurrency: 0 })).toThrow(/Test\/Graphql\/catalogue: resolverConcurrency must be a positive integer, got 0/);
  });
});

describe('GraphqlConsumer bundles', () => {
  test('are produced by local esbuild (no Docker) and stay small', () => {
    const { stack } = build({}, { bundlingStacks: ['**'] });
    const assembly = (stack.node.root as App).synth();
    const functions = resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function').filter(([id]) => /^Graphqlcatalogue(Resolver|HealthCheck)[0-9A-F]{8}$/.test(id));
    expect(functions).toHaveLength(2);
    for (const [, fn] of functions) {
      const dir = join(assembly.directory, `asset.${(fn.Properties!.Code as { S3Key: string }).S3Key.replace('.zip', '')}`);
      expect(existsSync(join(dir, 'index.js'))).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
      expect(statSync(join(dir, 'index.js')).size).toBeLessThan(64 * 1024);
    }
  });
});

describe('GraphqlConsumer serving two APIs of one runtime, one under a graphqlPrefix', () => {
  const built = memo(() => {
    const [catalogue] = catalogueConsumerApis().apis;
    const archive = apiRuntimeOf({ graphqlPrefix: 'archive' });
    const apis = [catalogue, { ...catalogue, name: 'archive', baseUrl: 'https://archive.dev.example.com', destination: ec2.Peer.ipv4('10.12.0.0/20'), graphql: archive.graphql }];
    return Template.fromStack(build({ apis, schema: mergedSchema([apiRuntimeOf({}), archive]) }).stack);
  });

  test('each API\'s fields are resolved by its own resolver function', () => {
    const functions = resourcesOf(built(), 'AWS::Lambda::Function');
    const dataSources = resourcesOf(built(), 'AWS::AppSync::DataSource');
    const resolvers = resourcesOf(built(), 'AWS::AppSync::Resolver').map(([, r]) => r.Properties!);
    for (const [name, fields] of [['catalogue', ['item', 'items']], ['archive', ['archiveItem', 'archiveItems']]] as const) {
      const [[functionId]] = functions.filter(([id]) => new RegExp(`^Graphql${name}Resolver[0-9A-F]{8}$`).test(id));
      const [[, dataSource]] = dataSources.filter(([, d]) => JSON.stringify(d.Properties!.LambdaConfig) === JSON.stringify({ LambdaFunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] } }));
      expect(resolvers.filter((r) => r.DataSourceName === dataSource.Properties!.Name).map((r) => `${r.TypeName}.${r.FieldName}`).sort()).toEqual(fields.map((f) => `Query.${f}`));
    }
  });

  test('only the prefixed API\'s resolver is told the prefix; the health checks and the other resolver are as before', () => {
    const variables = Object.fromEntries(resourcesOf(built(), 'AWS::Lambda::Function').filter(([id]) => /^Graphql(catalogue|archive)(Resolver|HealthCheck)[0-9A-F]{8}$/.test(id))
      .map(([id, fn]) => [id.replace(/[0-9A-F]{8}$/, ''), (fn.Properties!.Environment as { Variables: Record<string, string> }).Variables[GRAPHQL_PREFIX_ENV]]));
    expect(variables).toEqual({ GraphqlcatalogueResolver: undefined, GraphqlcatalogueHealthCheck: undefined, GraphqlarchiveResolver: 'archive', GraphqlarchiveHealthCheck: undefined });
  });
});
