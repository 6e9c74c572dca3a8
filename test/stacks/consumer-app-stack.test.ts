import { Match } from 'aws-cdk-lib/assertions';
import { DEFAULT_RESOLVER_CONCURRENCY } from '../../lib/constructs/graphql-consumer';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../lib/runtime/graphql-resolver/graphql-limits';
import { buildTestStages, configWith, exampleTestStages, firstEnvironmentOnly, memo, resourcesOf, stageNamed, templateOf } from '../helpers';

// The example's stages, built on first use and shared by the tests below that only read them.
const dev = () => stageNamed(exampleTestStages().stages, 'dev');
const consumerApp = () => dev().consumerApps.get('storefront')!;
const consumerTemplate = memo(() => templateOf(consumerApp()));
/** The resolver and the health check (not the gate's handler, nor CDK's own functions). */
const resolverFunctions = memo(() => resourcesOf(consumerTemplate(), 'AWS::Lambda::Function').filter(([id]) => /Resolver|HealthCheck/.test(id) && !/^AWSCDK|Gate/.test(id)));

describe('ConsumerApp (consumer account)', () => {
  test('deploys in the consumer account, after the API service it calls and its own network', () => {
    expect(consumerApp().account).toBe('555555555555');
    expect(consumerApp().dependencies).toEqual(expect.arrayContaining([dev().apiService, dev().consumerNetworks.get('storefront')]));
  });

  test('the resolver and the health check run in the consumer VPC\'s isolated workload subnets', () => {
    const functions = resolverFunctions();
    expect(functions.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['GraphqlHealthCheck', 'GraphqlResolver']);
    for (const [, fn] of functions) {
      const vpcConfig = fn.Properties!.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      expect(JSON.stringify(vpcConfig.SubnetIds)).toMatch(/Dev-ConsumerNetwork-storefront.*workloadSubnet1.*workloadSubnet2/);
      expect(vpcConfig.SubnetIds).toHaveLength(2);
    }
  });

  test('their security group\'s only egress is 443 to the API VPC CIDR, and it admits nothing', () => {
    const t = consumerTemplate();
    const groups = resourcesOf(t, 'AWS::EC2::SecurityGroup');
    expect(groups).toHaveLength(1);
    const sg = groups[0][1].Properties!;
    expect(sg.SecurityGroupEgress).toEqual([{ CidrIp: '10.10.0.0/20', Description: 'HTTPS to the internal API', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }]);
    expect(sg.SecurityGroupIngress).toBeUndefined();
    t.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('the API base URL comes from the shared endpoint parameter', () => {
    const t = consumerTemplate();
    const functions = resolverFunctions();
    for (const [, fn] of functions) {
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.API_BASE_URL).toEqual({ Ref: 'ApiEndpointParameter' });
    }
    t.hasParameter('ApiEndpointParameter', { Default: 'arn:aws:ssm:eu-west-1:444444444444:parameter/internal-api/dev/api-endpoint' });
  });

  test('the functions are Node 24 on ARM with no managed-policy roles', () => {
    const t = consumerTemplate();
    const functions = resolverFunctions();
    for (const [, fn] of functions) expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    for (const [, role] of resourcesOf(t, 'AWS::IAM::Role').filter(([id]) => id.startsWith('Graphql'))) {
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('AppSync uses IAM authorization by default, with logging and direct Lambda resolvers for item and items', () => {
    const t = consumerTemplate();
    t.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AWS_IAM',
      LogConfig: { FieldLogLevel: 'ERROR', CloudWatchLogsRoleArn: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.objectLike({ 'Fn::Join': Match.anyValue() }), RetentionInDays: 30 });
    const resolvers = resourcesOf(t, 'AWS::AppSync::Resolver').map(([, r]) => r.Properties!);
    expect(resolvers.map((r) => `${r.TypeName}.${r.FieldName}`).sort()).toEqual(['Query.item', 'Query.items']);
    for (const r of resolvers) {
      expect(r.RequestMappingTemplate).toBeUndefined();
      expect(r.ResponseMappingTemplate).toBeUndefined();
    }
    t.hasResourceProperties('AWS::AppSync::GraphQLSchema', { Definition: Match.stringLikeRegexp('item\\(id: ID!\\): Item') });
  });

  test('one GraphQL request is bounded: depth and resolver-count limits on the API, reserved concurrency on the resolver', () => {
    const t = consumerTemplate();
    const functions = resolverFunctions();
    // AppSync's defaults (10,000 resolvers, no depth limit) let one request with 500 aliases make 500 API calls.
    t.hasResourceProperties('AWS::AppSync::GraphQLApi', { QueryDepthLimit: QUERY_DEPTH_LIMIT, ResolverCountLimit: RESOLVER_COUNT_LIMIT });
    expect(RESOLVER_COUNT_LIMIT).toBeLessThanOrEqual(10);
    const byName = new Map(functions.map(([id, fn]) => [id.replace(/[0-9A-F]{8}$/, ''), fn.Properties!]));
    expect(byName.get('GraphqlResolver')!.ReservedConcurrentExecutions).toBe(DEFAULT_RESOLVER_CONCURRENCY);
    // The health check runs once per deployment; it takes nothing from the account's pool.
    expect(byName.get('GraphqlHealthCheck')!.ReservedConcurrentExecutions).toBeUndefined();
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

  test('the deploy-time health check runs after the resolver and API, and again whenever what it checks changes', () => {
    const t = consumerTemplate();
    const [[gateId, gate]] = resourcesOf(t, 'Custom::HealthCheckGate');
    expect(gateId).toMatch(/^GraphqlHealthCheckGate/);
    expect(gate.Properties).toMatchObject({
      CheckFunctionArn: { Ref: expect.stringMatching(/^GraphqlHealthCheckCurrentVersion/) },
      CheckedInputs: {
        apiBaseUrl: { Ref: 'ApiEndpointParameter' },
        certificateArn: { Ref: 'ApiCertificateArnParameter' },
        transitGatewayId: { Ref: 'TransitGatewayIdParameter' },
        path: '10.20.0.0/20 -> 10.10.0.0/20:443',
      },
    });
    expect(gate.DependsOn!.some((d) => d.startsWith('GraphqlResolver'))).toBe(true);
    expect(gate.DependsOn!.some((d) => d.startsWith('GraphqlApi'))).toBe(true);
  });

  test('the check carries the API side\'s revision, as this synth computes it and as the API account publishes it', () => {
    const t = consumerTemplate();
    const [[, gate]] = resourcesOf(t, 'Custom::HealthCheckGate');
    const { apiRevision, publishedApiRevision } = (gate.Properties!.CheckedInputs as Record<string, unknown>);
    // The same literal the API stack writes to its shared parameter.
    const [[, published]] = resourcesOf(templateOf(dev().apiService), 'AWS::SSM::Parameter').filter(([, p]) => p.Properties!.Name === '/internal-api/dev/api-revision');
    expect(apiRevision).toMatch(/^[0-9a-f]{64}$/);
    expect(published.Properties!.Value).toBe(apiRevision);
    expect(publishedApiRevision).toEqual({ Ref: 'ApiRevisionParameter' });
    expect(t.toJSON().Parameters.ApiRevisionParameter.Default).toBe('arn:aws:ssm:eu-west-1:444444444444:parameter/internal-api/dev/api-revision');
  });

  test('a rollback cannot wedge the stack: the check runs through the gate handler, outside the VPC, which may read this stack\'s status', () => {
    const t = consumerTemplate();
    const [[, gate]] = resourcesOf(t, 'Custom::HealthCheckGate');
    const [[gateFnId, gateFn]] = resourcesOf(t, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('GraphqlHealthCheckGateFunction'));
    expect(gate.Properties!.ServiceToken).toEqual({ 'Fn::GetAtt': [gateFnId, 'Arn'] });
    expect(gate.Properties!.ServiceTimeout).toBe('300');
    expect(gateFn.Properties!.VpcConfig).toBeUndefined();
    const policies = resourcesOf(t, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('GraphqlHealthCheckGateFunctionRole'));
    const statements = policies.flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }),
        expect.objectContaining({ Action: ['lambda:GetFunctionConfiguration', 'lambda:InvokeFunction'], Resource: { Ref: expect.stringMatching(/^GraphqlHealthCheckCurrentVersion/) } }),
      ]),
    );
    t.resourceCountIs('Custom::Trigger', 0);
  });
});
