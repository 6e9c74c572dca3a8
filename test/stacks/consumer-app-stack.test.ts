import { Match } from 'aws-cdk-lib/assertions';
import { buildSchema, GraphQLObjectType } from 'graphql';
import { apiRuntimeOf } from '../../lib/config/api-runtime';
import { apisCalledBy } from '../../lib/config/matrix';
import { callerRoleName } from '../../lib/config/names';
import { sharedParameterArn, sharedParameterName } from '../../lib/config/shared-parameters';
import { exampleConfig } from '../../lib/config/environments';
import { DEFAULT_RESOLVER_CONCURRENCY } from '../../lib/constructs/called-api';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../lib/runtime/graphql-resolver/graphql-limits';
import { GRAPHQL_PREFIX_ENV } from '../../lib/runtime/graphql-resolver/src/graphql-prefix';
import { buildTestStages, configWith, exampleEnvironment, exampleTestStages, firstEnvironmentOnly, memo, resourcesOf, stageNamed, templateOf } from '../helpers';

// The example's stages, built on first use and shared by the tests below that only read them.
const dev = () => stageNamed(exampleTestStages().stages, 'dev');
const devEnv = exampleEnvironment('dev');
const [consumer] = devEnv.consumers;
const called = apisCalledBy(devEnv, consumer);
const consumerApp = () => dev().consumerApps.get(consumer.name)!;
const consumerTemplate = memo(() => templateOf(consumerApp()));
/** Each called API's resolver and health check (not the gate's handler, nor CDK's own functions). */
const resolverFunctions = memo(() => resourcesOf(consumerTemplate(), 'AWS::Lambda::Function').filter(([id]) => /Resolver|HealthCheck/.test(id) && !/^AWSCDK|Gate/.test(id)));
const vpcOf = (name: string) => ({ kind: 'api', name }) as const;

describe('ConsumerApp (consumer account)', () => {
  test('deploys in the consumer account, after the services of the APIs it calls and its own network', () => {
    expect(consumerApp().account).toBe(consumer.account);
    expect(consumerApp().dependencies).toEqual(expect.arrayContaining([...called.map((a) => dev().apis.get(a.name)!.service), dev().consumerNetworks.get(consumer.name)]));
  });

  test('per API it calls: a resolver and a health check, in the consumer VPC\'s isolated workload subnets', () => {
    const functions = resolverFunctions();
    expect(functions.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(called.flatMap((a) => [`Graphql${a.name}HealthCheck`, `Graphql${a.name}Resolver`]).sort());
    for (const [, fn] of functions) {
      const vpcConfig = fn.Properties!.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      expect(JSON.stringify(vpcConfig.SubnetIds)).toMatch(new RegExp(`Dev-ConsumerNetwork-${consumer.name}.*workloadSubnet1.*workloadSubnet2`));
      expect(vpcConfig.SubnetIds).toHaveLength(2);
    }
  });

  test('each API\'s functions have their own security group, whose only egress is 443 to that API\'s VPC, admitting nothing', () => {
    const t = consumerTemplate();
    const groups = resourcesOf(t, 'AWS::EC2::SecurityGroup');
    expect(groups).toHaveLength(called.length);
    for (const api of called) {
      const [[groupId, group]] = groups.filter(([id]) => id.startsWith(`Graphql${api.name}SecurityGroup`));
      expect(group.Properties!.SecurityGroupEgress).toEqual([{ CidrIp: api.cidr, Description: `HTTPS to ${api.name}`, FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }]);
      expect(group.Properties!.SecurityGroupIngress).toBeUndefined();
      for (const [id, fn] of resolverFunctions().filter(([fid]) => fid.startsWith(`Graphql${api.name}`))) {
        expect((fn.Properties!.VpcConfig as { SecurityGroupIds: unknown[] }).SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [groupId, 'GroupId'] }]);
        expect(id).toBeDefined();
      }
    }
    t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('each API\'s resolver and health check run as roles named from the configuration, the names the API\'s account recognises its callers by', () => {
    const roles = resourcesOf(consumerTemplate(), 'AWS::IAM::Role').map(([, r]) => r.Properties!.RoleName).filter((n) => n !== undefined);
    const expected = called.flatMap((api) => [callerRoleName(exampleConfig, devEnv, consumer, api, 'resolver'), callerRoleName(exampleConfig, devEnv, consumer, api, 'check')]);
    expect([...roles].sort()).toEqual([...expected].sort());
    for (const [id, fn] of resolverFunctions()) {
      const api = called.find((a) => id.startsWith(`Graphql${a.name}`))!;
      const roleId = (fn.Properties!.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const kind = id.includes('Resolver') ? 'resolver' : 'check';
      expect(consumerTemplate().toJSON().Resources[roleId].Properties.RoleName).toBe(callerRoleName(exampleConfig, devEnv, consumer, api, kind));
    }
  });

  test('each API\'s base URL comes from that API\'s shared endpoint parameter', () => {
    const t = consumerTemplate();
    for (const api of called) {
      for (const [, fn] of resolverFunctions().filter(([id]) => id.startsWith(`Graphql${api.name}`))) {
        expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.API_BASE_URL).toEqual({ Ref: `ApiEndpoint${api.name}Parameter` });
      }
      t.hasParameter(`ApiEndpoint${api.name}Parameter`, { Default: sharedParameterArn(exampleConfig, devEnv, 'api-endpoint', vpcOf(api.name)) });
    }
  });

  test('the functions are Node 24 on ARM with no managed-policy roles', () => {
    const t = consumerTemplate();
    const functions = resolverFunctions();
    for (const [, fn] of functions) expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    for (const [, role] of resourcesOf(t, 'AWS::IAM::Role').filter(([id]) => id.startsWith('Graphql'))) {
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('AppSync uses IAM authorization by default, with logging, and serves exactly the fields of the APIs it calls, each by its API\'s resolver', () => {
    const t = consumerTemplate();
    t.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AWS_IAM',
      LogConfig: { FieldLogLevel: 'ERROR', CloudWatchLogsRoleArn: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.objectLike({ 'Fn::Join': Match.anyValue() }), RetentionInDays: Math.max(...called.map((a) => a.service.logRetentionDays)) });
    const resolvers = resourcesOf(t, 'AWS::AppSync::Resolver').map(([, r]) => r.Properties!);
    expect(resolvers.map((r) => `${r.TypeName}.${r.FieldName}`).sort()).toEqual(called.flatMap((a) => apiRuntimeOf(a).graphql.queryFields.map((f) => `Query.${f}`)).sort());
    const dataSources = resourcesOf(t, 'AWS::AppSync::DataSource');
    for (const api of called) {
      const [[, dataSource]] = dataSources.filter(([id]) => id.startsWith(`GraphqlApiInternal${api.name}`));
      expect(JSON.stringify(dataSource.Properties!.LambdaConfig)).toMatch(new RegExp(`Graphql${api.name}Resolver`));
      for (const field of apiRuntimeOf(api).graphql.queryFields) {
        const resolver = resolvers.find((r) => r.FieldName === field)!;
        expect(resolver.DataSourceName).toEqual(dataSource.Properties!.Name);
      }
    }
    for (const r of resolvers) {
      expect(r.RequestMappingTemplate).toBeUndefined();
      expect(r.ResponseMappingTemplate).toBeUndefined();
    }
    t.hasResourceProperties('AWS::AppSync::GraphQLSchema', { Definition: Match.stringLikeRegexp('item\\(id: ID!\\): Item') });
  });

  test('every consumer of every environment serves exactly the fields of the APIs it calls: none of an API the matrix denies it', () => {
    for (const stage of exampleTestStages().stages) {
      for (const c of stage.environment.consumers) {
        const fields = resourcesOf(templateOf(stage.consumerApps.get(c.name)!), 'AWS::AppSync::Resolver').map(([, r]) => String(r.Properties!.FieldName)).sort();
        expect({ consumer: `${stage.stageName}/${c.name}`, fields }).toEqual({
          consumer: `${stage.stageName}/${c.name}`,
          fields: apisCalledBy(stage.environment, c).flatMap((a) => apiRuntimeOf(a).graphql.queryFields).sort(),
        });
      }
    }
    // The example denies a pair, so the check above excludes some API's fields somewhere.
    expect(exampleConfig.environments.some((e) => e.consumers.some((c) => c.calls.length < e.apis.length))).toBe(true);
  });

  test('one GraphQL request is bounded: depth and resolver-count limits on the API, reserved concurrency on the resolver', () => {
    const t = consumerTemplate();
    const functions = resolverFunctions();
    // AppSync's defaults (10,000 resolvers, no depth limit) let one request with 500 aliases make 500 API calls.
    t.hasResourceProperties('AWS::AppSync::GraphQLApi', { QueryDepthLimit: QUERY_DEPTH_LIMIT, ResolverCountLimit: RESOLVER_COUNT_LIMIT });
    expect(RESOLVER_COUNT_LIMIT).toBeLessThanOrEqual(10);
    const byName = new Map(functions.map(([id, fn]) => [id.replace(/[0-9A-F]{8}$/, ''), fn.Properties!]));
    for (const api of called) {
      expect(byName.get(`Graphql${api.name}Resolver`)!.ReservedConcurrentExecutions).toBe(DEFAULT_RESOLVER_CONCURRENCY);
      // The health check runs once per deployment; it takes nothing from the account's pool.
      expect(byName.get(`Graphql${api.name}HealthCheck`)!.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  test('AppSync and both functions are traced with X-Ray', () => {
    const t = consumerTemplate();
    const functions = resolverFunctions();
    t.hasResourceProperties('AWS::AppSync::GraphQLApi', { XrayEnabled: true });
    for (const [, fn] of functions) expect(fn.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
  });


  test('API_KEY authorization is configurable per consumer, with every configured key and its fixed expiry', () => {
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const keys = [{ name: 'Default', expires: day(20) }, { name: 'Next', expires: day(200) }];
    const { stages: [keyDev] } = buildTestStages(configWith((c) => {
      firstEnvironmentOnly(c);
      c.environments[0].consumers[0] = { ...c.environments[0].consumers[0], graphqlAuth: 'API_KEY', apiKeys: keys };
    }));
    const keyed = templateOf(keyDev.consumerApps.get('storefront')!);
    keyed.hasResourceProperties('AWS::AppSync::GraphQLApi', { AuthenticationType: 'API_KEY' });
    // A fixed expiry from config (not AppSync's 7-day default, not "now + n", so synth is reproducible).
    const apiKeys = resourcesOf(keyed, 'AWS::AppSync::ApiKey');
    expect(apiKeys.map(([, key]) => key.Properties!.Expires).sort()).toEqual(keys.map((key) => Date.parse(`${key.expires}T00:00:00Z`) / 1000).sort());
    // "Default" keeps the logical id the single-key configuration gave its key; each key's id comes from its name,
    // so removing the first key after a rotation leaves the second one in place.
    expect(apiKeys.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['GraphqlApiDefaultApiKey', 'GraphqlApiNextApiKey']);
    const { stages: [rotated] } = buildTestStages(configWith((c) => {
      firstEnvironmentOnly(c);
      c.environments[0].consumers[0] = { ...c.environments[0].consumers[0], graphqlAuth: 'API_KEY', apiKeys: keys.slice(1) };
    }));
    expect(resourcesOf(templateOf(rotated.consumerApps.get('storefront')!), 'AWS::AppSync::ApiKey').map(([id]) => id)).toEqual([apiKeys.find(([id]) => id.includes('Next'))![0]]);
  });

  test('one deploy-time health check per API it calls, after that API\'s resolver and the GraphQL API, re-run whenever what it checks changes', () => {
    const t = consumerTemplate();
    const gates = resourcesOf(t, 'Custom::HealthCheckGate');
    expect(gates).toHaveLength(called.length);
    for (const api of called) {
      const [[, gate]] = gates.filter(([id]) => id.startsWith(`Graphql${api.name}HealthCheckGate`));
      expect(gate.Properties).toMatchObject({
        CheckFunctionArn: { Ref: expect.stringMatching(new RegExp(`^Graphql${api.name}HealthCheckCurrentVersion`)) },
        CheckedInputs: {
          apiBaseUrl: { Ref: `ApiEndpoint${api.name}Parameter` },
          certificateArn: { Ref: `ApiCertificateArn${api.name}Parameter` },
          transitGatewayId: { Ref: 'TransitGatewayIdParameter' },
          path: `${consumer.cidr} -> ${api.cidr}:443 (calls ${called.map((a) => a.name).join(', ')})`,
        },
      });
      expect(gate.DependsOn!.some((d) => d.startsWith(`Graphql${api.name}Resolver`))).toBe(true);
      expect(gate.DependsOn!.some((d) => d.startsWith('GraphqlApi'))).toBe(true);
    }
  });

  test('each check carries its own API\'s revision, as this synth computes it and as that API\'s account publishes it', () => {
    const t = consumerTemplate();
    const revisions = new Set<unknown>();
    for (const api of called) {
      const [[, gate]] = resourcesOf(t, 'Custom::HealthCheckGate').filter(([id]) => id.startsWith(`Graphql${api.name}HealthCheckGate`));
      const { apiRevision, publishedApiRevision } = (gate.Properties!.CheckedInputs as Record<string, unknown>);
      // The same literal the API stack writes to its shared parameter.
      const name = sharedParameterName(exampleConfig, devEnv, 'api-revision', vpcOf(api.name));
      const [[, published]] = resourcesOf(templateOf(dev().apis.get(api.name)!.service), 'AWS::SSM::Parameter').filter(([, p]) => p.Properties!.Name === name);
      expect(apiRevision).toMatch(/^[0-9a-f]{64}$/);
      expect(published.Properties!.Value).toBe(apiRevision);
      expect(publishedApiRevision).toEqual({ Ref: `ApiRevision${api.name}Parameter` });
      expect(t.toJSON().Parameters[`ApiRevision${api.name}Parameter`].Default).toBe(sharedParameterArn(exampleConfig, devEnv, 'api-revision', vpcOf(api.name)));
      revisions.add(apiRevision);
    }
    // One API's change re-runs its own checks only.
    expect(revisions.size).toBe(called.length);
  });

  test('a rollback cannot wedge the stack: the check runs through the gate handler, outside the VPC, which may read this stack\'s status', () => {
    const t = consumerTemplate();
    const [[, gate]] = resourcesOf(t, 'Custom::HealthCheckGate').filter(([id]) => id.startsWith(`Graphql${called[0].name}HealthCheckGate`));
    const [[gateFnId, gateFn]] = resourcesOf(t, 'AWS::Lambda::Function').filter(([id]) => id.startsWith(`Graphql${called[0].name}HealthCheckGateFunction`));
    expect(gate.Properties!.ServiceToken).toEqual({ 'Fn::GetAtt': [gateFnId, 'Arn'] });
    expect(gate.Properties!.ServiceTimeout).toBe('300');
    expect(gateFn.Properties!.VpcConfig).toBeUndefined();
    const policies = resourcesOf(t, 'AWS::IAM::Policy').filter(([id]) => id.startsWith(`Graphql${called[0].name}HealthCheckGateFunctionRole`));
    const statements = policies.flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }),
        expect.objectContaining({ Action: ['lambda:GetFunctionConfiguration', 'lambda:InvokeFunction'], Resource: { Ref: expect.stringMatching(new RegExp(`^Graphql${called[0].name}HealthCheckCurrentVersion`)) } }),
      ]),
    );
    t.resourceCountIs('Custom::Trigger', 0);
  });
});

describe('ConsumerApp calling two APIs of one runtime, one with a graphqlPrefix', () => {
  // A second API built from the catalogue's runtime folder, called by the consumer that already calls the catalogue.
  const ARCHIVE = { name: 'archive', account: '171717171717', cidr: '10.12.0.0/20', domain: 'archive.dev.example.com', runtime: 'api-service', graphqlPrefix: 'archive' };
  const config = configWith((c) => {
    firstEnvironmentOnly(c);
    c.environments[0].apis.push({ ...ARCHIVE, service: structuredClone(c.environments[0].apis[0].service) });
    c.environments[0].consumers[0].calls.push(ARCHIVE.name);
  });
  const env = config.environments[0];
  const twin = env.apis.find((a) => (a.runtime ?? 'api-service') === ARCHIVE.runtime && a.name !== ARCHIVE.name)!;
  const archive = env.apis.find((a) => a.name === ARCHIVE.name)!;
  const template = memo(() => templateOf(stageNamed(buildTestStages(config).stages, 'dev').consumerApps.get(env.consumers[0].name)!));

  test('its schema holds both APIs\' fields and types, the prefixed ones renamed, as valid GraphQL', () => {
    const [[, schema]] = resourcesOf(template(), 'AWS::AppSync::GraphQLSchema');
    const definition = buildSchema(String(schema.Properties!.Definition));
    const queryFields = Object.keys(definition.getQueryType()!.getFields());
    const served = apisCalledBy(env, env.consumers[0]);
    expect(queryFields.sort()).toEqual(served.flatMap((a) => apiRuntimeOf(a).graphql.queryFields).sort());
    for (const api of [twin, archive]) {
      for (const type of apiRuntimeOf(api).graphql.typeNames) expect(definition.getType(type)).toBeDefined();
    }
    // The rule itself, spelt out once: Query.item -> archiveItem, Item -> ArchiveItem, and its fields' types follow.
    expect(queryFields).toEqual(expect.arrayContaining(['item', 'items', 'archiveItem', 'archiveItems']));
    expect(String(definition.getQueryType()!.getFields().archiveItems.type)).toBe('ArchiveItemPage!');
    expect(String((definition.getType('ArchiveItemPage') as GraphQLObjectType).getFields().items.type)).toBe('[ArchiveItem!]!');
  });

  test('each field is resolved by its own API\'s function, and only the prefixed API\'s function is told the prefix', () => {
    const t = template();
    const resolvers = resourcesOf(t, 'AWS::AppSync::Resolver').map(([, r]) => r.Properties!);
    const dataSources = resourcesOf(t, 'AWS::AppSync::DataSource');
    const functions = resourcesOf(t, 'AWS::Lambda::Function');
    for (const api of [twin, archive]) {
      const [[, dataSource]] = dataSources.filter(([id]) => id.startsWith(`GraphqlApiInternal${api.name}`));
      const [[resolverId, fn]] = functions.filter(([id]) => new RegExp(`^Graphql${api.name}Resolver[0-9A-F]{8}$`).test(id));
      expect((dataSource.Properties!.LambdaConfig as { LambdaFunctionArn: unknown }).LambdaFunctionArn).toEqual({ 'Fn::GetAtt': [resolverId, 'Arn'] });
      for (const field of apiRuntimeOf(api).graphql.queryFields) {
        expect(resolvers.filter((r) => r.FieldName === field).map((r) => r.DataSourceName)).toEqual([dataSource.Properties!.Name]);
      }
      const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables[GRAPHQL_PREFIX_ENV]).toBe(api.graphqlPrefix);
    }
  });
});
